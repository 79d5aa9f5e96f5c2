// The download worker: one detached process per user and engine, started on demand by the first
// client that needs it (`stevedore __worker`), serving the DownloadManager over a unix socket in the
// settings directory (mode 0600, directory 0700), and gone when idle (nothing waiting or running and no
// client connected for `idleMs`). It is in its own session (spawned detached, stdio away from the
// terminal) and ignores SIGHUP/SIGINT, so a closed terminal or a dropped SSH session does not stop a pull.
import { chmodSync, closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import { AppError, isAppError } from '../../domain/errors';
import { interrupted, readHistory, writeHistory } from './history';
import type { DownloadManager } from './manager';
import type { WorkerPaths } from './paths';
import { ensurePrivateDirs } from './paths';
import { encode, lineReader, parseRequest, PROTOCOL_VERSION, type DownloadRecord, type Request } from './protocol';

export interface WorkerOptions {
  paths: WorkerPaths;
  /** The engine endpoint this worker pulls into (for `hello`). */
  endpoint: string;
  idleMs: number;
  /** Builds the manager with the history read from disk and the function that saves it. */
  createManager: (history: DownloadRecord[], persist: (all: DownloadRecord[]) => void) => DownloadManager;
  log: (line: string) => void;
  /** A one-line warning (a history file that could not be used); default: the log. */
  warn?: (message: string) => void;
  /** A process of its own (default): private umask, SIGHUP/SIGINT ignored, SIGTERM ends it. Off in tests. */
  standalone?: boolean;
  /** How long a worker already at the socket may take to answer `hello` before this one takes over (ms). Default 5 s. */
  probeTimeoutMs?: number;
}

/** Runs the worker until it is idle; resolves with the exit code. */
export async function serveWorker(options: WorkerOptions): Promise<number> {
  const { paths, log } = options;
  const standalone = options.standalone ?? true;
  if (standalone) process.umask(0o077);
  try {
    ensurePrivateDirs(paths);
  } catch (error) {
    log(`cannot start: ${isAppError(error) ? error.describe() : String(error)}`);
    throw error;
  }
  const probeMs = options.probeTimeoutMs ?? 5000;
  if (!claimLock(paths.lock)) {
    // A worker that holds the lock but does not answer at the socket (stopped with SIGSTOP, wedged) is taken
    // over: its socket path and lock pass to this one; it leaves when it sees its socket replaced and is idle.
    const owner = lockOwner(paths.lock);
    if ((await probe(paths.socket, probeMs)) !== 'silent' || owner === null) {
      log(`another worker holds ${paths.lock}; exiting`);
      return 0;
    }
    log(`worker ${owner} holds ${paths.lock} but did not answer within ${probeMs} ms; taking over`);
    takeLock(paths.lock);
    try {
      unlinkSync(paths.socket);
    } catch {
      // gone already
    }
  }
  const history = interrupted(readHistory(paths.history, options.warn ?? ((message) => log(`warning: ${message}`))));
  writeHistory(paths.history, history);
  const manager = options.createManager(history, (all) => {
    try {
      writeHistory(paths.history, all);
    } catch (error) {
      log(`could not save the history: ${String(error)}`);
    }
  });

  const clients = new Set<net.Socket>();
  let idleTimer: NodeJS.Timeout | null = null;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const server = net.createServer((socket) => {
    clients.add(socket);
    checkIdle();
    let unsubscribe: (() => void) | null = null;
    const send = (message: Record<string, unknown>): void => {
      if (!socket.destroyed) socket.write(encode(message));
    };
    const read = lineReader(
      (message) => {
        const parsed = parseRequest(message);
        if (!parsed) return send({ re: typeof message.id === 'number' ? message.id : -1, ok: false, error: { code: 400, message: 'malformed request' } });
        try {
          const result = handle(parsed.request, socket);
          const op = parsed.request.op;
          if ((op === 'subscribe' || op === 'follow') && !unsubscribe) {
            unsubscribe = manager.subscribe((changed, cleared, version) => send({ event: 'update', version, downloads: changed, ...(cleared ? { cleared } : {}) }));
          }
          send({ re: parsed.id, ok: true, result });
        } catch (error) {
          const e = isAppError(error) ? error : new AppError(502, error instanceof Error ? error.message : String(error));
          send({ re: parsed.id, ok: false, error: e.toJSON() });
        }
        checkIdle();
      },
      (error) => {
        send({ re: -1, ok: false, error: { code: 400, message: error.message } });
        socket.destroy();
      },
    );
    socket.on('data', read);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      unsubscribe?.();
      // A follower that goes away (a closed terminal) stops following; the download goes on.
      for (const set of followers.values()) set.delete(socket);
      clients.delete(socket);
      checkIdle();
    });
  });

  // Who follows which download (`image pull` in a terminal): Ctrl-C there detaches that follower, and
  // cancels only when it was the last one.
  const followers = new Map<string, Set<net.Socket>>();
  const handle = (request: Request, socket: net.Socket): unknown => {
    switch (request.op) {
      case 'follow': {
        const record = manager.get(request.target);
        let set = followers.get(record.id);
        if (!set) followers.set(record.id, (set = new Set()));
        set.add(socket);
        return record;
      }
      case 'detach': {
        const set = followers.get(request.target);
        set?.delete(socket);
        const remaining = set?.size ?? 0;
        if (remaining === 0) {
          followers.delete(request.target);
          return { download: manager.cancel(request.target), followers: 0 };
        }
        return { download: manager.get(request.target), followers: remaining };
      }
      case 'hello':
        return { protocol: PROTOCOL_VERSION, pid: process.pid, endpoint: options.endpoint };
      case 'start': {
        const record = manager.start(request.ref, request.platform);
        void manager.idle().then(checkIdle);
        return record;
      }
      case 'list':
      case 'subscribe':
        return manager.list();
      case 'cancel':
        return manager.cancel(request.target);
      case 'clear':
        return { cleared: manager.clear() };
      case 'retry': {
        const record = manager.retry(request.target);
        void manager.idle().then(checkIdle);
        return record;
      }
    }
  };

  const checkIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (clients.size > 0 || manager.activeCount > 0) return;
    idleTimer = setTimeout(() => shutdown('idle'), options.idleMs);
  };

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log(`exiting: ${why}`);
    if (idleTimer) clearTimeout(idleTimer);
    clearInterval(watch);
    manager.cancelAll();
    // Closing a unix socket server unlinks its path (libuv), which would remove a newer worker's socket
    // after a takeover: close only while the path is still ours; otherwise just stop holding the process.
    if (ownsSocket()) server.close();
    else server.unref();
    for (const c of clients) c.destroy();
    releaseLock(paths.lock);
    // Cancelled pulls settle (and are saved) before the process goes.
    void Promise.race([manager.idle(), new Promise((r) => setTimeout(r, 3000))]).then(() => finish(0));
  };

  await listen(server, paths.socket, probeMs);
  chmodSync(paths.socket, 0o600);
  const socketIno = statSync(paths.socket).ino;
  const ownsSocket = (): boolean => {
    try {
      return statSync(paths.socket).ino === socketIno;
    } catch {
      return false;
    }
  };
  if (!ownsLock(paths.lock)) {
    // Two racing starts both took a stale lock; the later one keeps it.
    if (ownsSocket()) server.close();
    else server.unref();
    return 0;
  }
  // A worker whose socket was replaced (a racing start, a removed settings dir) cannot be reached: go when idle.
  const watch = setInterval(() => {
    if (!ownsSocket() && manager.activeCount === 0) shutdown('socket replaced');
  }, 2000);
  watch.unref();

  if (standalone) {
    for (const signal of ['SIGHUP', 'SIGINT', 'SIGPIPE'] as const) process.on(signal, () => undefined);
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  }
  log(`worker ${process.pid} serving ${paths.socket} for ${options.endpoint}`);
  checkIdle();
  return done;
}

