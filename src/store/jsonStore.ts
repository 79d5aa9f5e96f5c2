// One JSON file in the settings directory, kept by `conf` (atomic writes, file mode), with the
// behaviour DESIGN.md asks for and conf does not give: mode 0600 for the file and 0700 for the
// directory, and a corrupt file moved aside (kept) with defaults restored and one warning.
import Conf from 'conf';
import { chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export interface JsonStoreOptions<T extends Record<string, unknown>> {
  dir: string;
  /** File name without `.json`. */
  name: string;
  defaults: () => T;
  /** Returns the valid value, or throws (any error) when the file's content cannot be used. */
  validate: (raw: unknown) => T;
  /** Called once per recovery, with a one-line message. */
  warn: (message: string) => void;
}

export class JsonStore<T extends Record<string, unknown>> {
  readonly path: string;
  private readonly conf: Conf<Record<string, unknown>>;
  private readonly options: JsonStoreOptions<T>;

  constructor(options: JsonStoreOptions<T>) {
    this.options = options;
    ensurePrivateDir(options.dir);
    this.path = join(options.dir, `${options.name}.json`);
    tightenMode(this.path);
    this.conf = this.openConf();
  }

  /** The current content (read from disk, so changes by another stevedore process are seen). */
  read(): T {
    let raw: unknown;
    try {
      raw = this.conf.store;
    } catch (error) {
      return this.recover(error);
    }
    try {
      return this.options.validate(raw);
    } catch (error) {
      return this.recover(error);
    }
  }

  write(value: T): void {
    ensurePrivateDir(this.options.dir);
    this.conf.store = value;
    tightenMode(this.path);
  }

  /** Read, change, write. Returns what was written. */
  update(change: (current: T) => T): T {
    const next = change(this.read());
    this.write(next);
    return next;
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

  private moveAside(error: unknown): void {
    if (!existsSync(this.path)) return;
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const aside = `${this.path}.corrupt-${stamp}`;
    renameSync(this.path, aside);
    const why = error instanceof SyntaxError ? 'not valid JSON' : 'not in the expected shape';
    this.options.warn(`${this.path} was ${why}; kept it as ${aside} and restored defaults`);
  }
}

function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/** A file holding secrets must not be readable by others, whoever created it. */
function tightenMode(path: string): void {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode !== FILE_MODE) chmodSync(path, FILE_MODE);
  } catch {
    // not there yet
  }
}
