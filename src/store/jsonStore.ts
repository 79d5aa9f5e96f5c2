// One JSON file in the settings directory, kept by `conf` (atomic writes, file mode), with the
// behaviour DESIGN.md asks for and conf does not give: mode 0600 for the file and 0700 for the
// directory, a corrupt file moved aside (kept) with defaults restored and one warning, entries that
// cannot be used dropped with the file's original kept aside, and read-change-write under a lock
// so two stevedore processes changing the file at once do not lose each other's change.
// The folder and the file are checked first (safeFile.ts): a folder others may write to is refused,
// and the file is never read, written or chmod-ed through a link (conf's writer follows links).
import Conf from 'conf';
import { chmodSync, constants, copyFileSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileSystemFault } from '../domain/errors';
import { FILE_MODE, checkSettingsFile, createExclusive, ensureSettingsDir, removeQuietly, tightenFileMode } from './safeFile';

export { DIR_MODE, FILE_MODE } from './safeFile';

/**
 * Thrown by a validator when part of the file can be used: `value` is what can, `problems` says
 * (one line each) what was dropped. The store keeps a copy of the file and carries on with `value`.
 */
export class PartlyValid<T> extends Error {
  constructor(
    readonly value: T,
    readonly problems: string[],
  ) {
    super(problems.join('; '));
  }
}

export interface JsonStoreOptions<T extends Record<string, unknown>> {
  dir: string;
  /** File name without `.json`. */
  name: string;
  defaults: () => T;
  /** Returns the valid value, throws PartlyValid when only some of it is, or any error when none is. */
  validate: (raw: unknown) => T;
  /** Called once per recovery, with a one-line message. */
  warn: (message: string) => void;
}

const LOCK_WAIT_MS = 3_000;
const LOCK_STALE_MS = 10_000;

export class JsonStore<T extends Record<string, unknown>> {
  readonly path: string;
  private readonly conf: Conf<Record<string, unknown>>;
  private readonly options: JsonStoreOptions<T>;

  constructor(options: JsonStoreOptions<T>) {
    this.options = options;
    ensureSettingsDir(options.dir);
    this.path = join(options.dir, `${options.name}.json`);
    tightenFileMode(this.path);
    this.conf = this.openConf();
  }

  /** The current content (read from disk, so changes by another stevedore process are seen). */
  read(): T {
    checkSettingsFile(this.path);
    let raw: unknown;
    try {
      raw = this.conf.store;
    } catch (error) {
      return this.recover(error);
    }
    try {
      return this.options.validate(raw);
    } catch (error) {
      if (error instanceof PartlyValid) return this.keepUsable(error as PartlyValid<T>);
      return this.recover(error);
    }
  }

  /** Writes the whole file (atomically: the old one stays intact when the disk is full or read-only). */
  write(value: T): void {
    try {
      ensureSettingsDir(this.options.dir);
      checkSettingsFile(this.path);
      this.conf.store = value;
    } catch (error) {
      throw fileSystemFault(error, this.options.dir) ?? error;
    }
    tightenFileMode(this.path);
  }

  /** Read, change, write, holding the file's lock. Returns what was written. */
  update(change: (current: T) => T): T {
    const release = this.lock();
    try {
      const next = change(this.read());
      this.write(next);
      return next;
    } finally {
      release();
    }
  }

