// The download queue inside the worker: at most `concurrency` pulls at once, the same reference (and
// platform) deduplicated while it waits or runs, cancel and retry, a history, and snapshots published
// at most once per 100 ms (plus at once when a download ends). Engine events are folded per download
// (src/domain/progress.ts) and only the folded view leaves this class.
// Over 300 lines: one queue and its states (start, cancel, retry, clear, adopt, publish) kept in one class. Not
// split: every transition reads and writes the same maps (waiting, running, history) and publishes one snapshot;
// the folding of engine events, the part that could stand alone, is already src/domain/progress.ts.
import { randomBytes } from 'node:crypto';
import { AppError, NotFound } from '../../domain/errors';
import type { DownloadStatus } from '../../domain/images';
import { PullFold, RateMeter, type PullEvent } from '../../domain/progress';
import { type ImageRef, dockerRef } from '../../domain/reference';
import { type LxcPullJob, lxcJobName, parseLxcJobRef } from '../../domain/lxc';
import { mayAdopt } from './history';
import { isActive, type DownloadRecord } from './protocol';
import type { TimerClock as Clock } from '../../domain/clock';
import { systemClock } from '../clock';
import { Throttle } from './throttle';

export interface PullJob {
  ref: ImageRef;
  platform: string | null;
  /** An LXC image for LXD to fetch (the ref is then only a name holder; see lxcJob below). */
  lxc?: LxcPullJob;
}

/** Runs one pull: hands every engine event to `onEvent`; rejects on failure; AbortError when `signal` aborts. */
export type PullRunner = (job: PullJob, onEvent: (event: PullEvent) => void, signal: AbortSignal) => Promise<void>;

export interface DownloadManagerOptions {
  run: PullRunner;
  /** Turns a failed pull into a typed error with the engine's message and a hint. */
  classify: (error: unknown, job: PullJob) => AppError;
  concurrency: () => number | Promise<number>;
  /** Earlier downloads (already marked interrupted where they were cut off). */
  history?: DownloadRecord[];
  /** Called whenever a download changes status (for the history file). */
  persist?: (all: DownloadRecord[]) => void;
  clock?: Clock;
  intervalMs?: number;
  newId?: () => string;
}

/**
 * `changed`: new snapshots; `cleared`: ids taken out of the list (`image downloads clear`); `version`: the
 * list's version after this change (it goes up by one with every change a listener hears).
 */
export type Listener = (changed: DownloadRecord[], cleared: string[] | undefined, version: number) => void;

interface Entry {
  record: DownloadRecord;
  job: PullJob;
  fold: PullFold | null;
  meter: RateMeter | null;
  controller: AbortController | null;
  /** Runs counter: a retried entry ignores events of its earlier run. */
  run: number;
}

