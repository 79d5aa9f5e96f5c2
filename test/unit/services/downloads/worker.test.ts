// The worker and its client over a real unix socket in a temp settings dir, with a scripted engine.
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/domain/errors';
import type { PullEvent } from '../../../../src/domain/progress';
import { DownloadsClient } from '../../../../src/services/downloads/client';
import { writeHistory } from '../../../../src/services/downloads/history';
import { DownloadManager, type PullRunner } from '../../../../src/services/downloads/manager';
import { workerPaths, type WorkerPaths } from '../../../../src/services/downloads/paths';
import type { DownloadRecord } from '../../../../src/services/downloads/protocol';
import { serveWorker } from '../../../../src/services/downloads/worker';

const FULL = (e: Partial<PullEvent>): PullEvent => ({ status: null, id: null, current: null, total: null, hidecounts: false, units: null, error: null, ...e });

/** Pulls that progress in small steps until released (or fail for refs containing "nope"). */
function engine(): { run: PullRunner; release: () => void } {
  let released = false;
  const run: PullRunner = async (job, onEvent, signal) => {
    onEvent(FULL({ status: 'Pulling fs layer', id: 'layer1' }));
    for (let i = 1; ; i++) {
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (job.ref.tag === 'nope') throw new Error('manifest for x:nope not found: manifest unknown');
      if (released && i > 3) break;
      onEvent(FULL({ status: 'Downloading', id: 'layer1', current: Math.min(i, 99) * 1000, total: 100_000 }));
      await new Promise((r) => setTimeout(r, 10));
    }
    onEvent(FULL({ status: 'Pull complete', id: 'layer1' }));
    onEvent(FULL({ status: `Digest: sha256:${'c'.repeat(64)}` }));
  };
  return { run, release: () => (released = true) };
}

let dir: string;
let paths: WorkerPaths;
let workers: Array<Promise<number>>;
let clients: DownloadsClient[];

function startWorker(run: PullRunner, idleMs = 150): Promise<number> {
  const done = serveWorker({
    paths,
    endpoint: 'unix:///test.sock',
    idleMs,
    standalone: false,
    log: () => undefined,
    createManager: (history, persist) =>
      new DownloadManager({ run, classify: (e) => new AppError(404, e instanceof Error ? e.message : String(e)), concurrency: () => 2, history, persist }),
  });
  workers.push(done);
  return done;
}

function client(run: PullRunner): DownloadsClient {
  const c = new DownloadsClient({ paths, spawnWorker: () => void startWorker(run), startTimeoutMs: 5000, pollMs: 50 });
  clients.push(c);
  return c;
}

async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sd-worker-'));
  paths = workerPaths(join(dir, 'cfg'), 'abc123');
  workers = [];
  clients = [];
});

afterEach(async () => {
  for (const c of clients) c.close();
  await Promise.all(workers);
  rmSync(dir, { recursive: true, force: true });
});