  /**
   * An exclusive lock file beside the store, holding its owner's pid (written whole before the lock
   * appears: a temp file hard-linked into place). A stale lock (its owner gone, or too old) is taken over.
   */
  private lock(): () => void {
    const path = `${this.path}.lock`;
    const mine = `${path}.${process.pid}`;
    const deadline = performance.now() + LOCK_WAIT_MS;
    try {
      // O_EXCL: never through a link planted under this name; one left by a crashed process of the same pid goes first.
      removeQuietly(mine);
      createExclusive(mine, String(process.pid));
    } catch (error) {
      throw fileSystemFault(error, this.options.dir) ?? error;
    }
    try {
      for (;;) {
        try {
          linkSync(mine, path);
          return () => {
            try {
              unlinkSync(path);
            } catch {
              // already gone
            }
          };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileSystemFault(error, this.options.dir) ?? error;
          if (isStale(path, mine)) {
            try {
              unlinkSync(path);
            } catch {
              // released meanwhile
            }
          }
          if (performance.now() > deadline) throw new Error(`${path} is held by another stevedore process; try again`);
          sleep(20);
        }
      }
    } finally {
      try {
        unlinkSync(mine);
      } catch {
        // gone
      }
    }
  }

  private openConf(): Conf<Record<string, unknown>> {
    const open = () =>
      new Conf<Record<string, unknown>>({
        cwd: this.options.dir,
        configName: this.options.name,
        projectName: 'stevedore',
        configFileMode: FILE_MODE,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
      });
    try {
      return open();
    } catch (error) {
      // conf reads the file in its constructor: a broken file is moved aside, and defaults written.
      this.moveAside(error);
      const conf = open();
      conf.store = this.options.defaults();
      return conf;
    }
  }

  private recover(error: unknown): T {
    this.moveAside(error);
    const fresh = this.options.defaults();
    this.write(fresh);
    return fresh;
  }

  /** Some entries could not be used: keep the original aside, go on with the rest. */
  private keepUsable(partial: PartlyValid<T>): T {
    if (existsSync(this.path)) {
      const aside = this.asideName();
      copyFileSync(this.path, aside, constants.COPYFILE_EXCL);
      chmodSync(aside, FILE_MODE);
      this.options.warn(`${this.path}: ${partial.problems.join('; ')}; ignored them and kept the original file as ${aside}`);
    }
    this.write(partial.value);
    return partial.value;
  }

  private moveAside(error: unknown): void {
    if (!existsSync(this.path)) return;
    const aside = this.asideName();
    renameSync(this.path, aside);
    const why = error instanceof SyntaxError ? 'not valid JSON' : 'not in the expected shape';
    this.options.warn(`${this.path} was ${why}; kept it as ${aside} and restored defaults`);
  }

  /** `<file>.corrupt-<UTC time>-<random>`: two recoveries in one second never overwrite each other. */
  private asideName(): string {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    // Not a secret, only unique: Math.random spares loading node:crypto on every start.
    const unique = Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0');
    return `${this.path}.corrupt-${stamp}-${unique}`;
  }
}

/**
 * A lock left by a process that is gone (its pid, on this host), or older than LOCK_STALE_MS. The age is
 * measured on the file system's clock (against `reference`, a file this process just wrote there), not
 * this process's: the two differ under clock skew (a settings dir on NFS, faketime).
 */
function isStale(path: string, reference: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      }
    }
    return statSync(reference).mtimeMs - statSync(path).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // released meanwhile
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A file's `engines` part: per engine, records by key, each read by `read` (undefined: it cannot be read). An
 * engine whose list is not an object, and each record that cannot be read, is dropped and counted (for PartlyValid).
 */
export function recordsByEngine<T>(engines: unknown, read: (value: unknown) => T | undefined, notAnObject: string): { engines: Record<string, Record<string, T>>; dropped: number } {
  if (engines === null || typeof engines !== 'object' || Array.isArray(engines)) throw new TypeError(notAnObject);
  const out: Record<string, Record<string, T>> = {};
  let dropped = 0;
  for (const [engine, list] of Object.entries(engines as Record<string, unknown>)) {
    if (list === null || typeof list !== 'object' || Array.isArray(list)) {
      dropped++;
      continue;
    }
    const kept: Record<string, T> = {};
    for (const [key, value] of Object.entries(list as Record<string, unknown>)) {
      const r = read(value);
      if (r) kept[key] = r;
      else dropped++;
    }
    out[engine] = kept;
  }
  return { engines: out, dropped };
}