/** Listens on a unix socket path; a stale socket (no one answers in time) is removed first. */
async function listen(server: net.Server, path: string, probeMs: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if ((await probe(path, probeMs)) === 'answers') throw new Error(`another worker answers on ${path}`);
    unlinkSync(path);
    await listen(server, path, probeMs);
  }
}

/**
 * Asks whatever is at `path` for `hello`: `answers` (a worker replied in time), `silent` (it accepted the
 * connection but said nothing in time: a stopped worker, or another program), `absent` (nothing listens).
 */
export function probe(path: string, ms: number): Promise<'answers' | 'silent' | 'absent'> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    let done = false;
    const end = (result: 'answers' | 'silent' | 'absent'): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => end('silent'), ms);
    const read = lineReader(
      (message) => end(message.re === 1 && message.ok === true ? 'answers' : 'silent'),
      () => end('silent'),
    );
    socket.once('connect', () => socket.write(encode({ op: 'hello', id: 1 })));
    socket.on('data', read);
    socket.once('error', () => end('absent'));
    socket.once('close', () => end(connected ? 'silent' : 'absent'));
    let connected = false;
    socket.once('connect', () => (connected = true));
  });
}

/** The lock file holds the owner's pid; a lock whose pid is gone is stale and taken over. */
function claimLock(path: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner(path);
    if (owner !== null && owner !== process.pid && alive(owner)) return false;
    try {
      if (lockOwner(path) === owner) unlinkSync(path);
    } catch {
      // someone else removed it
    }
  }
  return false;
}

/** Writes this process's pid into the lock (a takeover: the previous owner is alive but not answering). */
function takeLock(path: string): void {
  const temp = `${path}.${process.pid}`;
  writeFileSync(temp, String(process.pid), { mode: 0o600 });
  renameSync(temp, path);
}

function ownsLock(path: string): boolean {
  return lockOwner(path) === process.pid;
}

function releaseLock(path: string): void {
  if (ownsLock(path)) {
    try {
      unlinkSync(path);
    } catch {
      // gone
    }
  }
}

function lockOwner(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid runs (and, where /proc tells, is a stevedore worker rather than a reused pid). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('__worker');
  } catch {
    return true;
  }
}