describe('download worker and client', () => {
  it('starts on demand, serves a private socket, follows a pull to the end, and exits when idle', async () => {
    const { run, release } = engine();
    const c = client(run);
    const started = await c.start('docker.io/library/redis:7', null);
    expect(started).toMatchObject({ name: 'redis:7', ref: 'docker.io/library/redis:7' });
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    const seen: DownloadRecord[] = [];
    setTimeout(release, 200);
    const final = await c.follow(started.id, (r) => seen.push(r));
    expect(final).toMatchObject({ status: 'complete', percent: 100, digest: `sha256:${'c'.repeat(64)}` });
    const percents = seen.map((r) => r.percent).filter((p): p is number => p !== null);
    expect(percents.length).toBeGreaterThan(1);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    // History on disk, mode 0600.
    expect(statSync(paths.history).mode & 0o777).toBe(0o600);
    c.close();
    expect(await workers[0]).toBe(0);
    expect(existsSync(paths.socket)).toBe(false);
    expect(existsSync(paths.lock)).toBe(false);
    // Without a worker, list reads the history.
    expect((await client(run).list()).map((r) => r.status)).toEqual(['complete']);
  });

  it('shows a download started by one client to another, live', async () => {
    const { run, release } = engine();
    const a = client(run);
    const b = client(run);
    const started = await a.start('team/app:1.0', 'linux/arm64');
    const listed = await b.list();
    expect(listed.map((r) => [r.id, r.name, r.platform])).toEqual([[started.id, 'team/app:1.0', 'linux/arm64']]);
    const views: DownloadRecord[][] = [];
    const off = b.subscribe((all) => views.push(all));
    await until(() => views.length, (n) => n > 2);
    release();
    await until(() => views.at(-1)?.[0]?.status, (s) => s === 'complete');
    off();
  });

  it('deduplicates, cancels in the middle and retries through the socket', async () => {
    const { run, release } = engine();
    const c = client(run);
    const first = await c.start('docker.io/library/alpine:3.19', null);
    expect((await c.start('docker.io/library/alpine:3.19', null)).id).toBe(first.id);
    await until(() => c.list(), (l) => (l[0]?.percent ?? 0) > 0);
    const following = c.follow(first.id, () => undefined);
    await c.cancel(first.id);
    expect((await following).status).toBe('cancelled');
    const again = await c.retry(first.id);
    expect(again).toMatchObject({ id: first.id, status: 'waiting' });
    release();
    expect((await c.follow(first.id, () => undefined)).status).toBe('complete');
  });

  it('starts a worker even while a subscription is still looking for one', async () => {
    const { run, release } = engine();
    const c = client(run);
    const views: DownloadRecord[][] = [];
    const off = c.subscribe((all) => views.push(all)); // no worker yet: its connect attempt is in flight
    const started = await c.start('docker.io/library/redis:7', null);
    release();
    expect((await c.follow(started.id, () => undefined)).status).toBe('complete');
    await until(() => views.at(-1)?.[0]?.status, (s) => s === 'complete');
    off();
  });

  it('reports a failed pull with the engine message and code', async () => {
    const { run } = engine();
    const c = client(run);
    const started = await c.start('docker.io/library/alpine:nope', null);
    const final = await c.follow(started.id, () => undefined);
    expect(final).toMatchObject({ status: 'failed', error: 'manifest for x:nope not found: manifest unknown', errorCode: 404 });
  });

  it('follow rejects on abort and the download goes on', async () => {
    const { run, release } = engine();
    const c = client(run);
    const started = await c.start('docker.io/library/alpine:3.19', null);
    const ctl = new AbortController();
    const following = c.follow(started.id, () => ctl.abort(), ctl.signal);
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
    release();
    await until(() => c.list(), (l) => l[0]?.status === 'complete');
  });

  it('takes over the stale lock and socket of a dead worker', async () => {
    const { run, release } = engine();
    release();
    // A dead worker's leftovers: a lock naming a pid that is gone and a socket file nobody answers on.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.lock, '999999999');
    writeFileSync(paths.socket, '');
    const c = client(run);
    const started = await c.start('docker.io/library/alpine:3.19', null); // spawns the (in-process) worker
    expect(readFileSync(paths.lock, 'utf8')).toBe(String(process.pid));
    expect(statSync(paths.socket).isSocket()).toBe(true);
    expect((await c.follow(started.id, () => undefined)).status).toBe('complete');
  });

  it('marks what a dead worker was running as failed "interrupted"', async () => {
    const { run } = engine();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    const running: DownloadRecord = {
      id: 'r1',
      name: 'redis:7',
      ref: 'docker.io/library/redis:7',
      platform: null,
      status: 'downloading',
      percent: 42,
      detail: 'Downloading',
      current: 1,
      total: 2,
      speed: 5,
      eta: 1,
      layers: [],
      error: null,
      errorCode: null,
      digest: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    writeHistory(paths.history, [running]);
    const c = client(run);
    expect(await c.list()).toEqual([expect.objectContaining({ id: 'r1', status: 'failed', error: 'interrupted', percent: 42 })]);
    await c.start('docker.io/library/alpine:3.19', null); // a worker starts and reads the same history
    const listed = await c.list();
    expect(listed[0]).toMatchObject({ id: 'r1', status: 'failed', error: 'interrupted' });
    await c.cancel(listed[1]?.id ?? '');
  });
});