export class DownloadManager {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly dirty = new Set<string>();
  private readonly throttle: Throttle;
  private readonly clock: Clock;
  private running = 0;
  private pumping = false;
  /** The list's version: one more with every change published (clients keep one snapshot by it). */
  private changes = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: DownloadManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.throttle = new Throttle(() => this.publish(), options.intervalMs ?? 100, this.clock);
    for (const record of options.history ?? []) {
      if (isActive(record.status)) continue;
      this.entries.set(record.id, { record, job: jobOf(record), fold: null, meter: null, controller: null, run: 0 });
    }
  }

  /**
   * Outcomes handed over by a worker this one took over (it stopped answering, then came back and finished
   * them): each replaces the "interrupted" entry of the same id, or is added when this worker never saw it.
   * An entry retried meanwhile keeps its own run. Returns the ids taken.
   */
  adopt(records: DownloadRecord[]): string[] {
    const taken: string[] = [];
    for (const record of records) {
      if (isActive(record.status)) continue;
      const entry = this.entries.get(record.id);
      if (entry && !mayAdopt(entry.record)) continue;
      const kept = { ...record, layers: [] };
      if (entry) entry.record = kept;
      else this.entries.set(record.id, { record: kept, job: jobOf(kept), fold: null, meter: null, controller: null, run: 0 });
      this.dirty.add(record.id);
      taken.push(record.id);
    }
    if (taken.length > 0) {
      this.options.persist?.(this.list());
      this.throttle.flush();
    }
    return taken;
  }

  /** Queues a pull of `ref` (normalised: docker.io, library/, :latest), or returns the same one already waiting or running. */
  start(refText: string, platform: string | null): DownloadRecord {
    const lxc = parseLxcJobRef(refText);
    const job: PullJob = lxc ? lxcJob(lxc, platform) : { ref: dockerRef(refText), platform };
    const ref = job.ref;
    const canonical = lxc ? refText : canonicalRef(ref);
    for (const entry of this.entries.values()) {
      if (isActive(entry.record.status) && entry.record.ref === canonical && entry.record.platform === platform) return this.snapshot(entry);
    }
    const id = (this.options.newId ?? (() => randomBytes(4).toString('hex')))();
    const entry: Entry = { record: freshRecord(id, ref, canonical, platform, this.clock.now()), job, fold: null, meter: null, controller: null, run: 0 };
    this.entries.set(id, entry);
    this.enqueue(entry);
    return this.snapshot(entry);
  }

  list(): DownloadRecord[] {
    return [...this.entries.values()].map((e) => this.snapshot(e));
  }

  get(id: string): DownloadRecord {
    return this.snapshot(this.entry(id));
  }

  /** Cancels a waiting or running download (a running one ends when the engine request is torn down). */
  cancel(id: string): DownloadRecord {
    const entry = this.entry(id);
    if (entry.record.status === 'waiting' && !entry.controller) {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.finish(entry, 'cancelled', null);
    } else if (entry.controller && !entry.controller.signal.aborted) {
      entry.controller.abort();
    }
    return this.snapshot(entry);
  }

  /** Starts a finished download again (the same entry); an identical running one is returned instead. */
  retry(id: string): DownloadRecord {
    const entry = this.entry(id);
    if (isActive(entry.record.status)) return this.snapshot(entry);
    for (const other of this.entries.values()) {
      if (other !== entry && isActive(other.record.status) && other.record.ref === entry.record.ref && other.record.platform === entry.record.platform) {
        return this.snapshot(other);
      }
    }
    entry.record = freshRecord(entry.record.id, entry.job.ref, entry.record.ref, entry.record.platform, this.clock.now());
    entry.fold = null;
    entry.meter = null;
    // Keep it in first-seen order with the other active ones.
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.enqueue(entry);
    return this.snapshot(entry);
  }

  /** Takes every finished download (complete, failed, cancelled) out of the list and the history; returns their ids. */
  clear(): string[] {
    const cleared: string[] = [];
    for (const [id, entry] of this.entries) {
      if (isActive(entry.record.status)) continue;
      this.entries.delete(id);
      this.dirty.delete(id);
      cleared.push(id);
    }
    if (cleared.length > 0) {
      this.options.persist?.(this.list());
      this.changes++;
      for (const listener of this.listeners) listener([], cleared, this.changes);
    }
    return cleared;
  }

  /** Live changes, at most one call per interval (plus one when a download ends). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The list's version (see Listener). */
  get version(): number {
    return this.changes;
  }

  /** Downloads waiting or running. */
  get activeCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (isActive(e.record.status)) n++;
    return n;
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (this.activeCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels everything (worker shutdown). */
  cancelAll(): void {
    for (const entry of this.entries.values()) if (isActive(entry.record.status)) this.cancel(entry.record.id);
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFound(`Download not found: ${id}`, { hint: 'see `stevedore image downloads`' });
    return entry;
  }

  private enqueue(entry: Entry): void {
    this.queue.push(entry.record.id);
    this.changed(entry, true);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const limit = Math.max(1, await this.options.concurrency());
        if (this.running >= limit) break;
        const id = this.queue.shift();
        const entry = id === undefined ? undefined : this.entries.get(id);
        if (entry && entry.record.status === 'waiting') void this.execute(entry);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(entry: Entry): Promise<void> {
    const run = ++entry.run;
    const controller = new AbortController();
    entry.controller = controller;
    entry.fold = new PullFold();
    entry.meter = new RateMeter();
    entry.record = { ...entry.record, status: 'downloading' };
    this.running++;
    this.changed(entry, true);
    const fold = entry.fold;
    try {
      await this.options.run(
        entry.job,
        (event) => {
          if (entry.run !== run) return;
          fold.apply(event);
          this.changed(entry, false);
        },
        controller.signal,
      );
      if (controller.signal.aborted) this.finish(entry, 'cancelled', null);
      else if (fold.failed) this.finish(entry, 'failed', this.options.classify(new Error(fold.failed), entry.job));
      else {
        fold.complete();
        this.finish(entry, 'complete', null);
      }
    } catch (error) {
      if (controller.signal.aborted) this.finish(entry, 'cancelled', null);
      else this.finish(entry, 'failed', this.options.classify(error, entry.job));
    } finally {
      entry.controller = null;
      this.running--;
      void this.pump();
    }
  }

  private finish(entry: Entry, status: DownloadStatus, error: AppError | null): void {
    const view = entry.fold?.view();
    entry.record = {
      ...this.snapshot(entry),
      status,
      ...(status === 'complete' ? { percent: 100 } : {}),
      speed: null,
      eta: null,
      digest: view?.digest ?? entry.record.digest,
      error: error ? error.describe() : null,
      errorCode: error ? error.code : null,
      finishedAt: new Date(this.clock.now()).toISOString(),
    };
    entry.fold = null;
    entry.meter = null;
    this.changed(entry, true);
    if (this.activeCount === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** `statusChange` publishes at once and persists; progress goes through the throttle. */
  private changed(entry: Entry, statusChange: boolean): void {
    this.dirty.add(entry.record.id);
    if (statusChange) {
      this.options.persist?.(this.list());
      if (!isActive(entry.record.status)) this.throttle.flush();
      else this.throttle.request();
    } else {
      this.throttle.request();
    }
  }

  private publish(): void {
    if (this.dirty.size === 0) return;
    const changed: DownloadRecord[] = [];
    for (const id of this.dirty) {
      const entry = this.entries.get(id);
      if (entry) changed.push(this.snapshot(entry, true));
    }
    this.dirty.clear();
    this.changes++;
    for (const listener of this.listeners) listener(changed, undefined, this.changes);
  }

  /** The record with the folded progress (`sample`: feed the speed meter; done once per publish). */
  private snapshot(entry: Entry, sample = false): DownloadRecord {
    const { fold, meter } = entry;
    if (!fold || !isActive(entry.record.status) || entry.record.status === 'waiting') return { ...entry.record, layers: [...entry.record.layers] };
    const view = fold.view();
    if (sample && meter && view.current !== null) meter.sample(view.current, this.clock.now());
    entry.record = {
      ...entry.record,
      status: view.phase,
      percent: view.percent,
      detail: view.detail,
      current: view.current,
      total: view.total,
      unsized: view.unsized,
      speed: meter?.bytesPerSecond ?? null,
      eta: meter?.eta(view.remaining) ?? null,
      layers: view.layers,
      digest: view.digest,
    };
    return { ...entry.record, layers: [...entry.record.layers] };
  }
}

export function canonicalRef(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
}

function freshRecord(id: string, ref: ImageRef, canonical: string, platform: string | null, now: number): DownloadRecord {
  return {
    id,
    name: ref.familiar,
    ref: canonical,
    platform,
    status: 'waiting',
    percent: null,
    detail: 'waiting',
    current: null,
    total: null,
    unsized: null,
    speed: null,
    eta: null,
    layers: [],
    error: null,
    errorCode: null,
    digest: null,
    startedAt: new Date(now).toISOString(),
    finishedAt: null,
  };
}

/** The job a finished record would run again (retry). */
function jobOf(record: DownloadRecord): PullJob {
  const lxc = parseLxcJobRef(record.ref);
  return lxc ? lxcJob(lxc, record.platform) : { ref: safeRef(record.ref), platform: record.platform };
}

/** An LXC job as a PullJob: its ref only carries the name people see (`images:alpine/3.20`). */
function lxcJob(lxc: LxcPullJob, platform: string | null): PullJob {
  const name = lxcJobName(lxc);
  return { ref: { domain: 'lxc', path: name, tag: 'latest', familiar: name }, platform, lxc };
}

function safeRef(text: string): ImageRef {
  try {
    return dockerRef(text);
  } catch {
    return { domain: 'docker.io', path: 'library/invalid', tag: 'latest', familiar: text };
  }
}
