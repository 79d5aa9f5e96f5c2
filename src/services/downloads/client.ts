// The client side of the download worker: the requests (start, list, cancel, retry, clear, follow, detach)
// over one link to the worker (starting.ts: reaching it, starting one when a download is started and none
// runs, taking over a stuck one), and one live view of every download for subscribers (live.ts). When no
// worker runs, `list` reads the history it left (running entries read as failed "interrupted").
import { AppError, Unreachable } from '../../domain/errors';
import type { TimerClock } from '../../domain/clock';
import { systemClock } from '../clock';
import { WorkerNotAnswering } from './connection';
import { interrupted, readHistory } from './history';
import { LiveView } from './live';
import type { WorkerPaths } from './paths';
import { isActive, parseRecord, type DownloadRecord } from './protocol';
import { type SpawnedWorker, WorkerLink } from './starting';

export { DEFAULT_WORKER_DEADLINE_MS, WorkerGone, WorkerNotAnswering } from './connection';
export type { SpawnedWorker } from './starting';

export interface DownloadsClientOptions {
  paths: WorkerPaths;
  /** Starts a detached worker process. */
  spawnWorker: () => SpawnedWorker | undefined;
  /** How long a started worker may take to answer. */
  startTimeoutMs?: number;
  /** How often a subscription without a worker looks for one (ms). */
  pollMs?: number;
  /** Where a one-line warning goes (a downloads history that could not be used and was moved aside). */
  warn?: (message: string) => void;
  /** Timers of the live view (tests drive them). Default: the system's. */
  clock?: TimerClock;
  /**
   * How long the worker may take to accept a connection or answer one request (ms). Past it the worker
   * is reported as not answering (a stopped worker, or something else listening at its socket). Default 5 s.
   */
  requestTimeoutMs?: number;
}

export type DownloadsListener = (all: DownloadRecord[], version: number) => void;

export class DownloadsClient {
  private live: LiveView | undefined;
  private readonly link: WorkerLink;

  constructor(private readonly options: DownloadsClientOptions) {
    this.link = new WorkerLink(options);
  }

  /** Queues a pull (the worker is started when none runs). */
  async start(ref: string, platform: string | null): Promise<DownloadRecord> {
    return record(await this.link.spawning((connection) => connection.request({ op: 'start', ref, platform })));
  }

  /**
   * Every download of every session; from the history file when no worker runs. A worker that is there
   * but does not answer is an error (WorkerNotAnswering), not an empty or stale list.
   */
  async list(): Promise<DownloadRecord[]> {
    const connection = await this.link.connect(false).catch((error: unknown) => {
      if (error instanceof WorkerNotAnswering) throw error;
      return null;
    });
    if (!connection) return interrupted(this.history());
    return records(await connection.request({ op: 'list' }));
  }

  /** `stevedore doctor`: connects to the worker, starting one when none runs (it exits again when idle). */
  async ensureRunning(): Promise<{ wasRunning: boolean; downloads: DownloadRecord[] }> {
    const wasRunning = await this.link.connect(false).then(
      () => true,
      () => false,
    );
    return { wasRunning, downloads: records(await this.link.spawning((connection) => connection.request({ op: 'list' }))) };
  }

  async cancel(id: string): Promise<DownloadRecord> {
    const connection = await this.link.connect(false).catch((error: unknown) => {
      if (error instanceof WorkerNotAnswering) throw error;
      throw new AppError(409, `download ${id} is not running`, { hint: 'no download worker runs' });
    });
    return record(await connection.request({ op: 'cancel', target: id }));
  }

  async retry(id: string): Promise<DownloadRecord> {
    return record(await this.link.spawning((connection) => connection.request({ op: 'retry', target: id })));
  }

  /** Takes the finished downloads out of the list (and the history file); returns how many. */
  async clear(): Promise<number> {
    const result = (await this.link.spawning((connection) => connection.request({ op: 'clear' }))) as { cleared?: unknown } | null;
    return Array.isArray(result?.cleared) ? result.cleared.length : 0;
  }

  /**
   * Live view of every download (one per client, see live.ts): the listener gets the whole list at once and
   * again on every change, at most every `intervalMs` for progress. Without a worker it gets the history and
   * watches for one to appear (a worker this client starts is followed at once).
   */
  subscribe(listener: DownloadsListener, options: { intervalMs?: number } = {}): () => void {
    this.live ??= new LiveView(
      {
        current: () => this.link.current(),
        connect: () =>
          this.link.connect(false).catch((error: unknown) => ({ none: true as const, stuck: error instanceof WorkerNotAnswering })),
        history: () => interrupted(this.history()),
        records,
      },
      this.options.clock ?? systemClock,
      this.options.pollMs ?? 1000,
    );
    return this.live.subscribe(listener, options);
  }

  /**
   * Follows one download until it ends: `onUpdate` gets each snapshot of it; resolves with the final one.
   * Rejects with an AbortError when `signal` aborts (the download goes on: the caller decides to cancel).
   */
  async follow(id: string, onUpdate: (record: DownloadRecord) => void, signal?: AbortSignal): Promise<DownloadRecord> {
    const connection = await this.link.connect(false);
    return new Promise<DownloadRecord>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        offUpdate();
        offClose();
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const see = (r: DownloadRecord): void => {
        if (r.id !== id) return;
        onUpdate(r);
        if (!isActive(r.status)) settle(() => resolve(r));
      };
      const offUpdate = connection.onUpdate((changed) => changed.forEach(see));
      const offClose = connection.onClose((error) =>
        settle(() =>
          reject(error instanceof WorkerNotAnswering ? error : new Unreachable('the download worker stopped', { hint: `see ${this.options.paths.log}` })),
        ),
      );
      const onAbort = (): void => settle(() => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      connection.request({ op: 'follow', target: id }).then(
        (current) => see(record(current)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /**
   * Stops following a download (Ctrl-C in `image pull`): the worker cancels it only when no other
   * follower remains. `followers` is how many still follow (0: it was cancelled).
   */
  async detach(id: string): Promise<{ download: DownloadRecord; followers: number }> {
    const connection = await this.link.connect(false);
    const result = (await connection.request({ op: 'detach', target: id })) as Record<string, unknown> | null;
    const followers = typeof result?.followers === 'number' ? result.followers : 0;
    return { download: record(result?.download), followers };
  }

  /** Closes the connection (the worker goes on). */
  close(): void {
    this.link.close();
  }

  private history(): DownloadRecord[] {
    return readHistory(this.options.paths.history, this.options.warn);
  }
}

function record(value: unknown): DownloadRecord {
  const r = parseRecord(value);
  if (!r) throw new AppError(502, 'the download worker sent a malformed download');
  return r;
}

function records(value: unknown): DownloadRecord[] {
  return Array.isArray(value) ? value.map(parseRecord).filter((r): r is DownloadRecord => r !== null) : [];
}
