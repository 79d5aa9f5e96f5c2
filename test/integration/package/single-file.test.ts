// The single files (`npm run build:bin`: Node 24's single executable application with a startup snapshot of
// every module), as a NAS owner runs them: the x64 one against the test world (the app's first frame in a
// terminal, in colour only when the terminal and environment say so; `image list --json` and `image tags` as the
// npm package answers them; a pull through a download worker started from the same file), and the arm64 one
// under Debian's qemu-user-static (--version, `image tags --json` against the world's registry).
//
// The files are built once per run: build-bin.mjs keeps a file whose inputs have not changed, and the bundle is
// reproducible here (SOURCE_DATE_EPOCH is HEAD's commit time), so `npm run test:later` reuses them. A first build
// takes ~1 min on 2 cores (the arm64 snapshot is built under qemu; a Node download is ~50 MB per architecture
// when npm's cache does not have it).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { httpRequest } from '../../world/index.js';
import { type Result, type Session, alive, assertBuilt, run, session, workerPid } from '../engine/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const X64 = join(ROOT, 'dist', 'bin', 'stevedore-linux-x64');
const ARM64 = join(ROOT, 'dist', 'bin', 'stevedore-linux-arm64');
const TMUX = `stevedore-bin-${process.pid}`;

/** Runs a single file (or, for arm64, qemu with it) to the end, with a deadline. */
function runFile(argv: string[], env: NodeJS.ProcessEnv, ms = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv as [string, ...string[]];
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const arm64 = (...args: string[]): string[] => ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu', ARM64, ...args];

describeWorld('the single files (npm run build:bin)', (world) => {
  let s: Session;
  const plain = world.registries.plain.host;

  beforeAll(() => {
    assertBuilt();
    const epoch = execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const started = performance.now();
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-bin.mjs')], {
      cwd: ROOT,
      env: { ...process.env, SOURCE_DATE_EPOCH: epoch },
      encoding: 'utf8',
      timeout: 280_000,
    });
    if (built.status !== 0) throw new Error(`npm run build:bin failed (exit ${built.status ?? built.signal}):\n${built.stderr}`);
    console.info(`[single file] ${built.stderr.trim().split('\n').filter((l) => /in [\d.]+ s|up to date|MB/.test(l)).join('; ')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    s = session(world);
  }, 300_000);

  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', TMUX]);
    if (s) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('x64: prints its version, build and the Node it carries', async () => {
    const r = await runFile([X64, '--version'], s.env);
    expect(r.code, r.stderr).toBe(0);
    const npm = await run(s, ['--version']);
    // The same package version and commit as the npm package of this run; its own Node (24, x64).
    expect(r.stdout.split('\n')[0]).toBe(npm.stdout.split('\n')[0]);
    expect(r.stdout).toMatch(/^built +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/m);
    expect(r.stdout).toMatch(/^node +v24\.\d+\.\d+ \(linux\/x64\)$/m);
  });

  it('x64: lists the local images and a repository\'s tags as the npm package does', async () => {
    for (const args of [['image', 'list', '--json'], ['image', 'tags', `${plain}/team/many`, '--json'], ['registry', 'list', '--json'], ['image', 'list', '--category', 'selected', '--json']]) {
      const [file, npm] = await Promise.all([runFile([X64, ...args], s.env), run(s, args)]);
      expect(file.code, `${args.join(' ')}: ${file.stderr}`).toBe(0);
      expect(JSON.parse(file.stdout), args.join(' ')).toEqual(JSON.parse(npm.stdout));
    }
    const tags = JSON.parse((await runFile([X64, 'image', 'tags', `${plain}/team/many`, '--json'], s.env)).stdout) as { tags: string[] };
    expect(tags.tags.length).toBeGreaterThan(100);
  });

  it('x64: pulls through a download worker started from the same file', async () => {
    // On the world's second engine, so that no other test's images change.
    const b: Session = { ...s, env: { ...s.env, DOCKER_HOST: world.engineB.host } };
    const ref = `${plain}/team/beta:1.0`;
    try {
      const r = await runFile([X64, 'image', 'pull', ref, '--json'], b.env, 120_000);
      expect(r.code, r.stderr).toBe(0);
      const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      expect(last).toMatchObject({ event: 'done', digest: world.digests.beta });
      const pid = workerPid(b);
      expect(pid).not.toBeNull();
      if (pid !== null && alive(pid)) {
        // The worker is the single file itself (no Node, no script): `stevedore-linux-x64 __worker`.
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        expect(argv).toEqual([X64, '__worker']);
      }
      const listed = JSON.parse((await runFile([X64, 'image', 'list', '--json'], b.env)).stdout) as { results: Array<{ name: string }> };
      expect(listed.results.map((x) => x.name)).toContain(`${plain}/team/beta`);
    } finally {
      const pid = workerPid(b);
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGTERM');
      const images = (await httpRequest('http://docker/images/json', { socketPath: world.engineB.socket })).json() as Array<{ Id: string; RepoTags?: string[] }>;
      for (const image of images.filter((i) => i.RepoTags?.includes(ref))) {
        await httpRequest(`http://docker/images/${image.Id}?force=1`, { method: 'DELETE', socketPath: world.engineB.socket, timeoutMs: 60_000 });
      }
    }
  });

  it('x64: `watch install` schedules the file itself (no node, no script before `watch --once`)', async () => {
    // Stand-ins for crontab and systemctl on PATH, HOME and XDG_CONFIG_HOME in a temporary directory: the line or
    // unit is written there, whether this machine runs systemd or not.
    const dir = mkdtempSync(join(tmpdir(), 'stevedore-bin-watch-'));
    try {
      writeFileSync(join(dir, 'crontab'), `#!/bin/sh\nif [ "$1" = "-l" ]; then cat "${dir}/tab" 2>/dev/null; exit 0; fi\ncat > "${dir}/tab"\n`, { mode: 0o755 });
      writeFileSync(join(dir, 'systemctl'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const env = { ...s.env, PATH: `${dir}:${s.env.PATH ?? ''}`, HOME: dir, XDG_CONFIG_HOME: dir };
      const r = await runFile([X64, 'watch', 'install'], env);
      expect(r.code, r.stderr).toBe(0);
      const unit = join(dir, 'systemd', 'user', 'stevedore-watch.service');
      const written = readFileSync(existsSync(unit) ? unit : join(dir, 'tab'), 'utf8');
      expect(written).toContain(`${X64} watch --once`);
      expect(written).not.toContain(`${X64} ${X64}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("x64: draws the app's first frame in a terminal, in colour (also with CI set) unless FORCE_COLOR=0 says otherwise", async () => {
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed (apt-get install tmux)');
    const screen = (escapes: boolean): string => execFileSync('tmux', ['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', TMUX], { encoding: 'utf8' });
    const until = async (what: string, check: (t: string) => boolean): Promise<string> => {
      const deadline = Date.now() + 30_000;
      let last = '';
      while (Date.now() < deadline) {
        last = screen(false);
        if (check(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
    };
    // (The snapshot was built without a terminal: chalk's colour level is decided again when the app starts, after
    // the app has taken CI out of the environment, as the npm package does before it loads Ink.)
    for (const extra of [{ CI: 'true' }, { FORCE_COLOR: '0' }]) {
      const env = Object.entries({ ...s.env, TERM: 'xterm-256color', ...extra }).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
      execFileSync('tmux', ['new-session', '-d', '-s', TMUX, '-x', '100', '-y', '30', ...env, `${X64}; echo EXITED=$?; sleep 600`]);
      try {
        // (The header names the engine and, since issue 20, the rule that chose it: `@DOCKER_HOST (from DOCKER_HOST)`.)
        const frame = await until('the depots', (t) => /^stevedore {2}@\S+(?: \([^)]*\))? {2}Depots/m.test(t) && t.includes('1 Local'));
        expect(frame).toContain('2 Selected');
        // Selected comes from the catalog the file carries as an asset.
        execFileSync('tmux', ['send-keys', '-t', TMUX, '2']);
        await until('the Selected depot', (t) => /Selected \d+/.test(t) && t.includes('jellyfin'));
        const coloured = /\u001b\[(?:\d+;)*(?:3\d|9\d|38;5;\d+)m/.test(screen(true));
        expect(coloured, JSON.stringify(extra)).toBe(!('FORCE_COLOR' in extra));
        execFileSync('tmux', ['send-keys', '-t', TMUX, 'q']);
        await until('the app to end', (t) => t.includes('EXITED=0'));
      } finally {
        spawnSync('tmux', ['kill-session', '-t', TMUX]);
      }
    }
  });

  it('arm64 (under qemu): --version, and `image tags --json` against the world\'s registry', async () => {
    expect(existsSync(ARM64)).toBe(true);
    const version = await runFile(arm64('--version'), s.env, 120_000);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^node +v24\.\d+\.\d+ \(linux\/arm64\)$/m);
    const tags = await runFile(arm64('image', 'tags', `${plain}/team/many`, '--json'), s.env, 120_000);
    expect(tags.code, tags.stderr).toBe(0);
    expect(JSON.parse(tags.stdout)).toEqual(JSON.parse((await run(s, ['image', 'tags', `${plain}/team/many`, '--json'])).stdout));
  });
});
