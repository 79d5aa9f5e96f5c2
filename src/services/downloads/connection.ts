// One connection to the download worker: requests with a deadline each (a worker that accepts and says nothing
// is WorkerNotAnswering, not a hang), pushed updates with the list's version, a watchdog while anyone listens,
// and the process kept alive only while a request or a subscription needs it.
import { statSync } from 'node:fs';
import net from 'node:net';
import { AppError, TimedOut, Unreachable } from '../../domain/errors';
import { encode, lineReader, parseRecord, type DownloadRecord, type Request } from './protocol';
import { workerError } from './records';

export const DEFAULT_WORKER_DEADLINE_MS = 5000;
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

/** One open connection to the worker. */
export class Connection {
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
    else waiter.reject(workerError(message.error));
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

/** The inode of the worker's socket file (null when there is none): a takeover replaces the file. */
export function socketIno(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}
