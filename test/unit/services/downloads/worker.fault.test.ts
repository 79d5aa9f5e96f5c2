// Faults of the download worker, against real misbehaving processes and sockets: a worker stopped with
// SIGSTOP, a listener that accepts and never answers at the worker's socket, and followers of a shared
// download that come and go. Every request has a deadline; a fresh worker takes over from a stuck one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/domain/errors';
import type { PullEvent } from '../../../../src/domain/progress';
import { DownloadsClient, WorkerNotAnswering } from '../../../../src/services/downloads/client';
import { DownloadManager, type PullRunner } from '../../../../src/services/downloads/manager';
import { ensurePrivateDirs, workerPaths, type WorkerPaths } from '../../../../src/services/downloads/paths';
import { serveWorker } from '../../../../src/services/downloads/worker';

const DEADLINE = 400;
const FULL = (e: Partial<PullEvent>): PullEvent => ({ status: null, id: null, current: null, total: null, hidecounts: false, units: null, error: null, ...e });

/** A pull that makes progress until aborted. */
const endless: PullRunner = async (_job, onEvent, signal) => {
  onEvent(FULL({ status: 'Pulling fs layer', id: 'layer1' }));
  for (let i = 1; ; i++) {
    if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    onEvent(FULL({ status: 'Downloading', id: 'layer1', current: Math.min(i, 99) * 1000, total: 100_000 }));
    await new Promise((r) => setTimeout(r, 20));
  }
};

let dir: string;
let paths: WorkerPaths;
let workers: Array<Promise<number>>;
let clients: DownloadsClient[];
let children: ChildProcess[];
let servers: net.Server[];

function startWorker(run: PullRunner = endless, firstClientMs?: number): Promise<number> {
  const done = serveWorker({
    paths,
    endpoint: 'unix:///test.sock',
    idleMs: 150,
    ...(firstClientMs !== undefined ? { firstClientMs } : {}),
    standalone: false,
    probeTimeoutMs: DEADLINE,
    log: () => undefined,
    createManager: (history, persist) =>
      new DownloadManager({ run, classify: (e) => new AppError(502, e instanceof Error ? e.message : String(e)), concurrency: () => 2, history, persist }),
  });
  workers.push(done);
  return done;
}

function client(spawnWorker = () => void startWorker()): DownloadsClient {
  const c = new DownloadsClient({ paths, spawnWorker, startTimeoutMs: 5000, pollMs: 50, requestTimeoutMs: DEADLINE });
  clients.push(c);
  return c;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - t0, value };
  } catch (error) {
    return { ms: Date.now() - t0, error };
  }
}

/**
 * A real process posing as the worker (its command line says `__worker`, it holds the lock, it answers
 * `hello` and `follow`), to be stopped with SIGSTOP. Resolves once it listens.
 */
async function fakeWorker(): Promise<ChildProcess> {
  const script = `
    const net = require('node:net'); const fs = require('node:fs');
    const [sock, lock] = process.argv.slice(1);
    fs.writeFileSync(lock, String(process.pid));
    const rec = { id: 'd1', name: 'redis:7', ref: 'docker.io/library/redis:7', platform: null, status: 'downloading', percent: 5,
      detail: '', current: 1, total: 20, speed: null, eta: null, layers: [], error: null, errorCode: null, digest: null,
      startedAt: new Date().toISOString(), finishedAt: null };
    net.createServer((s) => {
      let buf = '';
      s.on('data', (c) => {
        buf += c; let nl;
        while ((nl = buf.indexOf('\\n')) >= 0) {
          const m = JSON.parse(buf.slice(0, nl)); buf = buf.slice(nl + 1);
          const result = m.op === 'hello' ? { protocol: 1, pid: process.pid, endpoint: 'x' } : m.op === 'list' || m.op === 'subscribe' ? [rec] : rec;
          s.write(JSON.stringify({ v: 1, re: m.id, ok: true, result }) + '\\n');
        }
      });
      s.on('error', () => {});
    }).listen(sock, () => process.stdout.write('ready\\n'));
  `;
  ensurePrivateDirs(paths);
  const child = spawn(process.execPath, ['-e', script, paths.socket, paths.lock, '__worker'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`fake worker exited (${code})`)));
  });
  return child;
}

/** A listener that accepts every connection and never says a word; returns how many it accepted so far. */
async function silentListener(): Promise<() => number> {
  ensurePrivateDirs(paths);
  let accepted = 0;
  const server = net.createServer(() => accepted++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(paths.socket, resolve));
  return () => accepted;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sd-wfault-'));
  paths = workerPaths(join(dir, 'cfg'), 'abc123');
  workers = [];
  clients = [];
  children = [];
  servers = [];
});

afterEach(async () => {
  for (const c of clients) c.close();
  for (const child of children) child.kill('SIGKILL');
  for (const s of servers) s.close();
  await Promise.all(workers);
  rmSync(dir, { recursive: true, force: true });
});

