// watch.json: what `stevedore watch` told, per engine, notifier and local tag (the remote digest of the last
// notice that notifier took), and how the last round went. A notice is "new" for a notifier until it has
// taken it: a failed delivery leaves nothing recorded, so the next round tries again and nothing is lost.
import { JsonStore, PartlyValid } from './jsonStore';

/** `fullName:tag` → the remote digest told about. */
export type Told = Record<string, string>;

export interface RoundRecord {
  /** ISO time the round ended. */
  at: string;
  checked: number;
  updates: number;
  /** Notifier → how many notices it took this round. */
  notified: Record<string, number>;
  /** Notifier → why it failed this round. */
  failed: Record<string, string>;
}

interface EngineEntry {
  told: Record<string, Told>;
  lastRound: RoundRecord | null;
}

type WatchFile = { engines: Record<string, EngineEntry> } & Record<string, unknown>;

export class WatchStore {
  private readonly file: JsonStore<WatchFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<WatchFile>({ dir, name: 'watch', defaults: () => ({ engines: {} }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  /** What each notifier was told on this engine. */
  told(engine: string): Record<string, Told> {
    return this.file.read().engines[engine]?.told ?? {};
  }

  lastRound(engine: string): RoundRecord | null {
    return this.file.read().engines[engine]?.lastRound ?? null;
  }

  /**
   * Records a round: each notifier's newly told digests are merged in (under the file's lock, so two rounds at
   * once lose nothing), entries of tags no longer on the engine (`keep` says which are) are dropped.
   */
  record(engine: string, told: Record<string, Told>, round: RoundRecord, keep: (key: string) => boolean): void {
    this.file.update((current) => {
      const before = current.engines[engine] ?? { told: {}, lastRound: null };
      const merged: Record<string, Told> = {};
      for (const notifier of new Set([...Object.keys(before.told), ...Object.keys(told)])) {
        const all = { ...(before.told[notifier] ?? {}), ...(told[notifier] ?? {}) };
        merged[notifier] = Object.fromEntries(Object.entries(all).filter(([key]) => keep(key)));
      }
      return { ...current, engines: { ...current.engines, [engine]: { told: merged, lastRound: round } } };
    });
  }

  /** Forgets what a removed notifier was told (on every engine). */
  forget(notifier: string): void {
    this.file.update((current) => {
      const engines: Record<string, EngineEntry> = {};
      for (const [engine, e] of Object.entries(current.engines)) {
        const { [notifier]: _gone, ...rest } = e.told;
        engines[engine] = { ...e, told: rest };
      }
      return { ...current, engines };
    });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const numbers = (v: unknown): Record<string, number> | undefined =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'number') ? (v as Record<string, number>) : undefined;
const texts = (v: unknown): Record<string, string> | undefined =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string') ? (v as Record<string, string>) : undefined;

function round(v: unknown): RoundRecord | null | undefined {
  if (v === null || v === undefined) return null;
  if (!isRecord(v) || typeof v.at !== 'string' || typeof v.checked !== 'number' || typeof v.updates !== 'number') return undefined;
  const notified = numbers(v.notified);
  const failed = texts(v.failed);
  if (!notified || !failed) return undefined;
  return { at: v.at, checked: v.checked, updates: v.updates, notified, failed };
}

function validate(raw: unknown): WatchFile {
  if (!isRecord(raw)) throw new TypeError('watch file must be an object');
  const engines = raw.engines ?? {};
  if (!isRecord(engines)) throw new TypeError('engines must be an object');
  const out: Record<string, EngineEntry> = {};
  let dropped = 0;
  for (const [engine, value] of Object.entries(engines)) {
    const told = isRecord(value) && isRecord(value.told) ? value.told : null;
    const last = isRecord(value) ? round(value.lastRound) : undefined;
    if (!told || last === undefined) {
      dropped++;
      continue;
    }
    const kept: Record<string, Told> = {};
    for (const [notifier, list] of Object.entries(told)) {
      const t = texts(list);
      if (t) kept[notifier] = t;
      else dropped++;
    }
    out[engine] = { told: kept, lastRound: last };
  }
  const value: WatchFile = { engines: out };
  if (dropped > 0) throw new PartlyValid(value, [`${dropped} entr${dropped === 1 ? 'y' : 'ies'} of what was told could not be read (those notices may come again)`]);
  return value;
}
