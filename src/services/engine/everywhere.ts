// The downloads of every engine (DESIGN.md "Downloads"): one worker runs per engine endpoint, so the lists
// of `image downloads`, serve and the app's Downloads screen gather them from each engine that has a worker
// or a downloads history (asked without connecting: a look at its files), the active one always. Engines
// that share an endpoint share a worker, listed once under the first name (the active engine's first).
// The live view follows each of those engines' workers and hands out one list tagged with the engine names.
import type { TimerClock } from '../../domain/clock';
import type { DownloadSnapshot } from '../../domain/images';
import type { EngineCatalog } from './catalog';
import type { EngineServices } from './index';

export interface NamedEngine {
  name: string;
  engine: EngineServices;
}

/** Every engine with downloads to show, once per endpoint, the active one first. */
export async function downloadEngines(catalog: Pick<EngineCatalog, 'activeName' | 'list'>, engineFor: (name: string) => Promise<EngineServices>): Promise<NamedEngine[]> {
  const active = catalog.activeName();
  const names = [active, ...catalog.list().map((e) => e.name).filter((n) => n !== active)];
  const seen = new Set<string>();
  const out: NamedEngine[] = [];
  for (const name of names) {
    const engine = await engineFor(name);
    const key = engine.downloads.key();
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    if (name === active || engine.downloads.known()) out.push({ name, engine });
  }
  return out;
}

/** A download with the engine it runs on. */
export type EngineDownload = DownloadSnapshot & { engine: string };

export interface EverySnapshot {
  downloads: EngineDownload[];
  /** Engines with downloads in the list, in the catalog's order. */
  engines: string[];
  error: string | null;
}

export interface LiveEverywhere {
  getSnapshot(): EverySnapshot;
  /** Follows every engine's worker while someone listens (one subscription per engine, started lazily). */
  subscribe(listener: () => void): () => void;
  /** Looks for engines again at once (a download was just started on one that had none). */
  rescan(): void;
}

/** How often the engines are looked at again for a worker or history that appeared (another shell). */
const RESCAN_MS = 3_000;

export function liveEverywhere(engines: () => Promise<NamedEngine[]>, clock: TimerClock, rescanMs = RESCAN_MS): LiveEverywhere {
  let snapshot: EverySnapshot = { downloads: [], engines: [], error: null };
  const listeners = new Set<() => void>();
  /** Per engine (by name, in order): its last list and how to stop following it. */
  const followed = new Map<string, { list: DownloadSnapshot[]; stop: () => void }>();
  let order: string[] = [];
  let timer: unknown = null;
  let scanning = false;

  const rebuild = (): void => {
    const downloads: EngineDownload[] = [];
    const names: string[] = [];
    for (const name of order) {
      const list = followed.get(name)?.list ?? [];
      if (list.length > 0) names.push(name);
      for (const d of list) downloads.push({ ...d, engine: name });
    }
    snapshot = { downloads, engines: names, error: null };
    for (const l of listeners) l();
  };

  const scan = async (): Promise<void> => {
    if (scanning || listeners.size === 0) return;
    scanning = true;
    try {
      const found = await engines().catch(() => [] as NamedEngine[]);
      if (listeners.size === 0) return;
      order = found.map((e) => e.name);
      for (const { name, engine } of found) {
        if (followed.has(name)) continue;
        const entry: { list: DownloadSnapshot[]; stop: () => void } = { list: [], stop: () => undefined };
        followed.set(name, entry);
        entry.stop = engine.downloads.subscribe((all) => {
          entry.list = all;
          rebuild();
        });
      }
      for (const [name, entry] of followed) {
        if (order.includes(name)) continue;
        entry.stop();
        followed.delete(name);
      }
      rebuild();
    } finally {
      scanning = false;
      if (listeners.size > 0) {
        if (timer !== null) clock.clearTimeout(timer);
        timer = clock.setTimeout(() => void scan(), rescanMs);
      }
    }
  };

  const stopAll = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    for (const entry of followed.values()) entry.stop();
    followed.clear();
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) void scan();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopAll();
      };
    },
    rescan: () => void scan(),
  };
}
