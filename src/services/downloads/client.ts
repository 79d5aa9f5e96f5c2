// The client side of the download worker: connects to its socket (starting the worker when a download
// is started and none runs), sends requests, and keeps a live view of every download for subscribers.
// When no worker runs, `list` reads the history it left (running entries read as failed "interrupted").
// Over 300 lines: the connection, the start and takeover of a worker and the live view are still one file (to be
// split by concern: connection, starting/takeover, subscriptions).
import { statSync } from 'node:fs';
import net from 'node:net';
import { AppError, TimedOut, Unreachable } from '../../domain/errors';
import { interrupted, readHistory } from './history';
import type { TimerClock } from '../../domain/clock';
import { systemClock } from '../clock';
import { LiveView } from './live';
import { workerError } from './records';
import { checkSharedSocketDir, type WorkerPaths } from './paths';
import { encode, isActive, lineReader, parseRecord, WORKER_START_TIMEOUT_MS, type DownloadRecord, type Request } from './protocol';

export interface SpawnedWorker {
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

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

export const DEFAULT_WORKER_DEADLINE_MS = 5000;
/** How long a worker found not answering is reported at once instead of waited on again. */
const STUCK_MEMORY_MS = 30_000;

/** The worker accepted a connection (or is there) but did not answer within the deadline. */
export class WorkerNotAnswering extends TimedOut {
  constructor(ms: number, log: string) {
    super(`the download worker is not answering (no reply within ${Math.round(ms / 100) / 10} s)`, { hint: `see ${log}` });
  }
}

/**
 * The connection to the worker broke (ECONNRESET, EPIPE, closed): a worker that exited, or lost a start race,
 * while we talked to it. Not a bug: typed, so it is never reported as an "unexpected error", and a client that
 * is starting a worker tries again.
 */
export class WorkerGone extends Unreachable {
  constructor(why: string, log: string) {
    super(`the download worker ${why}`, { hint: `see ${log}` });
  }
}

export type DownloadsListener = (all: DownloadRecord[], version: number) => void;

/** One open connection to the worker. */
class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly updateListeners = new Set<(changed: DownloadRecord[], cleared: string[], version: number | null) => void>();
  private readonly closeListeners = new Set<(error: Error) => void>();
  closed = false;
  private keepAlive = 0;
  private heard = Date.now();
  private watchdog: NodeJS.Timeout | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly deadlineMs: number,
    private readonly log: string,
  ) {
    const read = lineReader(
      (message) => this.receive(message),
      (error) => this.fail(new AppError(502, `the download worker sent ${error.message}`)),
    );
    socket.on('data', (chunk: Buffer) => {
      this.heard = Date.now();
      read(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(new WorkerGone(`closed the connection (${error.code ?? error.message})`, log)));
    socket.on('close', () => this.fail(new WorkerGone('closed the connection', log)));
    socket.unref();
  }

  /** The inode of the socket file this connection was opened at (null: unknown), to tell a replaced socket. */
  ino: number | null = null;

  /** Connects and asks `hello`: a socket that accepts but does not answer in time is a WorkerNotAnswering. */
  static async open(path: string, deadlineMs: number, log: string): Promise<Connection> {
    const ino = socketIno(path);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new WorkerNotAnswering(deadlineMs, log));
      }, deadlineMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeListener('error', onError);
        resolve(s);
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      s.once('error', onError);
    });
    const connection = new Connection(socket, deadlineMs, log);
    connection.ino = ino;
    await connection.request({ op: 'hello' });
    return connection;
  }

  /** One request; past the deadline the connection is given up (a stuck worker answers nothing more). */
  request(body: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(new Unreachable('the download worker is gone', { hint: `see ${this.log}` }));
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold(1);
      timer = setTimeout(() => this.fail(new WorkerNotAnswering(this.deadlineMs, this.log)), this.deadlineMs);
      this.socket.write(encode({ ...body, id }));
    }).finally(() => {
      clearTimeout(timer);
      this.hold(-1);
    });
  }

  /**
   * Pushed updates. Updates come only on change, so while anyone listens, a deadline of silence makes the
   * connection ask `hello`: a worker that stopped fails the connection (and its listeners) within one more.
   */
  onUpdate(listener: (changed: DownloadRecord[], cleared: string[], version: number | null) => void): () => void {
    this.updateListeners.add(listener);
    this.hold(1);
    this.watchdog ??= setInterval(() => {
      if (Date.now() - this.heard < this.deadlineMs) return;
      this.heard = Date.now();
      this.request({ op: 'hello' }).catch(() => undefined);
    }, Math.max(50, Math.floor(this.deadlineMs / 2)));
    this.watchdog.unref();
    return () => {
      if (this.updateListeners.delete(listener)) this.hold(-1);
      if (this.updateListeners.size === 0 && this.watchdog) {
        clearInterval(this.watchdog);
        this.watchdog = null;
      }
    };
  }

  onClose(listener: (error: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  /** The socket keeps the process alive only while a request or a subscription needs it. */
  private hold(delta: number): void {
    this.keepAlive += delta;
    if (this.keepAlive > 0) this.socket.ref();
    else this.socket.unref();
  }

  private receive(message: Record<string, unknown>): void {
    if (message.event === 'update') {
      const changed = Array.isArray(message.downloads) ? message.downloads.map(parseRecord).filter((r): r is DownloadRecord => r !== null) : [];
      const cleared = Array.isArray(message.cleared) ? message.cleared.filter((id): id is string => typeof id === 'string') : [];
      const version = typeof message.version === 'number' && Number.isSafeInteger(message.version) ? message.version : null;
      for (const l of this.updateListeners) l(changed, cleared, version);
      return;
    }
    const re = typeof message.re === 'number' ? message.re : -1;
    const waiter = this.pending.get(re);
    if (!waiter) return;
    this.pending.delete(re);
    if (message.ok === true) waiter.resolve(message.result);
    else waiter.reject(remoteError(message.error));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.socket.destroy();
    for (const w of this.pending.values()) w.reject(error);
    this.pending.clear();
    for (const l of this.closeListeners) l(error);
  }
}

export class DownloadsClient {
  private live: LiveView | undefined;
  private connection: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  /** A worker found not answering is not waited on again for a while (the app asks on every tab). */
  private stuck: { error: WorkerNotAnswering; until: number } | null = null;

  constructor(private readonly options: DownloadsClientOptions) {}

  /** Queues a pull (the worker is started when none runs). */
  async start(ref: string, platform: string | null): Promise<DownloadRecord> {
    return record(await this.spawning((connection) => connection.request({ op: 'start', ref, platform })));
  }

  /**
   * Every download of every session; from the history file when no worker runs. A worker that is there
   * but does not answer is an error (WorkerNotAnswering), not an empty or stale list.
   */
  async list(): Promise<DownloadRecord[]> {
    const connection = await this.connect(false).catch((error: unknown) => {
      if (error instanceof WorkerNotAnswering) throw error;
      return null;
    });
    if (!connection) return interrupted(this.history());
    return records(await connection.request({ op: 'list' }));
  }

  /** `stevedore doctor`: connects to the worker, starting one when none runs (it exits again when idle). */
  async ensureRunning(): Promise<{ wasRunning: boolean; downloads: DownloadRecord[] }> {
    const wasRunning = await this.connect(false).then(
      () => true,
      () => false,
    );
    return { wasRunning, downloads: records(await this.spawning((connection) => connection.request({ op: 'list' }))) };
  }

  async cancel(id: string): Promise<DownloadRecord> {
    const connection = await this.connect(false).catch((error: unknown) => {
      if (error instanceof WorkerNotAnswering) throw error;
      throw new AppError(409, `download ${id} is not running`, { hint: 'no download worker runs' });
    });
    return record(await connection.request({ op: 'cancel', target: id }));
  }

  async retry(id: string): Promise<DownloadRecord> {
    return record(await this.spawning((connection) => connection.request({ op: 'retry', target: id })));
  }

  /** Takes the finished downloads out of the list (and the history file); returns how many. */
  async clear(): Promise<number> {
    const result = (await this.spawning((connection) => connection.request({ op: 'clear' }))) as { cleared?: unknown } | null;
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
        current: () => (this.connection && !this.connection.closed ? this.connection : null),
        connect: () =>
          this.connect(false).catch((error: unknown) => ({ none: true as const, stuck: error instanceof WorkerNotAnswering })),
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
    const connection = await this.connect(false);
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
    const connection = await this.connect(false);
    const result = (await connection.request({ op: 'detach', target: id })) as Record<string, unknown> | null;
    const followers = typeof result?.followers === 'number' ? result.followers : 0;
    return { download: record(result?.download), followers };
  }

  /** Closes the connection (the worker goes on). */
  close(): void {
    this.connection?.close();
    this.connection = null;
  }

  /**
   * A request that may start a worker (start, retry, clear, doctor). A connection opened earlier (the app and
   * serve keep one for their whole life) may be to a worker that has since stopped answering: then the request
   * takes over at once, as a fresh client would, instead of failing once first (issue 24, 9). The stuck
   * worker drops such a request if it ever reads it (worker.ts: it was taken over), so nothing runs twice.
   */
  private async spawning<T>(ask: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.connect(true);
    try {
      return await ask(connection);
    } catch (error) {
      if (!(error instanceof WorkerNotAnswering)) throw error;
      return ask(await this.connect(true, connection.ino));
    }
  }

  /** `stuckIno`: the socket (by inode) of a worker just found not answering: start a fresh one without asking it again. */
  private async connect(spawn: boolean, stuckIno: number | null = null): Promise<Connection> {
    if (this.connection && !this.connection.closed) return this.connection;
    if (!spawn && this.stuck && Date.now() < this.stuck.until) throw this.stuck.error;
    try {
      const connection = await this.connectOnce(spawn, stuckIno);
      this.stuck = null;
      return connection;
    } catch (error) {
      if (error instanceof WorkerNotAnswering) this.stuck = { error, until: Date.now() + STUCK_MEMORY_MS };
      throw error;
    }
  }

  private async connectOnce(spawn: boolean, stuckIno: number | null): Promise<Connection> {
    // An attempt already under way is shared; if it does not start a worker and fails, a spawning one follows.
    if (this.connecting) {
      const pending = await this.connecting.catch((error: unknown) => {
        if (!spawn) throw error;
        return null;
      });
      if (pending && !pending.closed) return pending;
    }
    this.connecting ??= this.open(spawn, stuckIno)
      .then((connection) => (this.connection = connection))
      .finally(() => (this.connecting = null));
    return this.connecting;
  }

  private history(): DownloadRecord[] {
    return readHistory(this.options.paths.history, this.options.warn);
  }

  private get deadlineMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_WORKER_DEADLINE_MS;
  }

  private async open(spawn: boolean, stuckIno: number | null): Promise<Connection> {
    const { socket, log, socketDir, sharedSocketDir } = this.options.paths;
    // A socket in the shared temp directory is only trusted in this user's own private directory.
    if (sharedSocketDir) checkSharedSocketDir(socketDir);
    let stuck: unknown = null;
    if (stuckIno === null || socketIno(socket) !== stuckIno) {
      const ino = socketIno(socket);
      try {
        return await Connection.open(socket, this.deadlineMs, log);
      } catch (error) {
        // No worker: start one. A worker that does not answer (stopped, or something else listening at its
        // socket): start a fresh one, which takes the socket over from the stuck one (see worker.ts).
        if (!spawn || !retryable(error)) throw error;
        if (error instanceof WorkerNotAnswering) {
          stuck = error;
          stuckIno = ino;
        } else stuckIno = null;
      }
    }
    let exit: number | null | undefined;
    this.options.spawnWorker()?.once('exit', (code) => (exit = code));
    // A takeover costs the new worker one deadline of its own probing: allow for it. The worker waits as long
    // for its first client before it counts as idle (worker.ts), so it is still there when we get to it.
    const deadline = Date.now() + (this.options.startTimeoutMs ?? WORKER_START_TIMEOUT_MS) + this.deadlineMs;
    for (let delay = 15; ; delay = Math.min(delay * 2, 200)) {
      await new Promise((r) => setTimeout(r, delay));
      // While the worker we started runs and the socket is still the one that did not answer, asking there again
      // would only cost another deadline (a stopped worker accepts and says nothing, and meanwhile the new one
      // may be ready): wait for the new worker to replace the socket. If it exits instead (it found the old one
      // answering again, or lost a start race), the socket is asked as usual.
      const waitingForTakeover = stuckIno !== null && exit === undefined && socketIno(socket) === stuckIno;
      if (!waitingForTakeover) {
        try {
          return await Connection.open(socket, Math.min(this.deadlineMs, Math.max(100, deadline - Date.now())), log);
        } catch (error) {
          if (!retryable(error)) throw error;
          stuck = error;
        }
      }
      // A worker that lost a start race exits at once while the winner comes up: keep trying until the deadline.
      if (Date.now() > deadline) {
        if (stuck instanceof WorkerNotAnswering && exit !== undefined) throw stuck;
        const why = exit === undefined ? 'did not answer in time' : `exited (status ${exit})`;
        throw new Unreachable(`the download worker ${why}`, { hint: `see ${log}` });
      }
    }
  }
}

function noWorker(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
}

/** What a client that starts a worker waits out: no worker yet, a stuck one, or one that went while we connected. */
function retryable(error: unknown): boolean {
  return noWorker(error) || error instanceof WorkerNotAnswering || error instanceof WorkerGone;
}

/** The inode of the worker's socket file (null when there is none): a takeover replaces the file. */
function socketIno(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

function remoteError(value: unknown): AppError {
  return workerError(value);
}

function record(value: unknown): DownloadRecord {
  const r = parseRecord(value);
  if (!r) throw new AppError(502, 'the download worker sent a malformed download');
  return r;
}

function records(value: unknown): DownloadRecord[] {
  return Array.isArray(value) ? value.map(parseRecord).filter((r): r is DownloadRecord => r !== null) : [];
}

