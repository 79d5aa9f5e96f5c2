// Where the download worker of one user and one engine keeps its socket, lock, history and log:
// in the settings directory (mode 0700), named by a short hash of the engine endpoint, so a CLI with
// another DOCKER_HOST never talks to (and pulls into) the wrong engine.
import { mkdirSync, chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from './protocol';

export interface WorkerPaths {
  dir: string;
  socket: string;
  lock: string;
  history: string;
  log: string;
  key: string;
}

/** Unix socket paths are limited to 107 bytes; past that the socket goes to a private directory in /tmp. */
const MAX_SOCKET_PATH = 100;

export function workerPaths(configDir: string, key: string): WorkerPaths {
  const name = `worker-${key}`;
  let socket = join(configDir, `${name}-v${PROTOCOL_VERSION}.sock`);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    socket = join(tmpdir(), `stevedore-${uid}`, `${name}-v${PROTOCOL_VERSION}.sock`);
  }
  return {
    dir: configDir,
    socket,
    lock: join(configDir, `${name}.lock`),
    history: join(configDir, `downloads-${key}.json`),
    log: join(configDir, `${name}.log`),
    key,
  };
}

/** Creates `dir` (and the socket's directory) readable by this user only. */
export function ensurePrivateDirs(paths: WorkerPaths): void {
  for (const dir of new Set([paths.dir, join(paths.socket, '..')])) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    if (st.uid !== uid) throw new Error(`${dir} belongs to another user`);
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  }
}
