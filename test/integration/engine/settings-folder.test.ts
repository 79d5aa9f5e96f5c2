// Settings folders that are not the user's, and folders that cannot be written (issue 24, items 5 and 6),
// with the built CLI: a folder made by the world's second local user, one others may write to, settings
// files that are links to someone else's file, a small tmpfs that is full and then read-only, and /proc.
// Each refusal leaves the target file as it was (content, mode and owner compared before and after).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness';
import { asUser, type OtherUser, type WorldInfo } from '../../world/index';
import { assertBuilt, run, session, type Session } from './helpers';

/** What must not change: content, mode and owner of a file. */
function fingerprint(path: string): string {
  const st = statSync(path);
  return `${createHash('sha256').update(readFileSync(path)).digest('hex')} mode ${(st.mode & 0o7777).toString(8)} uid ${st.uid}`;
}

function mustRun(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

describeWorld('settings folders that are not yours, full or read-only (issue 24)', (world: WorldInfo) => {
  let base: string;
  let other: OtherUser;
  const sessions: Session[] = [];
  const as = (configDir: string): Session => {
    const s = session(world, { STEVEDORE_CONFIG_DIR: configDir });
    sessions.push(s);
    return s;
  };

  beforeAll(() => {
    assertBuilt();
    if (!world.otherUser) throw new Error('the test world made no second local user (test/world/users.ts)');
    other = world.otherUser;
    base = mkdtempSync(join(tmpdir(), 'sd-folders-'));
    chmodSync(base, 0o1777); // a shared place, like /tmp
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
  });

  it("refuses a folder of another user: nothing is read or written there, and its file stays as it was", async () => {
    const theirs = join(base, 'theirs');
    expect(asUser(other, 'mkdir', ['-m', '755', theirs]).status).toBe(0);
    expect(asUser(other, 'sh', ['-c', `printf '{"http.timeout": 15}\\n' > ${theirs}/settings.json && chmod 644 ${theirs}/settings.json`]).status).toBe(0);
    const before = fingerprint(join(theirs, 'settings.json'));
    const s = as(theirs);
    const add = await run(s, ['registry', 'add', 'lab', '--url', 'https://lab.example', '--api', 'v2', '--username', 'ops', '--password-stdin'], 'root-secret-1\n');
    expect(add.code).toBe(1);
    expect(add.stderr).toBe(
      `error: refusing the settings folder ${theirs}: it belongs to another user (uid ${other.uid}), who could read or replace the passwords kept there ` +
        `(use a folder of your own (STEVEDORE_CONFIG_DIR=…), or make it yours: chown 0 ${theirs} && chmod 700 ${theirs})\n`,
    );
    for (const args of [['config', 'set', 'http.timeout', '20'], ['config', 'list'], ['serve', 'passwd', '--password-stdin']]) {
      const r = await run(s, args, 'another-secret-2\n');
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('belongs to another user');
    }
    expect(readdirSync(theirs)).toEqual(['settings.json']);
    expect(fingerprint(join(theirs, 'settings.json'))).toBe(before);
    console.log(`[figure] a folder of uid ${other.uid}: registry add, config set, config list and serve passwd refused (exit 1); settings.json unchanged (${before})`);
  });

  it('refuses a folder of ours that others may write to, and says how to fix it', async () => {
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const s = as(open);
    const r = await run(s, ['config', 'set', 'http.timeout', '20']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: refusing the settings folder ${open}: every user may write in it (mode 0777), and could replace the files kept there (make it private: chmod 700 ${open} (and check what is in it))\n`);
    expect(readdirSync(open)).toEqual([]);
    chmodSync(open, 0o770);
    expect((await run(s, ['config', 'list'])).stderr).toContain('its group may write in it (mode 0770)');
    chmodSync(open, 0o755); // readable by others only: tightened and used
    expect((await run(s, ['config', 'set', 'http.timeout', '20'])).code).toBe(0);
    expect(statSync(open).mode & 0o777).toBe(0o700);
  });

  it('never reads, writes or chmods a settings file through a link: the link target stays as it was', async () => {
    const mine = join(base, 'mine');
    mkdirSync(mine, { mode: 0o700 });
    const target = join(base, 'their-notes.txt');
    expect(asUser(other, 'sh', ['-c', `echo 'not yours' > ${target} && chmod 644 ${target}`]).status).toBe(0);
    const before = fingerprint(target);
    const s = as(mine);
    for (const [file, args, input] of [
      ['settings.json', ['config', 'set', 'http.timeout', '20'], undefined],
      ['registries.json', ['registry', 'add', 'lab', '--url', 'https://lab.example', '--api', 'v2', '--username', 'ops', '--password-stdin'], 'root-secret-3\n'],
      ['serve-login.json', ['serve', 'passwd', '--password-stdin'], 'root-secret-4\n'],
    ] as const) {
      const link = join(mine, file);
      symlinkSync(target, link);
      const r = await run(s, [...args], input);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toBe(`error: refusing ${link}: it is a symbolic link, and stevedore never reads or writes settings through a link (replace it with the file itself, or remove it)\n`);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fingerprint(target)).toBe(before);
      rmSync(link);
    }
    expect(readFileSync(target, 'utf8')).toBe('not yours\n');
    expect(readdirSync(mine).filter((f) => !/^settings\.json$/.test(f))).toEqual([]);
  });

  it('a full, then read-only settings folder: a pull says so within 2 s, and no lock or temporary file is left', async () => {
    const small = join(base, 'small');
    mkdirSync(small, { mode: 0o700 });
    mustRun('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', small]);
    try {
      const s = as(small);
      expect((await run(s, ['config', 'set', 'http.timeout', '20'])).code).toBe(0);
      const settings = fingerprint(join(small, 'settings.json'));
      spawnSync('dd', ['if=/dev/zero', `of=${join(small, 'fill')}`, 'bs=4k'], { encoding: 'utf8' }); // until the disk is full
      const leftovers = (): string[] => readdirSync(small).filter((f) => f !== 'settings.json' && f !== 'fill');
      const times: string[] = [];
      for (const [state, code] of [['full', 'ENOSPC'], ['read-only', 'EROFS']] as const) {
        if (state === 'read-only') {
          rmSync(join(small, 'fill'));
          mustRun('mount', ['-o', 'remount,ro', small]);
        }
        const t0 = performance.now();
        const pull = await run(s, ['image', 'pull', 'hello-world:latest']);
        const ms = performance.now() - t0;
        times.push(`${state}: ${Math.round(ms)} ms`);
        expect(pull.code).toBe(1);
        expect(pull.stderr).toMatch(new RegExp(`^error: cannot write in ${small}: .+ \\(${code}\\) \\(.+\\)\\n$`));
        expect(ms).toBeLessThan(2000);
        for (const args of [['config', 'set', 'http.timeout', '30'], ['registry', 'add', 'lab', '--url', 'http://127.0.0.1:9', '--api', 'v2']]) {
          const r = await run(s, args);
          expect(r.code, args.join(' ')).toBe(1);
          expect(r.stderr).toContain(`(${code})`);
          expect(r.stderr).not.toContain('bug');
        }
        expect(leftovers()).toEqual([]);
        expect(fingerprint(join(small, 'settings.json'))).toBe(settings);
      }
      console.log(`[figure] image pull in a settings folder that is ${times.join(', ')}; files left: none`);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('/proc/self/fd as the settings folder is a clear error, not a bug', async () => {
    const s = session(world, { STEVEDORE_CONFIG_DIR: '/proc/self/fd' });
    rmSync(s.configDir, { recursive: true, force: true });
    for (const args of [['config', 'set', 'http.timeout', '20'], ['image', 'pull', 'hello-world:latest']]) {
      const r = await run(s, args);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: the settings folder /proc/self/fd is inside /proc, where no file can be kept (point STEVEDORE_CONFIG_DIR at a folder of your own)\n');
    }
  });
});
