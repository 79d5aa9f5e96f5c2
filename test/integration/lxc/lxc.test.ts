// `--type lxc` against the world's real LXD and its simplestreams server (test/world/lxd.ts): local and
// remote lists, inspect, a download through LXD with progress to `complete`, cancel, rm — compared with what
// `lxc image list --format json` says — and the 501 when there is no LXD.
// test:later: dates matter here (LXD image dates and the simplestreams index against the moved clock): npm run test:later runs this file again a year ahead.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import type { LxdWorldInfo } from '../../world/lxd.js';
import { movedClockEnv } from '../../world/proc.js';
import { openTerminal } from '../tui/terminal.js';
import { BIN, assertBuilt, json, jsonLines, run, session, start, until, workerGone, type Session } from '../engine/helpers.js';

interface LxcResult {
  name: string;
  aliases: string[];
  fingerprint: string;
  architecture: string;
  os: string;
  release: string;
  size: number;
  type: string;
  installed: boolean | null;
  repository: string;
  serial: string | null;
  versions?: string[];
}

interface LxcList {
  category: string;
  type: string;
  results: LxcResult[];
  total_count: number;
}

interface LxdImage {
  fingerprint: string;
  aliases: Array<{ name: string }>;
  architecture: string;
  size: number;
  properties: Record<string, string>;
}

