// updates.json: the last update check of each local tag, per engine (DESIGN.md "Updates": results are
// cached with the time checked), and the removals `image update --remove-old` still owes (a run killed
// after its pull started: the next run finishes them). Mode 0600 like every file here; a broken file is moved
// aside and the cache starts empty (it is only a cache).
import type { UpdateResult, UpdateStatus } from '../domain/updates';
import { JsonStore, PartlyValid, recordsByEngine } from './jsonStore';

type Entries = Record<string, UpdateResult>;
/** Per engine, by `fullName:tag`: the image id an update with --remove-old replaces, until it is removed. */
type Removals = Record<string, Record<string, string>>;
type UpdatesData = { engines: Record<string, Entries>; removals?: Removals } & Record<string, unknown>;

const STATUSES: readonly UpdateStatus[] = ['up_to_date', 'update_available', 'unknown', 'pinned'];
/** More than this many tags per engine: the oldest checks are dropped. */
const MAX_ENTRIES = 5_000;

export class UpdatesStore {
  private readonly file: JsonStore<UpdatesData>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<UpdatesData>({ dir, name: 'updates', defaults: () => ({ engines: {} }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  /** Every cached result of one engine, by `fullName:tag`. */
  read(engine: string): Map<string, UpdateResult> {
    const entries = this.file.read().engines[engine] ?? {};
    return new Map(Object.entries(entries));
  }

  /** Adds (or replaces) results of one engine. */
  save(engine: string, results: UpdateResult[]): void {
    if (results.length === 0) return;
    this.file.update((current) => {
      const entries: Entries = { ...(current.engines[engine] ?? {}) };
      for (const r of results) entries[updateKey(r.fullName, r.tag)] = r;
      const kept = Object.entries(entries)
        .sort((a, b) => (a[1].checkedAt < b[1].checkedAt ? 1 : a[1].checkedAt > b[1].checkedAt ? -1 : 0))
        .slice(0, MAX_ENTRIES);
      return { ...current, engines: { ...current.engines, [engine]: Object.fromEntries(kept) } };
    });
  }

  /** The old image id an interrupted `image update --remove-old` of this tag still has to remove, if any. */
  pendingRemoval(engine: string, key: string): string | null {
    return this.file.read().removals?.[engine]?.[key] ?? null;
  }

  /** Remembers (an id) or forgets (null) the removal an update of this tag owes. */
  setPendingRemoval(engine: string, key: string, oldId: string | null): void {
    this.file.update((current) => {
      const mine: Record<string, string> = { ...(current.removals?.[engine] ?? {}) };
      if (oldId === null) delete mine[key];
      else mine[key] = oldId;
      return { ...current, removals: { ...(current.removals ?? {}), [engine]: mine } };
    });
  }
}

export function updateKey(fullName: string, tag: string): string {
  return `${fullName}:${tag}`;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const stringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function entry(v: unknown): UpdateResult | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (!isString(r.name) || !isString(r.fullName) || !isString(r.tag) || !isString(r.id) || !isString(r.checkedAt)) return undefined;
  if (!STATUSES.includes(r.status as UpdateStatus) || !stringOrNull(r.reason) || !stringOrNull(r.localDigest) || !stringOrNull(r.remoteDigest)) return undefined;
  if (!Array.isArray(r.newerTags) || !r.newerTags.every(isString)) return undefined;
  return {
    name: r.name,
    fullName: r.fullName,
    tag: r.tag,
    id: r.id,
    status: r.status as UpdateStatus,
    reason: r.reason,
    localDigest: r.localDigest,
    remoteDigest: r.remoteDigest,
    newerTags: r.newerTags,
    checkedAt: r.checkedAt,
  };
}

/** The pending removals (ids only; anything else in that part of the file is left out). */
function removalsOf(raw: unknown): Removals {
  const out: Removals = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [engine, list] of Object.entries(raw as Record<string, unknown>)) {
    if (list === null || typeof list !== 'object' || Array.isArray(list)) continue;
    const kept = Object.entries(list as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && /^sha256:[0-9a-f]{64}$/.test(e[1]));
    out[engine] = Object.fromEntries(kept);
  }
  return out;
}

function validate(raw: unknown): UpdatesData {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('not an object');
  const { engines: out, dropped } = recordsByEngine((raw as Record<string, unknown>).engines ?? {}, entry, 'engines is not an object');
  const value: UpdatesData = { engines: out, removals: removalsOf((raw as Record<string, unknown>).removals) };
  if (dropped > 0) throw new PartlyValid(value, [`${dropped} cached update check${dropped === 1 ? '' : 's'} could not be read`]);
  return value;
}
