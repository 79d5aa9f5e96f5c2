// The client side of the download worker: connects to its socket (starting the worker when a download
// is started and none runs), sends requests, and keeps a live view of every download for subscribers.
// When no worker runs, `list` reads the history it left (running entries read as failed "interrupted").
import net from 'node:net';
import { AppError, Unreachable } from '../../domain/errors';
import { interrupted, readHistory } from './history';
import { checkSharedSocketDir, type WorkerPaths } from './paths';
import { encode, isActive, lineReader, parseRecord, type DownloadRecord, type Request } from './protocol';

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
}

export type DownloadsListener = (all: DownloadRecord[]) => void;

/** One open connection to the worker. */
class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly updateListeners = new Set<(changed: DownloadRecord[]) => void>();
  private readonly closeListeners = new Set<() => void>();
  closed = false;
  private keepAlive = 0;

  private constructor(private readonly socket: net.Socket) {
    const read = lineReader(
      (message) => this.receive(message),
      (error) => this.fail(new AppError(502, `the download worker sent ${error.message}`)),
    );
    socket.on('data', read);
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Unreachable('the download worker closed the connection')));
    socket.unref();
  }

  static open(path: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  request(body: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(new Unreachable('the download worker is gone'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold(1);
      this.socket.write(encode({ ...body, id }));
    }).finally(() => this.hold(-1));
  }

  onUpdate(listener: (changed: DownloadRecord[]) => void): () => void {
    this.updateListeners.add(listener);
    this.hold(1);
    return () => {
      if (this.updateListeners.delete(listener)) this.hold(-1);
    };
  }

  onClose(listener: () => void): () => void {
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
      for (const l of this.updateListeners) l(changed);
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
    this.socket.destroy();
    for (const w of this.pending.values()) w.reject(error);
    this.pending.clear();
    for (const l of this.closeListeners) l();
  }
}

export class DownloadsClient {
  private connection: Connection | null = null;
  private connecting: Promise<Connection> | null = null;

  constructor(private readonly options: DownloadsClientOptions) {}

  /** Queues a pull (the worker is started when none runs). */
  async start(ref: string, platform: string | null): Promise<DownloadRecord> {
    const connection = await this.connect(true);
    return record(await connection.request({ op: 'start', ref, platform }));
  }

  /** Every download of every session; from the history file when no worker runs. */
  async list(): Promise<DownloadRecord[]> {
    const connection = await this.connect(false).catch(() => null);
    if (!connection) return interrupted(this.history());
    return records(await connection.request({ op: 'list' }));
  }

  /** `stevedore doctor`: connects to the worker, starting one when none runs (it exits again when idle). */
  async ensureRunning(): Promise<{ wasRunning: boolean; downloads: DownloadRecord[] }> {
    const wasRunning = await this.connect(false).then(
      () => true,
      () => false,
    );
    const connection = await this.connect(true);
    return { wasRunning, downloads: records(await connection.request({ op: 'list' })) };
  }

  async cancel(id: string): Promise<DownloadRecord> {
    const connection = await this.connect(false).catch(() => {
      throw new AppError(409, `download ${id} is not running`, { hint: 'no download worker runs' });
    });
    return record(await connection.request({ op: 'cancel', target: id }));
  }

  async retry(id: string): Promise<DownloadRecord> {
    const connection = await this.connect(true);
    return record(await connection.request({ op: 'retry', target: id }));
  }

  /**
   * Live view of every download: the listener gets the whole list at once and again on every change
   * (at most 10 times a second). Without a worker it gets the history and watches for one to appear.
   */
  subscribe(listener: DownloadsListener): () => void {
    const all = new Map<string, DownloadRecord>();
    let stopped = false;
    let detach: (() => void) | null = null;
    let timer: NodeJS.Timeout | null = null;
    const emit = (): void => {
      if (!stopped) listener([...all.values()]);
    };
    const attach = async (): Promise<void> => {
      timer = null;
      if (stopped) return;
      const connection = await this.connect(false).catch(() => null);
      if (stopped) return;
      if (!connection) {
        all.clear();
        for (const r of interrupted(this.history())) all.set(r.id, r);
        emit();
        timer = setTimeout(() => void attach(), this.options.pollMs ?? 1000);
        timer.unref();
        return;
      }
      const offUpdate = connection.onUpdate((changed) => {
        for (const r of changed) all.set(r.id, r);
        emit();
      });
      const offClose = connection.onClose(() => {
        detach?.();
        detach = null;
        if (!stopped) timer = setTimeout(() => void attach(), 50);
      });
      detach = () => {
        offUpdate();
        offClose();
      };
      try {
        const list = records(await connection.request({ op: 'subscribe' }));
        all.clear();
        for (const r of list) all.set(r.id, r);
        emit();
      } catch {
        // the close listener reattaches
      }
    };
    void attach();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      detach?.();
    };
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
      const offClose = connection.onClose(() =>
        settle(() => reject(new Unreachable('the download worker stopped', { hint: `see ${this.options.paths.log}` }))),
      );
      const onAbort = (): void => settle(() => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      connection.request({ op: 'subscribe' }).then(
        (list) => {
          const current = records(list).find((r) => r.id === id);
          if (!current) settle(() => reject(new AppError(404, `Download not found: ${id}`)));
          else see(current);
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** Closes the connection (the worker goes on). */
  close(): void {
    this.connection?.close();
    this.connection = null;
  }

  private async connect(spawn: boolean): Promise<Connection> {
    if (this.connection && !this.connection.closed) return this.connection;
    // An attempt already under way is shared; if it does not start a worker and fails, a spawning one follows.
    if (this.connecting) {
      const pending = await this.connecting.catch((error: unknown) => {
        if (!spawn) throw error;
        return null;
      });
      if (pending && !pending.closed) return pending;
    }
    this.connecting ??= this.open(spawn)
      .then((connection) => (this.connection = connection))
      .finally(() => (this.connecting = null));
    return this.connecting;
  }

  private history(): DownloadRecord[] {
    return readHistory(this.options.paths.history, this.options.warn);
  }

  private async open(spawn: boolean): Promise<Connection> {
    const { socket, log, socketDir, sharedSocketDir } = this.options.paths;
    // A socket in the shared temp directory is only trusted in this user's own private directory.
    if (sharedSocketDir) checkSharedSocketDir(socketDir);
    try {
      return await Connection.open(socket);
    } catch (error) {
      if (!spawn || !noWorker(error)) throw error;
    }
    let exit: number | null | undefined;
    this.options.spawnWorker()?.once('exit', (code) => (exit = code));
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    for (let delay = 15; ; delay = Math.min(delay * 2, 200)) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        return await Connection.open(socket);
      } catch (error) {
        if (!noWorker(error)) throw error;
      }
      // A worker that lost a start race exits at once while the winner comes up: keep trying until the deadline.
      if (Date.now() > deadline) {
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

function remoteError(value: unknown): AppError {
  const r = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const code = typeof r.code === 'number' ? r.code : 502;
  const message = typeof r.message === 'string' ? r.message : 'the download worker failed';
  return new AppError(([400, 401, 403, 404, 409, 429, 495, 499, 501, 502, 503, 504].includes(code) ? code : 502) as AppError['code'], message);
}

function record(value: unknown): DownloadRecord {
  const r = parseRecord(value);
  if (!r) throw new AppError(502, 'the download worker sent a malformed download');
  return r;
}

function records(value: unknown): DownloadRecord[] {
  return Array.isArray(value) ? value.map(parseRecord).filter((r): r is DownloadRecord => r !== null) : [];
}