describeWorld('LXC images through LXD', (world) => {
  let lxd: LxdWorldInfo;
  let s: Session;
  const lxcCli = (...args: string[]): string => {
    const r = spawnSync('lxc', args, { env: { ...process.env, ...lxd.env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lxc ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const lxdImages = (): LxdImage[] => JSON.parse(lxcCli('image', 'list', '--format', 'json')) as LxdImage[];

  beforeAll(async () => {
    if (!world.lxd) throw new Error(`the world's LXD did not start: ${world.lxdError ?? 'unknown reason'}`);
    lxd = world.lxd;
    assertBuilt();
    s = session(world, lxd.env);
    const added = await run(s, ['lxd-server', 'add', 'world', '--url', lxd.serverUrl]);
    expect(added.code, added.stderr).toBe(0);
  });

  afterAll(async () => {
    if (s) {
      await workerGone(s);
      rmSync(s.configDir, { recursive: true, force: true });
    }
  });

  it('the app\'s first Local list has the LXC images beside the docker ones, without a refresh', async () => {
    // The first frame used to show the docker images read while the app loaded, and never asked LXD.
    const t = openTerminal('lxc-first', s);
    try {
      const first = await t.idle('the first Local list');
      expect(first).toMatch(new RegExp(`${lxd.localAlias.replace('/', '\\/')} .* lxc`));
    } catch (error) {
      throw t.attach(error);
    } finally {
      t.stop();
    }
  });

  it('answers 501 naming the sockets it looked at when there is no LXD', async () => {
    const none = session(world, { LXD_DIR: '/nonexistent/lxd' });
    try {
      const r = await run(none, ['image', 'list', '--type', 'lxc', '--json']);
      expect(r.code).toBe(1);
      const body = JSON.parse(r.stdout) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(501);
      expect(body.error.message).toContain('/nonexistent/lxd/unix.socket');
      const human = await run(none, ['image', 'list', '--type', 'lxc']);
      expect(human.code).toBe(1);
      expect(human.stderr.trim().split('\n')).toHaveLength(1);
      expect(human.stderr).toMatch(/^error: no LXD or Incus socket found \(looked at \/nonexistent\/lxd\/unix.socket\)/);
    } finally {
      rmSync(none.configDir, { recursive: true, force: true });
    }
  });

  it('answers 403 with the group to join when the socket refuses this user', async () => {
    // A socket like LXD's (root, group "adm" here, mode 0660), and the bin run as nobody. Nobody must be able to
    // read the bin and reach the socket and its home whatever the clone's and TMPDIR's modes are (a clone in
    // root's 0700 home, or made with umask 077, left nobody with nothing to run and an empty stdout): the built
    // bundle is copied next to the socket, in a folder of /tmp that everyone may enter.
    const dir = mkdtempSync(join(existsSync('/tmp') ? '/tmp' : tmpdir(), 'sd-lxd-perm-'));
    const server = net.createServer((c) => c.destroy());
    try {
      chmodSync(dir, 0o755);
      const bin = join(dir, 'dist', basename(BIN));
      cpSync(dirname(BIN), dirname(bin), { recursive: true });
      spawnSync('chmod', ['-R', 'a+rX', dirname(bin)]);
      const socket = join(dir, 'unix.socket');
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      chownSync(socket, 0, 4);
      chmodSync(socket, 0o660);
      const home = join(dir, 'home');
      spawnSync('mkdir', ['-m', '0700', home]);
      chownSync(home, 65534, 65534);
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'image', 'list', '--type', 'lxc', '--json'], {
          uid: 65534,
          gid: 65534,
          env: { PATH: process.env.PATH, HOME: home, STEVEDORE_CONFIG_DIR: join(home, 'cfg'), LXD_DIR: dir, ...movedClockEnv() },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const body = JSON.parse(r.stdout) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(403);
      expect(body.error.message).toContain(`permission denied on LXD's socket ${socket}`);
      expect(body.error.message).toContain('join the group "adm"');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists local images as `lxc image list --format json` does', async () => {
    const list = await json<LxcList>(s, ['image', 'list', '--type', 'lxc']);
    expect(list.category).toBe('local');
    expect(list.type).toBe('lxc');
    const theirs = lxdImages();
    expect(list.total_count).toBe(theirs.length);
    for (const image of theirs) {
      const ours = list.results.find((r) => r.fingerprint === image.fingerprint);
      expect(ours, image.fingerprint).toBeDefined();
      expect(ours?.aliases).toEqual(image.aliases.map((a) => a.name));
      expect(ours?.architecture).toBe(image.architecture);
      expect(ours?.size).toBe(image.size);
      expect(ours?.os).toBe(image.properties.os);
      expect(ours?.release).toBe(image.properties.release);
      expect(ours?.type).toBe('lxc');
      expect(ours?.repository).toBe('local');
    }
    const local = list.results.find((r) => r.fingerprint === lxd.localFingerprint);
    expect(local?.name).toBe(lxd.localAlias);
  });

  it('lists a simplestreams server: container products for the host architecture, newest serial first', async () => {
    const list = await json<LxcList & { server: string; architecture: string }>(s, ['image', 'list', '--type', 'lxc', '--category', 'remote', '--server', 'world']);
    expect(list.category).toBe('remote');
    expect(list.server).toBe('world');
    expect(list.architecture).toBe(lxd.products.fast.lxdArch);
    const names = list.results.map((r) => r.name).sort();
    expect(names).toEqual(['world/fast', 'world/slow', 'world/stuck']);
    const fast = list.results.find((r) => r.name === 'world/fast');
    const newest = lxd.products.fast.serials[1] ?? '';
    expect(fast?.serial).toBe(newest);
    expect(fast?.fingerprint).toBe(lxd.products.fast.fingerprints[newest]);
    expect(fast?.versions).toEqual([...lxd.products.fast.serials].reverse());
    expect(fast?.installed).toBe(false);
    expect(fast?.repository).toBe('world');
    const all = await json<LxcList>(s, ['image', 'list', '--type', 'lxc', '--category', 'remote', '--server', 'world', '--platform', 'all']);
    expect(all.results.filter((r) => r.name === 'world/fast').map((r) => r.architecture).sort()).toEqual(
      [lxd.products.fast.lxdArch, lxd.products.fastOther.lxdArch].sort(),
    );
    expect(all.results.some((r) => r.name === 'world/vm')).toBe(false);
  });

  it('inspects a local image (LXD\'s JSON) and a remote one (its versions)', async () => {
    const local = await json<{ fingerprint: string; aliases: Array<{ name: string }> }>(s, ['image', 'inspect', '--type', 'lxc', lxd.localAlias]);
    expect(local.fingerprint).toBe(lxd.localFingerprint);
    const remote = await json<{ fingerprint: string; versions: Array<{ serial: string; fingerprint: string }> }>(s, [
      'image', 'inspect', '--type', 'lxc', 'world/fast', '--server', 'world',
    ]);
    expect(remote.versions.map((v) => v.fingerprint)).toEqual([...lxd.products.fast.serials].reverse().map((x) => lxd.products.fast.fingerprints[x]));
    const missing = await run(s, ['image', 'inspect', '--type', 'lxc', 'world/nope', '--server', 'world', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 404, message: expect.stringContaining('Image not found: world/nope') } });
  });

  it('downloads through LXD with progress to complete, then removes it', async () => {
    const fingerprint = lxd.products.slow.fingerprints[lxd.products.slow.serials[0] ?? ''] ?? '';
    const pull = start(s, ['image', 'pull', '--type', 'lxc', 'world/slow', '--server', 'world', '--json']);
    const result = await pull.exited;
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(pull.lines);
    const progress = events.filter((e) => e.event === 'progress');
    const percents = progress.map((e) => e.percent).filter((p): p is number => typeof p === 'number');
    expect(percents.some((p) => p > 0 && p < 100), JSON.stringify(percents)).toBe(true);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ event: 'done', name: 'world:world/slow', digest: fingerprint });

    const theirs = lxdImages().find((i) => i.fingerprint === fingerprint);
    expect(theirs?.aliases.map((a) => a.name).sort()).toEqual(['world/slow', 'world/slow/default']);
    const downloads = await json<Array<{ name: string; status: string; percent: number }>>(s, ['image', 'downloads']);
    expect(downloads.find((d) => d.name === 'world:world/slow')).toMatchObject({ status: 'complete', percent: 100 });
    const remote = await json<LxcList>(s, ['image', 'list', '--type', 'lxc', '--category', 'remote', '--server', 'world', '--filter', 'slow']);
    expect(remote.results[0]?.installed).toBe(true);

    const removed = await json<{ name: string; untagged: string[]; deleted: string[] }>(s, ['image', 'rm', '--type', 'lxc', 'world/slow']);
    expect(removed.deleted).toEqual([fingerprint]);
    expect(lxdImages().some((i) => i.fingerprint === fingerprint)).toBe(false);
    const again = await run(s, ['image', 'rm', '--type', 'lxc', 'world/slow', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ error: { code: 404, message: 'Image not found: world/slow' } });
  });

  it('cancels the LXD operation when the pull is interrupted', async () => {
    const fingerprint = lxd.products.stuck.fingerprints[lxd.products.stuck.serials[0] ?? ''] ?? '';
    const pull = start(s, ['image', 'pull', '--type', 'lxc', 'world/stuck', '--server', 'world', '--json']);
    await pull.waitForLine((l) => l.includes('"status":"downloading"') && /"current":[1-9]/.test(l), 60_000);
    process.kill(-(pull.child.pid ?? 0), 'SIGINT');
    const result = await pull.exited;
    expect(result.code).toBe(130);
    expect(jsonLines(pull.lines).at(-1)).toEqual({ event: 'cancelled', name: 'world:world/stuck' });
    // LXD has no running download left and no image.
    await until(
      async () => JSON.parse(lxcCli('operation', 'list', '--format', 'json')) as Array<{ description: string; status: string }>,
      (ops) => !ops.some((o) => o.description === 'Downloading image' && o.status === 'Running'),
      30_000,
      'no running download in LXD',
    );
    expect(lxdImages().some((i) => i.fingerprint === fingerprint)).toBe(false);
  });

  it('shows the catalog\'s LXC entries in the Selected depot with installed marks from the real LXD (issue 14b)', async () => {
    const file = join(s.configDir, 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        images: [
          { name: 'redis', version: '7', arch: ['amd64'], group: 'Databases' },
          { type: 'lxc', name: 'world/fast', server: 'world', title: 'World fast', arch: ['amd64'], group: 'System' },
          { type: 'lxc', name: lxd.localAlias, server: 'world', group: 'System' },
        ],
      }),
    );
    const set = await run(s, ['config', 'set', 'catalog', file]);
    expect(set.code, set.stderr).toBe(0);
    interface Selected { category: string; results: Array<{ name: string; type: string; server?: string; installed: boolean | null; downloading: boolean | null; repository: string; unavailable?: string }>; warnings: string[] }
    const list = await json<Selected>(s, ['image', 'list', '--category', 'selected']);
    expect(list.category).toBe('selected');
    expect(list.results.map((r) => [r.name, r.type])).toEqual([['redis', 'docker'], ['world/fast', 'lxc'], [lxd.localAlias, 'lxc']]);
    expect(list.results[1]).toMatchObject({ server: 'world', installed: false, downloading: false, repository: 'selected' });
    expect(list.results[2]).toMatchObject({ installed: true });
    expect(list.results[1]?.unavailable).toBeUndefined();
    const onlyLxc = await json<Selected>(s, ['image', 'list', '--category', 'qnap', '--type', 'lxc']);
    expect(onlyLxc.results.map((r) => r.name)).toEqual(['world/fast', lxd.localAlias]);

    // Downloaded through LXD, the entry is installed.
    const pull = await run(s, ['image', 'pull', '--type', 'lxc', 'world/fast', '--server', 'world', '--json']);
    expect(pull.code, pull.stderr).toBe(0);
    const after = await json<Selected>(s, ['image', 'list', '--category', 'selected', '--type', 'lxc', '--filter', 'fast']);
    expect(after.results).toEqual([expect.objectContaining({ name: 'world/fast', installed: true })]);
    const removed = await run(s, ['image', 'rm', '--type', 'lxc', 'world/fast', '--json']);
    expect(removed.code, removed.stderr).toBe(0);

    // Without LXD the entries still show, with installed null and why they cannot be downloaded.
    const none = session(world, { LXD_DIR: '/nonexistent/lxd' });
    try {
      const set2 = await run(none, ['config', 'set', 'catalog', file]);
      expect(set2.code, set2.stderr).toBe(0);
      const r = await run(none, ['image', 'list', '--category', 'selected', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const body = JSON.parse(r.stdout) as Selected;
      expect(body.results[1]).toMatchObject({ name: 'world/fast', type: 'lxc', installed: null, unavailable: expect.stringContaining('/nonexistent/lxd/unix.socket') });
      const human = await run(none, ['image', 'list', '--category', 'selected']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/world\/fast +lxc +- /);
    } finally {
      rmSync(none.configDir, { recursive: true, force: true });
    }
  });
});
