// Where the download worker of one user and one engine keeps its socket, lock, history and log:
// in the settings directory (mode 0700), named by a short hash of the engine endpoint, so a CLI with
// another DOCKER_HOST never talks to (and pulls into) the wrong engine. When that path is too long for a
// unix socket, the socket goes to /tmp/stevedore-<uid>, which must be a real directory of this user (not
// a symlink, not someone else's: /tmp is shared) and is kept at mode 0700.
import { chmodSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '../../domain/errors';
import { PROTOCOL_VERSION } from './protocol';
import { ensureSettingsDir } from '../../store/safeFile';

export interface WorkerPaths {
  dir: string;
  socket: string;
  /** The socket's directory: `dir`, or the private directory in the shared temp directory. */
  socketDir: string;
  /** True when `socketDir` is in the shared temp directory (and so checked strictly). */
  sharedSocketDir: boolean;
  lock: string;
  history: string;
  log: string;
  key: string;
}

export interface WorkerPathsOptions {
  /** The shared temp directory for long settings paths (default `os.tmpdir()`; tests use their own). */
  tmpDir?: string;
  /** The user id in the fallback directory's name (default `process.getuid()`). */
  uid?: number;
}

/** A directory the worker's files would go in that another user could control. */
export class UnsafeDirectory extends AppError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(403, `refusing to use ${path} for the download worker: ${reason}`, { hint: `remove ${path} (or set TMPDIR to a private directory) and try again` });
  }
}

/** Unix socket paths are limited to 107 bytes; past that the socket goes to a private directory in /tmp. */
const MAX_SOCKET_PATH = 100;

export function workerPaths(configDir: string, key: string, options: WorkerPathsOptions = {}): WorkerPaths {
  const name = `worker-${key}`;
  let socket = join(configDir, `${name}-v${PROTOCOL_VERSION}.sock`);
  let sharedSocketDir = false;
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const uid = options.uid ?? currentUid() ?? 0;
    socket = join(options.tmpDir ?? tmpdir(), `stevedore-${uid}`, `${name}-v${PROTOCOL_VERSION}.sock`);
    sharedSocketDir = true;
  }
  return {
    dir: configDir,
    socket,
    socketDir: dirname(socket),
    sharedSocketDir,
    lock: join(configDir, `${name}.lock`),
    history: join(configDir, `downloads-${key}.json`),
    log: join(configDir, `${name}.log`),
    key,
  };
}

/**
 * Creates the settings directory and the socket's directory readable by this user only. The settings
 * directory may be a symlink the user made (dotfiles); the socket directory in the shared temp directory
 * may not, and must belong to this user: otherwise an UnsafeDirectory naming it.
 */
export function ensurePrivateDirs(paths: WorkerPaths): void {
  ensureSettingsDir(paths.dir);
  if (paths.socketDir === paths.dir) return;
  if (!paths.sharedSocketDir) {
    mkdirSync(paths.socketDir, { recursive: true, mode: 0o700 });
    checkOwnedDir(paths.socketDir, statSync(paths.socketDir));
    return;
  }
  try {
    mkdirSync(paths.socketDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  checkSharedSocketDir(paths.socketDir);
}

/**
 * The socket directory in the shared temp directory, if it exists, is a real directory of this user
 * (checked with lstat, so a symlink planted there is refused rather than followed), and mode 0700.
 * Used before connecting too: a client must not talk to a socket another user put in place.
 */
export function checkSharedSocketDir(dir: string): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (st.isSymbolicLink()) throw new UnsafeDirectory(dir, 'it is a symbolic link');
  checkOwnedDir(dir, st);
}

function checkOwnedDir(dir: string, st: Stats): void {
  if (!st.isDirectory()) throw new UnsafeDirectory(dir, 'it is not a directory');
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) throw new UnsafeDirectory(dir, `it belongs to another user (uid ${st.uid})`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}