describe('a worker that does not answer', () => {
  it('a stopped worker (SIGSTOP): list fails within the deadline naming the log; a follow ends; a fresh worker takes over', async () => {
    const stuck = await fakeWorker();
    const c = client();
    // Following works while it answers...
    const following = timed(c.follow('d1', () => undefined));
    await new Promise((r) => setTimeout(r, 100));
    stuck.kill('SIGSTOP');
    // ...and ends within about two deadlines of silence once it is stopped.
    // The follow ends because the watchdog's `hello` got no reply within the deadline (not a closed socket).
    const followed = await following;
    expect(followed.error).toBeInstanceOf(WorkerNotAnswering);
    expect((followed.error as AppError).message).toContain(`no reply within ${DEADLINE / 1000} s`);

    const listed = await timed(client().list());
    expect(listed.error).toBeInstanceOf(WorkerNotAnswering);
    expect((listed.error as AppError).code).toBe(504);
    expect((listed.error as AppError).describe()).toContain(`see ${paths.log}`);
    expect((listed.error as AppError).message).toContain(`no reply within ${DEADLINE / 1000} s`);

    // A start takes over: the new worker holds the lock and the socket; the stopped one is left alone.
    const started = await timed(client().start('docker.io/library/redis:7', null));
    expect(started.error).toBeUndefined();
    expect(started.value?.status).toMatch(/waiting|downloading/);
    expect(Number(readFileSync(paths.lock, 'utf8'))).toBe(process.pid);
    expect(stuck.exitCode).toBeNull();
    const fresh = client();
    await fresh.cancel(started.value?.id ?? '');
  });

  it('a listener that accepts and never answers: list and cancel fail within the deadline; start replaces it', async () => {
    await silentListener();
    const listed = await timed(client().list());
    expect(listed.error).toBeInstanceOf(WorkerNotAnswering);
    expect((listed.error as AppError).message).toContain(`no reply within ${DEADLINE / 1000} s`);
    const cancelled = await timed(client().cancel('x'));
    expect(cancelled.error).toBeInstanceOf(WorkerNotAnswering);

    const c = client();
    const started = await timed(c.start('team/app:1.0', null));
    expect(started.error).toBeUndefined();
    const listedAgain = await c.list();
    expect(listedAgain.map((r) => r.name)).toEqual(['team/app:1.0']);
    await c.cancel(started.value?.id ?? '');
  });

  it('while the worker it started takes over, a client does not ask the stuck socket again', async () => {
    const accepted = await silentListener();
    const c = client();
    const started = await timed(c.start('team/app:1.0', null));
    expect(started.error).toBeUndefined();
    // Once by the client (no answer: it starts a worker), once by that worker's probe before it takes the
    // socket over; asking again while the takeover runs would cost another deadline each time (and lose the
    // race with a new worker's idle exit).
    expect(accepted()).toBe(2);
    await c.cancel(started.value?.id ?? '');
  });

  it('a fresh worker waits for its first client longer than its idle time; once served, the idle time applies', async () => {
    const t0 = performance.now();
    expect(await startWorker(endless, 600)).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(590);

    const served = startWorker(endless, 60_000);
    const c = client(() => undefined);
    await until(() => c.list().then((l) => l, () => null), (l) => l !== null);
    c.close();
    // Served once, it leaves after idleMs (150 ms), not after the 60 s first-client wait.
    expect(await served).toBe(0);
  });

  it('a subscriber keeps the last view (not "interrupted") while the worker does not answer', async () => {
    await silentListener();
    const views: string[][] = [];
    const off = client().subscribe((all) => views.push(all.map((r) => r.status)));
    const t0 = Date.now();
    while (views.length === 0 && Date.now() - t0 < DEADLINE * 5) await new Promise((r) => setTimeout(r, 20));
    off();
    expect(views[0]).toEqual([]);
  });
});

describe('followers of a shared download', () => {
  it('Ctrl-C in one terminal detaches it; the download goes on for the other; the last one cancels', async () => {
    const a = client();
    const b = client();
    const started = await a.start('docker.io/library/redis:7', null);
    const again = await b.start('redis:7', null);
    expect(again.id).toBe(started.id);
    const ca = new AbortController();
    const fa = timed(a.follow(started.id, () => undefined, ca.signal));
    const fb = timed(b.follow(started.id, () => undefined));
    await new Promise((r) => setTimeout(r, 100));

    ca.abort();
    expect((await fa).error).toMatchObject({ name: 'AbortError' });
    const first = await a.detach(started.id);
    expect(first.followers).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect((await b.list())[0]?.status).toBe('downloading');

    // A follower whose connection goes away (a closed terminal) stops following without cancelling.
    const c = client();
    const fc = timed(c.follow(started.id, () => undefined));
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    await fc;
    expect((await b.list())[0]?.status).toBe('downloading');

    const last = await b.detach(started.id);
    expect(last.followers).toBe(0);
    const final = await fb;
    expect(final.value?.status).toBe('cancelled');
  });
});
