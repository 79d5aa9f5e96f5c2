// The download worker: one detached process per user and engine, started on demand by the first
// client that needs it (`stevedore __worker`), serving the DownloadManager over a unix socket in the
// settings directory (mode 0600, directory 0700), and gone when idle (nothing waiting or running and no
// client connected for `idleMs`). It is in its own session (spawned detached, stdio away from the
// terminal) and ignores SIGHUP/SIGINT, so a closed terminal or a dropped SSH session does not stop a pull.
// Over 300 lines because the worker's life is one piece: serving, the lock and the takeover of a stuck worker,
// and the handover of a taken-over one (the lock and handover parts are the seams to split along). Not split yet:
// the takeover races of issue 24 were fixed across exactly those parts (who serves, who hands over, who leaves when
// idle), and worker-faults.test.ts holds them as one piece; a split should move them together, with that test.
import { chmodSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { AppError, isAppError } from '../../domain/errors';
import { adoptInto, interrupted, readHistory, writeHistory } from './history';
import type { DownloadManager } from './manager';
import type { WorkerPaths } from './paths';
import { ensurePrivateDirs } from './paths';
import { createExclusive, removeQuietly } from '../../store/safeFile';
import { encode, isActive, lineReader, parseRequest, PROTOCOL_VERSION, WORKER_START_TIMEOUT_MS, type DownloadRecord, type Request } from './protocol';

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
  /**
   * How long a fresh worker waits for its first client before it counts as idle (ms). Default: as long as the
   * client that started it may take to reach it (WORKER_START_TIMEOUT_MS plus a probe), so a client slowed
   * down by a takeover or a loaded machine never finds the worker it started gone.
   */
  firstClientMs?: number;
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
  // Taken over: another worker holds the lock now (this one was stopped or wedged, and came back). Its history
  // file and its socket are the successor's; what this one still finishes is handed over (handOver below).
  const takenOver = (): boolean => {
    const owner = lockOwner(paths.lock);
    return owner !== null && owner !== process.pid;
  };
  const manager = options.createManager(history, (all) => {
    if (takenOver()) return;
    try {
      writeHistory(paths.history, all);
    } catch (error) {
      log(`could not save the history: ${String(error)}`);
    }
  });
  const handovers = new Set<Promise<void>>();
  manager.subscribe((changed) => {
    const finished = changed.filter((r) => !isActive(r.status));
    if (finished.length === 0 || !takenOver()) return;
    const sent = handOver(paths, finished, probeMs, log).finally(() => handovers.delete(sent));
    handovers.add(sent);
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
        if (!parsed.ok) return send({ re: parsed.id, ok: false, error: { code: 400, message: parsed.error } });
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
        refuseIfTakenOver();
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
      case 'handover': {
        const adopted = manager.adopt(request.downloads);
        log(`took over the outcome of ${adopted.length} download(s) from a worker that was taken over: ${adopted.join(', ') || 'none'}`);
        return { adopted };
      }
      case 'retry': {
        refuseIfTakenOver();
        const record = manager.retry(request.target);
        void manager.idle().then(checkIdle);
        return record;
      }
    }
  };

  // A request read late by a worker that was taken over (a client gave up on it meanwhile and asked the
  // successor) must not start a second pull of the same thing.
  const refuseIfTakenOver = (): void => {
    if (takenOver()) throw new AppError(503, 'this download worker was taken over by another one', { hint: 'ask again' });
  };

  // Until its first client comes, a fresh worker waits at least as long as that client may take to reach it.
  let served = false;
  const firstClientMs = options.firstClientMs ?? WORKER_START_TIMEOUT_MS + probeMs;
  const checkIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (clients.size > 0) served = true;
    if (clients.size > 0 || manager.activeCount > 0) return;
    idleTimer = setTimeout(() => shutdown('idle'), served ? options.idleMs : Math.max(options.idleMs, firstClientMs));
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
    // Cancelled pulls settle (and are saved, or handed over) before the process goes.
    const settled = manager.idle().then(() => Promise.all([...handovers]));
    void Promise.race([settled, new Promise((r) => setTimeout(r, 3000))]).then(() => finish(0));
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

/**
 * A worker that was taken over hands what it finished since to its successor at the socket (`handover`), so a
 * download that completed is not left "interrupted" (issue 24, 9). With no successor answering, it writes the
 * outcomes into the history file itself (by id, over the "interrupted" entries), which the next worker reads.
 */
async function handOver(paths: WorkerPaths, finished: DownloadRecord[], ms: number, log: (line: string) => void): Promise<void> {
  const ids = finished.map((r) => r.id).join(', ');
  const reply = await ask(paths.socket, { op: 'handover', downloads: finished }, ms);
  if (reply?.ok === true) {
    log(`taken over: handed ${ids} to the worker at ${paths.socket}`);
    return;
  }
  try {
    const records = readHistory(paths.history);
    const taken = adoptInto(records, finished);
    if (taken.length > 0) writeHistory(paths.history, records);
    log(`taken over, and no worker answers at ${paths.socket}: wrote ${taken.join(', ') || 'nothing'} into the history`);
  } catch (error) {
    log(`taken over: could not hand over ${ids}: ${String(error)}`);
  }
}

/** One request to whatever worker answers at `path`; null when none does within `ms`. */
function ask(path: string, request: Record<string, unknown>, ms: number): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    const end = (reply: Record<string, unknown> | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => end(null), ms);
    const read = lineReader(
      (message) => {
        if (message.re === 1) end(message);
      },
      () => end(null),
    );
    socket.once('connect', () => socket.write(encode({ ...request, id: 1 })));
    socket.on('data', read);
    socket.once('error', () => end(null));
    socket.once('close', () => end(null));
  });
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
      createExclusive(path, String(process.pid));
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
  removeQuietly(temp);
  createExclusive(temp, String(process.pid));
  try {
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
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
