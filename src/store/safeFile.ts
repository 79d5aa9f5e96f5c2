// The settings folder holds passwords, so stevedore uses it only when nobody else can change what is in
// it, and never reaches through a link in it:
// - the folder must belong to this user and be writable by nobody else (otherwise another user could
//   plant a link named `registries.json` that sends a password into a file they read, or swap files);
//   a folder only others can read is tightened to 0700, as before;
// - a settings file is refused when it is a symbolic link (or not a regular file, or someone else's):
//   conf writes atomically through `atomically`, which resolves links and writes the target, and chmod
//   follows links too, so each file is lstat-ed before it is read, written or chmod-ed;
// - files of our own (temporaries, locks) are created with O_EXCL (which never follows a link) under a
//   random name, and removed again when a write fails (a full or read-only disk leaves nothing behind).
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { AppError, fileSystemFault } from '../domain/errors';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** A settings folder or file stevedore will not use (403): the message says why, the hint how to fix it. */
export class UnsafeSettings extends AppError {
  constructor(message: string, hint: string) {
    super(403, message, { hint });
  }
}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/**
 * Creates the settings folder (0700) when missing; refuses one that belongs to another user or that
 * group or others may write to; tightens one that others may only read. A folder that is a link the user
 * made (dotfiles) is judged by what it points at.
 */
export function ensureSettingsDir(dir: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFault(error, dir) ?? error;
    try {
      mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    } catch (made) {
      throw fileSystemFault(made, dirname(dir)) ?? made;
    }
    st = statSync(dir);
  }
  checkSettingsDir(dir, st);
  if ((st.mode & 0o077) !== 0) {
    try {
      chmodSync(dir, st.mode & 0o700);
    } catch {
      // read-only: using it will say so
    }
  }
}

/** Throws UnsafeSettings for a folder another user owns or may write to (see ensureSettingsDir). */
export function checkSettingsDir(dir: string, st: Stats = statSync(dir)): void {
  if (!st.isDirectory()) throw new UnsafeSettings(`the settings folder ${dir} is not a folder`, 'point STEVEDORE_CONFIG_DIR at a folder of your own');
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) {
    throw new UnsafeSettings(
      `refusing the settings folder ${dir}: it belongs to another user (uid ${st.uid}), who could read or replace the passwords kept there`,
      `use a folder of your own (STEVEDORE_CONFIG_DIR=…), or make it yours: chown ${uid} ${dir} && chmod 700 ${dir}`,
    );
  }
  if ((st.mode & 0o022) !== 0) {
    throw new UnsafeSettings(
      `refusing the settings folder ${dir}: ${(st.mode & 0o002) !== 0 ? 'every user' : 'its group'} may write in it (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}), and could replace the files kept there`,
      `make it private: chmod 700 ${dir} (and check what is in it)`,
    );
  }
  if (uid !== undefined && process.platform === 'linux' && /^\/proc(?:\/|$)/.test(dir)) {
    throw new UnsafeSettings(`the settings folder ${dir} is inside /proc, where no file can be kept`, 'point STEVEDORE_CONFIG_DIR at a folder of your own');
  }
}

/**
 * Checks a settings file before it is read, written or chmod-ed: absent, or a regular file of this user.
 * Returns its lstat (null when absent).
 */
export function checkSettingsFile(path: string): Stats | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileSystemFault(error, dirname(path)) ?? error;
  }
  if (st.isSymbolicLink()) {
    throw new UnsafeSettings(`refusing ${path}: it is a symbolic link, and stevedore never reads or writes settings through a link`, `replace it with the file itself, or remove it`);
  }
  if (!st.isFile()) throw new UnsafeSettings(`refusing ${path}: it is not a regular file`, 'remove it; stevedore makes a new one');
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) {
    throw new UnsafeSettings(`refusing ${path}: it belongs to another user (uid ${st.uid})`, `make it yours (chown ${uid} ${path}) or remove it`);
  }
  return st;
}

/** Sets a settings file to mode 0600 unless it already is, without following a link. */
export function tightenFileMode(path: string): void {
  const st = checkSettingsFile(path);
  if (st && (st.mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
}

/** Creates `path` exclusively (never through a link), mode 0600, with `data`; removed again if writing fails. */
export function createExclusive(path: string, data: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  try {
    const buffer = Buffer.from(data);
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(path);
    throw error;
  }
  closeSync(fd);
}

/**
 * Replaces `path` with `data` atomically (a temporary file beside it, then rename: the old file stays whole
 * when the disk is full or read-only), mode 0600, never through a link. A failure leaves no temporary file.
 */
export function writeFileAtomic(path: string, data: string): void {
  const dir = dirname(path);
  try {
    checkSettingsFile(path);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    createExclusive(tmp, data);
    try {
      renameSync(tmp, path);
    } catch (error) {
      removeQuietly(tmp);
      throw error;
    }
  } catch (error) {
    throw fileSystemFault(error, dir) ?? error;
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Throws the file-system fault (ENOSPC, EROFS, EACCES…) that writing in `dir` meets, by writing and removing
 * a small file there: before a background process is started that would fail the same way out of sight.
 */
export function probeWritable(dir: string): void {
  const probe = `${dir}/.stevedore-probe-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    createExclusive(probe, 'stevedore\n');
  } catch (error) {
    throw fileSystemFault(error, dir) ?? error;
  }
  removeQuietly(probe);
}
