// The worker's download queue with a scripted engine (the real engine is in the integration tests).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, NotFound } from '../../../../src/domain/errors';
import type { PullEvent } from '../../../../src/domain/progress';
import { DownloadManager, type PullJob, type PullRunner } from '../../../../src/services/downloads/manager';
import type { DownloadRecord } from '../../../../src/services/downloads/protocol';

interface Controlled {
  job: PullJob;
  emit: (e: Partial<PullEvent>) => void;
  finish: () => void;
  fail: (error: Error) => void;
  signal: AbortSignal;
}

/** A runner whose pulls the test drives by hand. */
function scripted(): { run: PullRunner; pulls: Controlled[] } {
  const pulls: Controlled[] = [];
  const run: PullRunner = (job, onEvent, signal) =>
    new Promise<void>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      pulls.push({
        job,
        signal,
        emit: (e) => onEvent({ status: null, id: null, current: null, total: null, hidecounts: false, units: null, error: null, ...e }),
        finish: resolve,
        fail: reject,
      });
    });
  return { run, pulls };
}

const classify = (error: unknown): AppError => (error instanceof AppError ? error : new NotFound(error instanceof Error ? error.message : String(error)));

function manager(run: PullRunner, extra: Partial<ConstructorParameters<typeof DownloadManager>[0]> = {}): DownloadManager {
  let n = 0;
  return new DownloadManager({ run, classify, concurrency: () => 2, newId: () => `d${++n}`, ...extra });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('DownloadManager', () => {
  it('normalises the reference, always with a tag, and queues beyond the concurrency', async () => {
    const { run, pulls } = scripted();
    const m = manager(run);
    const a = m.start('redis', null);
    m.start('team/app:1.0', 'linux/arm64');
    m.start('127.0.0.1:5000/x@sha256:' + 'a'.repeat(64), null);
    await tick();
    expect(a).toMatchObject({ name: 'redis:latest', ref: 'docker.io/library/redis:latest', status: 'waiting', percent: null });
    expect(pulls.map((p) => p.job.ref.familiar)).toEqual(['redis:latest', 'team/app:1.0']);
    expect(pulls[1]?.job.platform).toBe('linux/arm64');
    expect(m.list().map((r) => r.status)).toEqual(['downloading', 'downloading', 'waiting']);
    pulls[0]?.finish();
    await tick();
    await tick();
    expect(pulls).toHaveLength(3);
    expect(m.get('d1')).toMatchObject({ status: 'complete', percent: 100 });
  });

  it('reads the concurrency setting each time it starts one', async () => {
    const { run, pulls } = scripted();
    let limit = 1;
    const m = manager(run, { concurrency: async () => limit });
    m.start('a', null);
    m.start('b', null);
    m.start('c', null);
    await tick();
    expect(pulls).toHaveLength(1);
    limit = 3;
    pulls[0]?.finish();
    await tick();
    await tick();
    expect(pulls).toHaveLength(3);
  });

  it('deduplicates the same reference and platform while it waits or runs', async () => {
    const { run, pulls } = scripted();
    const m = manager(run);
    const first = m.start('redis:7', null);
    expect(m.start('docker.io/library/redis:7', null).id).toBe(first.id);
    expect(m.start('redis:7', 'linux/arm64').id).not.toBe(first.id);
    await tick();
    pulls[0]?.finish();
    await tick();
    expect(m.start('redis:7', null).id).not.toBe(first.id); // finished: a new download
  });

  it('fails with the classified engine message and its code', async () => {
    const { run, pulls } = scripted();
    const m = manager(run);
    m.start('team/app:nope', null);
    await tick();
    pulls[0]?.fail(new Error('manifest unknown'));
    await tick();
    expect(m.get('d1')).toMatchObject({ status: 'failed', error: 'manifest unknown', errorCode: 404 });
  });

  it('cancels a waiting download at once and a running one through its signal', async () => {
    const { run, pulls } = scripted();
    const m = manager(run, { concurrency: () => 1 });
    m.start('a', null);
    m.start('b', null);
    await tick();
    expect(m.cancel('d2').status).toBe('cancelled');
    m.cancel('d1');
    expect(pulls[0]?.signal.aborted).toBe(true);
    await tick();
    expect(m.get('d1').status).toBe('cancelled');
    expect(pulls).toHaveLength(1); // the cancelled waiting one never started
    expect(() => m.cancel('nope')).toThrow(NotFound);
  });

  it('retries a failed or cancelled download as the same entry', async () => {
    const { run, pulls } = scripted();
    const m = manager(run);
    m.start('a', null);
    await tick();
    pulls[0]?.fail(new Error('boom'));
    await tick();
    const again = m.retry('d1');
    expect(again).toMatchObject({ id: 'd1', status: 'waiting', error: null });
    await tick();
    expect(pulls).toHaveLength(2);
    pulls[1]?.finish();
    await tick();
    expect(m.get('d1').status).toBe('complete');
  });

  it('saves the history whenever a status changes, and resolves idle() when nothing is left', async () => {
    const { run, pulls } = scripted();
    const saved: DownloadRecord[][] = [];
    const m = manager(run, { persist: (all) => saved.push(all) });
    m.start('a', null);
    await tick();
    const idle = m.idle();
    pulls[0]?.finish();
    await idle;
    expect(saved.map((s) => s[0]?.status)).toEqual(['waiting', 'downloading', 'complete']);
    expect(m.activeCount).toBe(0);
  });

  it('keeps finished entries of the history it was given', () => {
    const { run } = scripted();
    const old: DownloadRecord = {
      id: 'old',
      name: 'redis:7',
      ref: 'docker.io/library/redis:7',
      platform: null,
      status: 'failed',
      percent: 40,
      detail: '',
      current: null,
      total: null,
      speed: null,
      eta: null,
      layers: [],
      error: 'interrupted',
      errorCode: null,
      digest: null,
      startedAt: new Date(0).toISOString(),
      finishedAt: new Date(0).toISOString(),
    };
    const m = manager(run, { history: [old] });
    expect(m.list()).toEqual([old]);
  });

  describe('snapshots (fake timers)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('publishes at most 10 times a second under a flood of events, then the final one at once', async () => {
      const { run, pulls } = scripted();
      const m = manager(run);
      const published: DownloadRecord[][] = [];
      m.subscribe((changed) => published.push(changed));
      m.start('redis:7', null);
      await vi.advanceTimersByTimeAsync(0);
      const pull = pulls[0];
      if (!pull) throw new Error('no pull started');
      published.length = 0;
      pull.emit({ status: 'Pulling fs layer', id: 'l1' });
      for (let i = 1; i <= 1000; i++) {
        pull.emit({ status: 'Downloading', id: 'l1', current: i * 1000, total: 1_000_000 });
        await vi.advanceTimersByTimeAsync(1);
      }
      expect(published.length).toBeGreaterThanOrEqual(9);
      expect(published.length).toBeLessThanOrEqual(11);
      const percents = published.flat().map((r) => r.percent ?? 0);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
      pull.emit({ status: 'Digest: sha256:' + 'b'.repeat(64) });
      pull.finish();
      await vi.advanceTimersByTimeAsync(0);
      const last = published.at(-1)?.[0];
      expect(last).toMatchObject({ status: 'complete', percent: 100, digest: 'sha256:' + 'b'.repeat(64) });
      expect(last?.speed).toBeNull();
    });

    it('computes a speed and an ETA from the folded bytes', async () => {
      const { run, pulls } = scripted();
      const m = manager(run);
      m.start('redis:7', null);
      await vi.advanceTimersByTimeAsync(0);
      const pull = pulls[0];
      if (!pull) throw new Error('no pull started');
      for (let i = 1; i <= 20; i++) {
        pull.emit({ status: 'Downloading', id: 'l1', current: i * 50_000, total: 2_000_000 });
        await vi.advanceTimersByTimeAsync(100);
      }
      const r = m.get('d1');
      // 50 kB per 100 ms = 500 kB/s; 1 MB left → about 2 s.
      expect(r.speed).toBeGreaterThan(400_000);
      expect(r.speed).toBeLessThan(600_000);
      expect(r.eta).toBeGreaterThanOrEqual(2);
      expect(r.eta).toBeLessThanOrEqual(3);
    });
  });

  it('clears the finished downloads (list, history and subscribers), never a running one', async () => {
    const { run, pulls } = scripted();
    const persisted: DownloadRecord[][] = [];
    const m = manager(run, { persist: (all) => persisted.push(all) });
    const seen: { changed: string[]; cleared: string[] }[] = [];
    m.subscribe((changed, cleared) => seen.push({ changed: changed.map((r) => r.id), cleared: cleared ?? [] }));
    m.start('a', null);
    m.start('b', null);
    await tick();
    pulls[0]?.finish();
    await tick();
    await tick();
    expect(m.list().map((r) => r.status)).toEqual(['complete', 'downloading']);
    expect(m.clear()).toEqual(['d1']);
    expect(m.list().map((r) => r.id)).toEqual(['d2']);
    expect(persisted.at(-1)?.map((r) => r.id)).toEqual(['d2']);
    expect(seen.at(-1)).toEqual({ changed: [], cleared: ['d1'] });
    expect(m.clear()).toEqual([]);
  });
});
