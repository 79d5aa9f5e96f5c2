// Update checks that keep themselves current while the app is open (DESIGN.md "Updates"): the cached results
// at once, then a round in the background; an image that lands during the session (a pull, an update) is
// checked when it lands; a new round runs when `updates.ttl` has passed since the last one. The view is
// published as results come (at most every 200 ms) and once at the end of a round. Clock injected.
import type { TimerClock } from '../../domain/clock';
import { normalizeReference, fullName } from '../../domain/reference';
import { parseDuration, type Settings } from '../../domain/settings';
import type { UpdateMark, UpdateResult, UpdatesSnapshot } from '../../domain/updates';
import type { RateLimit } from '../../clients/registry/index';
import type { UpdateNotice } from '../../domain/notice';
import type { LocalRepository } from '../../domain/images';
import type { PreviousImage, RollbackResult } from './previous';
import type { UpdateServices } from './index';

export interface SchedulerDeps {
  updates: () => Promise<UpdateServices>;
  settings: () => Promise<Settings> | Settings;
  clock: TimerClock;
}

export interface UpdateScheduler {
  store: { getSnapshot(): UpdatesSnapshot; subscribe(listener: () => void): () => void };
  /** Starts a round (a running one is left to finish, then this one runs); `refresh` asks every registry again. */
  check(options: { refresh: boolean }): void;
  /** An image landed under `ref` (a pull or an update completed): its tag is asked again at once. */
  landed(ref: string): void;
  removeReplaced(oldId: string, newId: string): Promise<{ removed: string[]; kept: string | null }>;
  /** The image each local tag's last update replaced, kept for a rollback (by `fullName:tag`). */
  previous(repos?: LocalRepository[]): Promise<Map<string, PreviousImage>>;
  /**
   * Before the app pulls a tag again: the image it points at now is kept (as `image update` does); says until
   * when (ISO), or null when `updates.keep_previous` is 0 (nothing is kept).
   */
  keepPrevious(ref: string): Promise<{ id: string; keptUntil: string } | null>;
  /** Points the tag back at its kept image (`image rollback`); the tag is checked again afterwards. */
  rollback(ref: string): Promise<RollbackResult>;
  /** The versions the update of `ref` moves between, from its last check (null when it has no update). */
  describe(ref: string, signal?: AbortSignal): Promise<UpdateNotice | null>;
  hubRateLimit(): RateLimit | null;
  close(): Promise<void>;
}

/** Marks reach the screen at most this often while a round runs. */
const PUBLISH_MS = 200;

const markOf = (r: UpdateResult): UpdateMark => ({ status: r.status, newerTags: r.newerTags, id: r.id, checkedAt: r.checkedAt });
const keyOf = (r: Pick<UpdateResult, 'fullName' | 'tag'>): string => `${r.fullName}:${r.tag}`;

