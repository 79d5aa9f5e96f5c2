// The published package, as a user gets it: `npm pack`, then `npm i -g` of the tarball into an empty prefix
// with no way to fetch packages (--offline, an empty npm cache, a registry on a closed loopback port). The
// package has no runtime dependencies, so that install must succeed, and the installed `stevedore` must run:
// --version, `image list --json` against the test world's engine, and the app's first frame in a terminal.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld, useCommand } from '../../world/harness.js';
import { assertBuilt, run, session, type Session } from '../engine/helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SESSION = `stevedore-install-${process.pid}`;

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

describeWorld('the packed tarball, installed with no access to packages', (world) => {
  let work = '';
  let prefix = '';
  let bin = '';
  let s: Session;
  let pack: PackResult;

  beforeAll(() => {
    assertBuilt();
    s = session(world);
    work = mkdtempSync(join(tmpdir(), 'sd-pack-'));
    prefix = join(work, 'prefix');
    // --ignore-scripts: pack the dist/ this run built (a prepack rebuild would replace it under other tests).
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
    const [first] = JSON.parse(packed) as PackResult[];
    if (!first) throw new Error(`npm pack printed no result: ${packed}`);
    pack = first;
    const started = performance.now();
    const install = spawnSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--offline', '--cache', join(work, 'empty-cache'), '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', join(work, pack.filename)],
      { cwd: work, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' }, timeout: 120_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    if (install.status !== 0) throw new Error(`npm install of the tarball failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
    bin = join(prefix, 'bin', 'stevedore');
    const size = duBytes(prefix);
    console.info(`[install] ${pack.filename}: ${pack.files.length} files; installed ${(size / 1e6).toFixed(2)} MB in ${seconds.toFixed(1)} s`);
  });

  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    if (work) rmSync(work, { recursive: true, force: true });
    if (s) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('ships only what runs and declares no runtime dependencies', () => {
    const files = pack.files.map((f) => f.path).sort();
    const unexpected = files.filter((f) => !/^dist\/(cli\.js|chunks\/[\w-]+\.js)$/.test(f) && !['assets/catalog.json', 'assets/catalog.schema.json', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f));
    expect(unexpected).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'stevedore-tui', 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
      expect(manifest[field] ?? {}, field).toEqual({});
    }
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'stevedore-tui', 'node_modules'))).toBe(false);
  });

  it('prints its version, build date and Node', async () => {
    const r = await run(s, ['--version']);
    const installed = spawnSync(bin, ['--version'], { env: s.env, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/^stevedore \d+\.\d+\.\d+\nbuilt +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(installed.stdout).toContain(`node    ${process.version}`);
    // The same bundle as the one this run built.
    expect(installed.stdout).toBe(r.stdout);
  });

  it('lists the local images as the built bin does', async () => {
    const installed = spawnSync(bin, ['image', 'list', '--json'], { env: s.env, encoding: 'utf8', timeout: 60_000 });
    expect(installed.status, installed.stderr).toBe(0);
    const list = JSON.parse(installed.stdout) as { category: string; results: unknown[]; warnings: string[] };
    expect(list.category).toBe('local');
    expect(list.warnings).toEqual([]);
    const fromBuild = await run(s, ['image', 'list', '--json']);
    expect(list).toEqual(JSON.parse(fromBuild.stdout));
  });

  it("draws the app's first frame in a terminal", async () => {
    useCommand('tmux', 'tmux');
    const env = Object.entries(s.env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    execFileSync('tmux', ['new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', ...env, `${bin}; echo EXITED=$?; sleep 600`]);
    const screen = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', SESSION], { encoding: 'utf8' });
    const until = async (what: string, check: (t: string) => boolean): Promise<string> => {
      const deadline = Date.now() + 30_000;
      let last = '';
      while (Date.now() < deadline) {
        last = screen();
        if (check(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
    };
    const frame = await until('the depots', (t) => /^stevedore {2}@\S+(?: \([^)]*\))? {2}Depots/m.test(t) && t.includes('1 Local'));
    expect(frame).toContain('2 Selected');
    execFileSync('tmux', ['send-keys', '-t', SESSION, 'q']);
    await until('the app to end', (t) => t.includes('EXITED=0'));
  });
});
