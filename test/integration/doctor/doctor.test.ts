// `stevedore doctor` through the built CLI against the test world: all green, then one thing broken at a time
// (the engine down, a credential helper that fails, a refused registry login, LANG=C), and in a real terminal
// (tmux) for the terminal checks.
// test:later: dates matter here (registry logins (tokens), certificates): npm run test:later runs this file again a year ahead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld, useCommand } from '../../world/harness.js';
import { BIN, assertBuilt, run, session, workerGone, type Session } from '../engine/helpers.js';

interface Check {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}
interface Report {
  ok: boolean;
  checks: Check[];
}

const SESSION = `stevedore-doctor-${process.pid}`;

describeWorld('stevedore doctor', (world) => {
  let s: Session;
  let helpers = '';

  const doctor = async (env: Record<string, string> = {}): Promise<{ code: number | null; report: Report; stdout: string; stderr: string }> => {
    const r = await run({ ...s, env: { ...s.env, ...env } }, ['doctor', '--json']);
    let report: Report;
    try {
      report = JSON.parse(r.stdout) as Report;
    } catch {
      throw new Error(`doctor --json printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    return { code: r.code, report, stdout: r.stdout, stderr: r.stderr };
  };
  const failed = (report: Report): string[] => report.checks.filter((c) => c.status === 'fail').map((c) => c.id);

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    const token = world.registries.token;
    const tls = world.registries.tls;
    const addToken = await run(s, ['registry', 'add', 'token', '--url', token.url, '--username', token.username ?? '', '--password-stdin'], token.password);
    expect(addToken.code, addToken.stderr).toBe(0);
    const addTls = await run(s, ['registry', 'add', 'tls', '--url', tls.url, '--trust-cert', '--username', tls.username ?? '', '--password-stdin'], tls.password);
    expect(addTls.code, addTls.stderr).toBe(0);
    // A credential helper that fails, on a PATH of its own.
    helpers = mkdtempSync(join(tmpdir(), 'sd-doctor-'));
    mkdirSync(join(helpers, 'bin'));
    mkdirSync(join(helpers, 'docker'));
    writeFileSync(join(helpers, 'bin', 'docker-credential-locked'), '#!/bin/sh\necho "the keyring is locked; secret=do-not-show" >&2\nexit 1\n');
    chmodSync(join(helpers, 'bin', 'docker-credential-locked'), 0o755);
    writeFileSync(join(helpers, 'docker', 'config.json'), JSON.stringify({ auths: {}, credHelpers: { [token.host]: 'locked' } }));
  });

  afterAll(async () => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    if (s) {
      await workerGone(s);
      rmSync(s.configDir, { recursive: true, force: true });
    }
    if (helpers) rmSync(helpers, { recursive: true, force: true });
  });

  it('is all green against a working setup (terminal checks skipped without a terminal)', async () => {
    const { code, report } = await doctor();
    expect(failed(report), JSON.stringify(report.checks, null, 1)).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('engine.found')?.detail).toContain('from DOCKER_HOST');
    expect(byId.get('engine.reachable')?.detail).toMatch(/^Docker Engine \d+/);
    expect(byId.get('engine.socket')?.status).toBe('pass');
    expect(byId.get('settings.modes')?.status).toBe('pass');
    expect(byId.get('worker')?.status).toBe('pass');
    expect(byId.get('registry.token')?.detail).toContain('login accepted for stevedore');
    expect(byId.get('registry.tls')?.detail).toContain('certificate pinned');
    expect(byId.get('dockerhub')?.status).toBe('pass');
    expect(byId.get('terminal.size')?.status).toBe('skip');
    expect(byId.get('terminal.utf8')?.status).toBe('pass');
  });

  it('says what is wrong when the engine is down', async () => {
    const { code, report } = await doctor({ DOCKER_HOST: `unix://${join(s.configDir, 'no-engine.sock')}` });
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['engine.reachable']);
    const engine = report.checks.find((c) => c.id === 'engine.reachable');
    expect(engine?.detail).toContain('cannot reach the engine');
    expect(engine?.fix).toContain('start the engine');
    // The remote side is still checked.
    expect(report.checks.find((c) => c.id === 'registry.token')?.status).toBe('pass');
  });

  it('names a credential helper that fails, without printing what it said', async () => {
    const { code, report, stdout, stderr } = await doctor({ PATH: `${join(helpers, 'bin')}:${s.env.PATH ?? ''}`, DOCKER_CONFIG: join(helpers, 'docker') });
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['credential-helper.locked']);
    const helper = report.checks.find((c) => c.id === 'credential-helper.locked');
    expect(helper?.detail).toContain('docker-credential-locked');
    expect(helper?.fix).toContain('docker-credential-locked list');
    expect(stdout + stderr).not.toContain('do-not-show');
    // Not on PATH at all:
    const missing = await doctor({ DOCKER_CONFIG: join(helpers, 'docker') });
    expect(missing.report.checks.find((c) => c.id === 'credential-helper.locked')?.detail).toContain('is not on PATH');
  });

  it('names a registry whose login is refused', async () => {
    // `registry edit` checks a password before saving it (issue 10), so the password changes behind
    // stevedore's back, as when it is changed on the registry: the saved one no longer logs in.
    const file = join(s.configDir, 'registries.json');
    const saved = readFileSync(file, 'utf8');
    const data = JSON.parse(saved) as { registries: { name: string; password?: string }[] };
    const token = data.registries.find((r) => r.name === 'token');
    expect(token?.password).toBeTruthy();
    if (token) token.password = 'not-the-password';
    writeFileSync(file, JSON.stringify(data), { mode: 0o600 });
    try {
      const { code, report } = await doctor();
      expect(code).toBe(1);
      expect(failed(report)).toEqual(['registry.token']);
      const check = report.checks.find((c) => c.id === 'registry.token');
      expect(check?.detail).toContain('the login for stevedore');
      expect(check?.fix).toContain('stevedore registry edit token');
      expect(JSON.stringify(report)).not.toContain('not-the-password');
    } finally {
      writeFileSync(file, saved, { mode: 0o600 });
    }
  });

  it('says a LANG=C terminal is not UTF-8, in ASCII', async () => {
    const { code, report } = await doctor({ LANG: 'C' });
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['terminal.utf8']);
    const human = await run({ ...s, env: { ...s.env, LANG: 'C' } }, ['doctor']);
    expect(human.stdout).toMatch(/^NO UTF-8 +LANG=C is not UTF-8/m);
    expect([...human.stdout].filter((c) => c > '\x7f')).toEqual([]);
  });

  it('checks the terminal it runs in', async () => {
    useCommand('tmux', 'tmux');
    const env = Object.entries({ ...s.env, TERM: 'xterm-256color' }).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    execFileSync('tmux', ['new-session', '-d', '-s', SESSION, '-x', '150', '-y', '40', ...env, `${process.execPath} ${BIN} doctor; echo EXITED=$?; sleep 600`]);
    const deadline = Date.now() + 30_000;
    let screen = '';
    while (Date.now() < deadline) {
      screen = execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', SESSION], { encoding: 'utf8' });
      if (screen.includes('EXITED=')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(screen).toContain('EXITED=0');
    expect(screen).toMatch(/✓ terminal size +150x40/);
    expect(screen).toMatch(/✓ colours +256 colours/);
    expect(screen).toMatch(/✓ TERM +\S+ inside tmux/);
    expect(screen).toMatch(/✓ bracketed paste +supported/);
    expect(screen).toContain('Everything checked is fine.');
  });
});
