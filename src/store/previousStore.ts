// previous.json: per engine and local tag, the image an update replaced (its ID, the registry digest it was
// pulled as, and when it was replaced), so `image rollback` can point the tag back at it and prune and
// `--remove-old` leave it alone for `updates.keep_previous` (DESIGN.md "Updates").
import { JsonStore, PartlyValid, recordsByEngine } from './jsonStore';

export interface PreviousRecord {
  /** The replaced image's ID. */
  id: string;
  /** `sha256:…` it had in this repository (what to pin in a compose file), or null when it had none. */
  digest: string | null;
  /** ISO time the update replaced it. */
  replacedAt: string;
}

type Entries = Record<string, PreviousRecord>;
type PreviousFile = { engines: Record<string, Entries> } & Record<string, unknown>;

export class PreviousStore {
  private readonly file: JsonStore<PreviousFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<PreviousFile>({ dir, name: 'previous', defaults: () => ({ engines: {} }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  /** Every record of one engine, by `fullName:tag`. */
  read(engine: string): Map<string, PreviousRecord> {
    return new Map(Object.entries(this.file.read().engines[engine] ?? {}));
  }

  /** Sets (or, with null, drops) records of one engine; `drop` says which others to forget (expired). */
  update(engine: string, set: Record<string, PreviousRecord | null>, drop: (key: string, record: PreviousRecord) => boolean = () => false): void {
    this.file.update((current) => {
      const entries: Entries = {};
      for (const [key, record] of Object.entries(current.engines[engine] ?? {})) if (!drop(key, record)) entries[key] = record;
      for (const [key, record] of Object.entries(set)) {
        if (record) entries[key] = record;
        else delete entries[key];
      }
      return { ...current, engines: { ...current.engines, [engine]: entries } };
    });
  }
}

function record(v: unknown): PreviousRecord | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.replacedAt !== 'string' || Number.isNaN(Date.parse(r.replacedAt))) return undefined;
  if (r.digest !== null && typeof r.digest !== 'string') return undefined;
  return { id: r.id, digest: r.digest, replacedAt: r.replacedAt };
}

function validate(raw: unknown): PreviousFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('previous file must be an object');
  const { engines: out, dropped } = recordsByEngine((raw as Record<string, unknown>).engines ?? {}, record, 'engines must be an object');
  const value: PreviousFile = { engines: out };
  if (dropped > 0) throw new PartlyValid(value, [`${dropped} kept-image record${dropped === 1 ? '' : 's'} could not be read`]);
  return value;
}
