// Child processes of the world: started detached (own process group, so a Ctrl-C meant for vitest does not
// kill them half-way; stop() or the reaper ends them in order), logging to files under the world root.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

export interface Started {
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<string>;
}

/**
 * `env` without libfaketime (LD_PRELOAD, FAKETIME*): the world's children (dockerd, docker-registry, LXD, sshd,
 * openssl, …) run on the real clock even when the tests run under `faketime` (npm run test:later). The Go
 * daemons ignore libfaketime anyway; openssl and the rest must agree with them, so that certificates are valid
 * for the daemons' clock. Only the program under test (and the test process) see the moved clock.
 */
export function realClockEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('FAKETIME') || key === 'DONT_FAKE_MONOTONIC') continue;
    if (key === 'LD_PRELOAD' && value !== undefined) {
      const kept = value.split(/[:\s]+/).filter((lib) => lib && !lib.includes('faketime'));
      if (kept.length) out[key] = kept.join(':');
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * The moved clock of this process (libfaketime's LD_PRELOAD and FAKETIME*), for the program under test: when the
 * tests run under faketime, stevedore runs on the same moved clock as the client it plays, while the world's
 * daemons keep the real one. Empty when the clock is not moved. FAKETIME_SHARED (a shared-memory segment of
 * the faketime run, needed only for absolute start times) is left out: processes of another user cannot open it.
 */
export function movedClockEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const preload = (env.LD_PRELOAD ?? '').split(/[:\s]+/).filter((lib) => lib.includes('faketime'));
  if (!preload.length) return out;
  out.LD_PRELOAD = preload.join(':');
  for (const [key, value] of Object.entries(env)) {
    if ((key.startsWith('FAKETIME') || key === 'DONT_FAKE_MONOTONIC') && key !== 'FAKETIME_SHARED' && value !== undefined) out[key] = value;
  }
  return out;
}

export function startProcess(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env, cwd?: string): Started {
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: realClockEnv(env), cwd });
    // Listen before anything can throw: an unhandled 'error' (ENOENT) would crash the whole process.
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? String(code)));
      child.once('error', (err) => resolve(`error: ${err.message}`));
    });
    if (child.pid === undefined) throw new Error(`could not start ${cmd} (is it installed and on PATH?)`);
    child.unref();
    return { pid: child.pid, logFile, exited };
  } finally {
    fs.closeSync(fd);
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion, capturing output (never throws on a non-zero exit); on the real clock (realClockEnv). */
export function run(cmd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: realClockEnv(opts.env ?? process.env), cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(opts.input);
  });
}

export async function runOk(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a live process, or null; used to make sure a pid still is the process we started. */
export function cmdline(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

export function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A port that was free a moment ago, for servers (docker-registry) that need it in their config file. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The machine's non-loopback IPv4 (eth0 preferred): dockerd treats 127.0.0.0/8 as insecure, this one not. */
export function detectEth0(): string {
  const ifaces = os.networkInterfaces();
  const candidates = [...(ifaces.eth0 ?? []), ...Object.values(ifaces).flatMap((list) => list ?? [])];
  const hit = candidates.find((a) => a.family === 'IPv4' && !a.internal);
  if (!hit) throw new Error('no non-loopback IPv4 address found (needed for the TLS registry)');
  return hit.address;
}