export function createUpdateScheduler(deps: SchedulerDeps): UpdateScheduler {
  let view: UpdatesSnapshot = { marks: new Map(), checking: false, count: 0, error: null, checkedAt: null };
  const listeners = new Set<() => void>();
  let loaded: UpdateServices | null = null;
  // One service for the session, however many callers ask at once (a round and the kept images at the first
  // frame): the promise is shared, so no second one is made (and left open).
  let loading: Promise<UpdateServices> | null = null;
  const updates = (): Promise<UpdateServices> =>
    (loading ??= deps.updates().then(
      (service) => (loaded = service),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  let running: Promise<void> | null = null;
  /** What to do when the running round ends: a full round (refresh or not), and tags that landed. */
  let again: boolean | null = null;
  const landedTags = new Map<string, { fullName: string; tag: string }>();
  let timer: unknown = null;
  const stop = new AbortController();

  const publish = (marks: Map<string, UpdateMark>, checking: boolean, error: string | null, checkedAt = view.checkedAt ?? null): void => {
    let count = 0;
    for (const m of marks.values()) if (m.status === 'update_available') count++;
    view = { marks, checking, count, error, checkedAt };
    for (const l of listeners) l();
  };

  /** The next round when `updates.ttl` has passed (none when the ttl is 0). */
  const scheduleNext = async (): Promise<void> => {
    if (timer !== null) deps.clock.clearTimeout(timer);
    timer = null;
    if (stop.signal.aborted) return;
    let ttl = 0;
    try {
      ttl = parseDuration((await deps.settings())['updates.ttl']);
    } catch {
      return;
    }
    if (ttl > 0 && !stop.signal.aborted) timer = deps.clock.setTimeout(() => check(false), ttl);
  };

  const round = async (refresh: boolean): Promise<void> => {
    const service = await updates();
    const marks = new Map<string, UpdateMark>(view.marks);
    for (const [key, r] of await service.cached()) marks.set(key, markOf(r));
    publish(new Map(marks), true, null, latest(marks, view.checkedAt ?? null));
    let last = 0;
    const result = await service.check({
      refresh,
      signal: stop.signal,
      onResult: (r) => {
        marks.set(keyOf(r), markOf(r));
        const now = deps.clock.now();
        if (now - last > PUBLISH_MS) {
          last = now;
          publish(new Map(marks), true, null);
        }
      },
    });
    const done = new Map(result.results.map((r) => [keyOf(r), markOf(r)]));
    publish(done, false, null, new Date(deps.clock.now()).toISOString());
    void scheduleNext();
  };

  /** The tags that landed, each asked again (refresh: the cache holds the image it replaced). */
  const checkLanded = async (): Promise<void> => {
    const service = await updates();
    const tags = [...landedTags.values()];
    landedTags.clear();
    publish(view.marks as Map<string, UpdateMark>, true, null);
    for (const only of tags) {
      const result = await service.check({ only, refresh: true, signal: stop.signal });
      const marks = new Map(view.marks);
      for (const r of result.results) marks.set(keyOf(r), markOf(r));
      publish(marks, true, null);
    }
    publish(view.marks as Map<string, UpdateMark>, false, null);
  };

  const run = (work: () => Promise<void>): void => {
    running = work()
      .catch((error: unknown) => publish(view.marks as Map<string, UpdateMark>, false, error instanceof Error ? error.message : String(error)))
      .finally(() => {
        running = null;
        if (stop.signal.aborted) return;
        if (again !== null) {
          const refresh = again;
          again = null;
          check(refresh);
        } else if (landedTags.size > 0) run(checkLanded);
      });
  };

  const check = (refresh: boolean): void => {
    if (stop.signal.aborted) return;
    if (running) {
      again = (again ?? false) || refresh;
      return;
    }
    run(() => round(refresh));
  };

  const landed = (ref: string): void => {
    let target: { fullName: string; tag: string };
    try {
      const parsed = normalizeReference(ref);
      if (parsed.digest) return; // pulled by digest: pinned, nothing to check
      target = { fullName: fullName(parsed), tag: parsed.tag ?? 'latest' };
    } catch {
      return;
    }
    landedTags.set(`${target.fullName}:${target.tag}`, target);
    if (!running && !stop.signal.aborted) run(checkLanded);
  };

  return {
    store: {
      getSnapshot: () => view,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    check: ({ refresh }) => check(refresh),
    landed,
    removeReplaced: async (oldId, newId) => (await updates()).removeReplaced(oldId, newId),
    previous: async (repos) => (await updates()).previous(repos),
    keepPrevious: async (ref) => {
      const service = await updates();
      const target = await service.localTarget(ref);
      await service.keepPrevious(target);
      const ms = parseDuration((await deps.settings())['updates.keep_previous'], 'updates.keep_previous');
      return ms > 0 ? { id: target.id, keptUntil: new Date(deps.clock.now() + ms).toISOString() } : null;
    },
    rollback: async (ref) => {
      const result = await (await updates()).rollback(ref);
      // The tag names another image now: its mark is asked again.
      landed(result.ref);
      return result;
    },
    describe: async (ref, signal) => {
      const service = await updates();
      const target = await service.localTarget(ref);
      const result = (await service.cached()).get(`${target.fullName}:${target.tag}`);
      if (!result || result.status !== 'update_available' || result.id !== target.id) return null;
      const [notice] = await service.describe([result], signal ? { signal } : {});
      return notice ?? null;
    },
    hubRateLimit: () => loaded?.hubRateLimit() ?? null,
    close: async () => {
      stop.abort();
      if (timer !== null) deps.clock.clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
      await loading?.catch(() => undefined);
      await loaded?.close();
    },
  };
}

/** The newest check time among marks (the cache's age), or `fallback`. */
function latest(marks: ReadonlyMap<string, UpdateMark>, fallback: string | null): string | null {
  let newest = fallback;
  for (const m of marks.values()) if (m.checkedAt && (newest === null || m.checkedAt > newest)) newest = m.checkedAt;
  return newest;
}
