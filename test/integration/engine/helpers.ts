// Running the BUILT bin (dist/cli.js) against the test world, as a user would: `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorldInfo } from '../../world/index.js';
import { movedClockEnv } from '../../world/proc.js';

export const BIN = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the integration tests`);
}

export interface Session {
  configDir: string;
  env: NodeJS.ProcessEnv;
}

/** A user's settings dir and environment pointed at the world's engine. */
export function session(world: WorldInfo, extra: Record<string, string> = {}): Session {
  const configDir = mkdtempSync(join(tmpdir(), 'sd-it-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    // Under npm run test:later, stevedore runs with the clock a year ahead, as the tests do.
    ...movedClockEnv(),
    ...world.env,
    STEVEDORE_CONFIG_DIR: configDir,
    STEVEDORE_WORKER_IDLE_MS: '1500',
    ...extra,
  };
  return { configDir, env };
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(s: Session, args: string[], input?: string): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: s.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

export async function json<T = unknown>(s: Session, args: string[]): Promise<T> {
  const r = await run(s, [...args, '--json']);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stevedore ${args.join(' ')} --json printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** A long-running CLI (pull) in its own process group, with its stdout lines as they come. */
export interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<Result>;
  waitForLine(match: (line: string) => boolean, ms?: number): Promise<string>;
}

export function start(s: Session, args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
    partial += c.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<Result>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return {
    child,
    lines,
    exited,
    async waitForLine(match, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = lines.find(match);
        if (hit !== undefined) return hit;
        if (Date.now() > deadline) throw new Error(`no matching line in ${ms} ms; got:\n${lines.join('\n')}\nstderr: ${stderr}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), exited, new Promise((r) => setTimeout(r, 200))]);
      }
    },
  };
}

export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what} not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The pid in the worker's lock file of this session, if any. */
export function workerPid(s: Session): number | null {
  const lock = readdirSync(s.configDir).find((f) => /^worker-.*\.lock$/.test(f));
  if (!lock) return null;
  const pid = Number(readFileSync(join(s.configDir, lock), 'utf8'));
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for this session's worker to go (it exits when idle); SIGTERM after `ms`. */
export async function workerGone(s: Session, ms = 20_000): Promise<void> {
  const pid = workerPid(s);
  if (pid === null) return;
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGTERM');
}

export function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** `stevedore serve` on a free loopback port, logged in: a long-lived client of the worker, as the app is. */
export interface Served {
  child: ChildProcess;
  base: string;
  cookie: string;
  exited: Promise<Result>;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function serveLoggedIn(s: Session, password = 'worker-serve-pw-5127'): Promise<Served> {
  const passwd = await run(s, ['serve', 'passwd', '--password-stdin'], `${password}\n`);
  if (passwd.code !== 0) throw new Error(`serve passwd: ${passwd.stderr}`);
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const served = start(s, ['serve', '--listen', `127.0.0.1:${port}`]);
  const base = `http://127.0.0.1:${port}`;
  await until(
    () => fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status, () => 0),
    (status) => status > 0 || served.child.exitCode !== null,
    30_000,
    'serve to listen',
  );
  if (served.child.exitCode !== null) throw new Error(`serve exited: ${(await served.exited).stderr}`);
  const login = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${password}`,
    signal: AbortSignal.timeout(10_000),
  });
  if (login.status !== 200) throw new Error(`serve login answered ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    child: served.child,
    base,
    cookie,
    exited: served.exited,
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    async stop() {
      served.child.kill('SIGTERM');
      await served.exited;
    },
  };
}
