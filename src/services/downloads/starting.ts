// Reaching the download worker, starting one when asked: a connection shared by every request of a client;
// a worker found not answering is reported at once for a while instead of waited on again; a request that
// may start a worker starts a fresh one (which takes the socket over from a stuck one, see worker.ts) and
// waits for it, not knocking again on the stuck socket meanwhile.
import { Unreachable } from '../../domain/errors';
import { Connection, DEFAULT_WORKER_DEADLINE_MS, WorkerGone, WorkerNotAnswering, socketIno } from './connection';
import { probeWritable } from '../../store/safeFile';
import { checkSharedSocketDir, ensurePrivateDirs, type WorkerPaths } from './paths';
import { WORKER_START_TIMEOUT_MS } from './protocol';

export interface SpawnedWorker {
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

export interface LinkOptions {
  paths: WorkerPaths;
  /** Starts a detached worker process. */
  spawnWorker: () => SpawnedWorker | undefined;
  /** How long a started worker may take to answer. */
  startTimeoutMs?: number;
  /** How long the worker may take to accept a connection or answer one request (ms). */
  requestTimeoutMs?: number;
}

/** How long a worker found not answering is reported at once instead of waited on again. */
const STUCK_MEMORY_MS = 30_000;

export class WorkerLink {
  private connection: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  /** A worker found not answering is not waited on again for a while (the app asks on every tab). */
  private stuck: { error: WorkerNotAnswering; until: number } | null = null;

  constructor(private readonly options: LinkOptions) {}

  /** The connection open now, if any (no I/O). */
  current(): Connection | null {
    return this.connection && !this.connection.closed ? this.connection : null;
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
  async spawning<T>(ask: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.connect(true);
    try {
      return await ask(connection);
    } catch (error) {
      if (!(error instanceof WorkerNotAnswering)) throw error;
      return ask(await this.connect(true, connection.ino));
    }
  }

  /** `stuckIno`: the socket (by inode) of a worker just found not answering: start a fresh one without asking it again. */
  async connect(spawn: boolean, stuckIno: number | null = null): Promise<Connection> {
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
    // A settings folder the worker cannot write in (full, read-only) is said now, not after the start deadline.
    ensurePrivateDirs(this.options.paths);
    probeWritable(this.options.paths.dir);
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
      // A worker that lost a start race exits at once (status 0) while the winner comes up: keep trying until
      // the deadline. One that failed (another status) is not waited for.
      if (Date.now() > deadline || (typeof exit === 'number' && exit !== 0)) {
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

