// One live downloads pipeline (issue 20): a real worker (serveWorker) on a real unix socket, and its client's
// live view: one `subscribe` to the worker however many listen, one snapshot with the worker's version, each
// listener at its own rate; a worker started by `start` is followed at once (no wait for the next look); and a
// multi-byte character split across two reads of the worker socket stays one character.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/domain/errors';
import type { PullEvent } from '../../../../src/domain/progress';
import { DownloadsClient } from '../../../../src/services/downloads/client';
import { DownloadManager, type PullRunner } from '../../../../src/services/downloads/manager';
import { ensurePrivateDirs, workerPaths, type WorkerPaths } from '../../../../src/services/downloads/paths';
import { encode, lineReader, PROTOCOL_VERSION, type DownloadRecord } from '../../../../src/services/downloads/protocol';
import { serveWorker } from '../../../../src/services/downloads/worker';

const FULL = (e: Partial<PullEvent>): PullEvent => ({ status: null, id: null, current: null, total: null, hidecounts: false, units: null, error: null, ...e });

/** A pull that makes progress every 10 ms until aborted: one layer sized, one never sized. */
const endless: PullRunner = async (_job, onEvent, signal) => {
  onEvent(FULL({ status: 'Pulling fs layer', id: 'layer1' }));
  onEvent(FULL({ status: 'Pulling fs layer', id: 'layer2' }));
  for (let i = 1; ; i++) {
    if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    onEvent(FULL({ status: 'Downloading', id: 'layer1', current: Math.min(i, 99) * 1000, total: 100_000 }));
    await new Promise((r) => setTimeout(r, 10));
  }
};

let dir: string;
let paths: WorkerPaths;
let workers: Array<Promise<number>>;
let clients: DownloadsClient[];
let servers: net.Server[];

function startWorker(): void {
  workers.push(
    serveWorker({
      paths,
      endpoint: 'unix:///test.sock',
      idleMs: 150,
      standalone: false,
      log: () => undefined,
      createManager: (history, persist) =>
        new DownloadManager({ run: endless, classify: (e) => new AppError(502, String(e)), concurrency: () => 2, history, persist }),
    }),
  );
}

function client(pollMs = 5_000): DownloadsClient {
  const c = new DownloadsClient({ paths, spawnWorker: () => void startWorker(), startTimeoutMs: 5000, pollMs, requestTimeoutMs: 1000 });
  clients.push(c);
  return c;
}

async function until<T>(probe: () => T, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`not met in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sd-live-'));
  paths = workerPaths(dir, 'live');
  ensurePrivateDirs(paths);
  workers = [];
  clients = [];
  servers = [];
});

afterEach(async () => {
  for (const c of clients) {
    await c.list().then((all) => Promise.all(all.filter((r) => r.status === 'downloading' || r.status === 'waiting').map((r) => c.cancel(r.id))), () => undefined);
    c.close();
  }
  await Promise.all(workers);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('the live view of one client', () => {
  it('follows a worker that its own start launched at once, not at the next look (pollMs is 5 s here)', async () => {
    const c = client(5_000);
    const seen: DownloadRecord[][] = [];
    const off = c.subscribe((all) => seen.push(all));
    await until(() => seen.length, (n) => n > 0); // the (empty) history: no worker yet
    const t0 = Date.now();
    const started = await c.start('docker.io/library/redis:7', null);
    const shown = await until(() => seen.at(-1) ?? [], (all) => all.some((r) => r.id === started.id), 2_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(shown[0]?.name).toBe('redis:7');
    off();
  });

  it('one snapshot for many listeners, versions going up; each listener at its own rate', async () => {
    const c = client(50);
    await c.start('docker.io/library/redis:7', null);
    const fast: Array<{ all: DownloadRecord[]; version: number }> = [];
    const slow: Array<{ at: number; version: number }> = [];
    const offs = [
      c.subscribe((all, version) => fast.push({ all, version })),
      c.subscribe((_all, version) => slow.push({ at: Date.now(), version }), { intervalMs: 300 }),
      c.subscribe(() => undefined),
    ];
    await until(() => fast.length, (n) => n > 10);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const off of offs) off();
    // Versions strictly up (one snapshot per change).
    const versions = fast.map((f) => f.version);
    expect(versions.every((v, i) => i === 0 || v > (versions[i - 1] ?? 0))).toBe(true);
    // The slow listener got progress at most every 300 ms (after its first look).
    const gaps = slow.slice(2).map((s, i) => s.at - (slow[i + 1]?.at ?? 0));
    expect(gaps.every((g) => g >= 250)).toBe(true);
    expect(slow.length).toBeLessThan(fast.length);
    // Bytes so far: one layer has no size yet, and the record says so.
    expect(fast.at(-1)?.all[0]).toMatchObject({ status: 'downloading', unsized: 1 });
  });
});

describe('bytes after a cancel', () => {
  it('a cancelled download keeps its bytes and says its total was the total so far, also from the history', async () => {
    const c = client(50);
    const started = await c.start('docker.io/library/redis:7', null);
    const seen: DownloadRecord[][] = [];
    const off = c.subscribe((all) => seen.push(all));
    await until(() => seen.at(-1)?.[0], (r) => (r?.current ?? 0) > 0);
    await c.cancel(started.id);
    const cancelled = await until(() => seen.at(-1)?.[0], (r) => r?.status === 'cancelled');
    off();
    expect(cancelled).toMatchObject({ unsized: 1, total: 100_000 });
    expect(cancelled?.current).toBeGreaterThan(0);
    // The worker goes when idle; the history it leaves says the same.
    c.close();
    await Promise.all(workers);
    const [fromHistory] = await client().list();
    expect(fromHistory).toMatchObject({ id: started.id, status: 'cancelled', unsized: 1, total: 100_000, current: cancelled?.current });
  });
});

describe('a multi-byte character split across two reads of the worker socket', () => {
  it('lineReader keeps it whole', () => {
    const got: unknown[] = [];
    const read = lineReader((m) => got.push(m), (e) => got.push(e));
    const line = Buffer.from(encode({ re: 1, ok: true, result: 'Téléchargé ✓ 日本' }));
    const cut = line.indexOf(Buffer.from('日')) + 1;
    read(line.subarray(0, cut));
    read(line.subarray(cut));
    expect(got).toEqual([{ v: PROTOCOL_VERSION, re: 1, ok: true, result: 'Téléchargé ✓ 日本' }]);
  });

  it('the client reads a record whose name arrives in two writes of a real socket', async () => {
    // A stand-in worker at the socket: answers hello, then `list` with a name cut in the middle of a character.
    const server = net.createServer((socket) => {
      const read = lineReader(
        (m) => {
          if (m.op === 'hello') return void socket.write(encode({ re: m.id, ok: true, result: { protocol: PROTOCOL_VERSION, pid: 1, endpoint: 'x' } }));
          const record = { id: 'd1', name: 'café/日本:1', ref: 'docker.io/library/x:1', platform: null, status: 'complete', percent: 100, detail: '', current: null, total: null, speed: null, eta: null, layers: [], error: null, errorCode: null, digest: null, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() };
          const line = Buffer.from(encode({ re: m.id, ok: true, result: [record] }));
          const cut = line.indexOf(Buffer.from('日')) + 2;
          socket.write(line.subarray(0, cut));
          setTimeout(() => socket.write(line.subarray(cut)), 30);
        },
        () => socket.destroy(),
      );
      socket.on('data', read);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(paths.socket, r));
    const list = await client().list();
    expect(list.map((r) => r.name)).toEqual(['café/日本:1']);
  });
});
