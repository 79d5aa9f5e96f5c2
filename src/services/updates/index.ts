// The update service (DESIGN.md "Updates"): checks every local tag against its registry (check.ts),
// keeps the results per engine with the time checked (updates.json; `updates.ttl` says how long they stay
// fresh, `refresh` ignores them), and updates one tag: a pull of the same tag through the download worker,
// then, when asked, the replaced image removed if nothing else holds it.
// The registry side (undici) loads only when a check really asks a registry.
// Issue 22 adds: the versions of an update (versions.ts), the image an update replaced (previous.ts: kept,
// protected from --remove-old and prune, rolled back to), and `watch` (watch.ts) on top of `check`.
import { AppError, Conflict, InvalidInput, NotFound } from '../../domain/errors';
import type { Clock } from '../../domain/clock';
import type { LocalRepository } from '../../domain/images';
import { DOCKER_HUB_DOMAIN, fullName as fullNameOf, normalizeReference } from '../../domain/reference';
import { sanitizeLine } from '../../domain/sanitize';
import { parseDuration, type Settings } from '../../domain/settings';
import type { RateLimit } from '../../clients/registry/index';
import type { UpdateNotice } from '../../domain/notice';
import type { UpdateResult } from '../../domain/updates';
import type { EngineServices } from '../engine/index';
import type { RemoteDeps } from '../remote/index';
import type { RequestCounts } from './check';
import { createPreviousServices, type PreviousImage, type PreviousStoreLike, type RollbackResult } from './previous';

export type { PreviousImage, RollbackResult, UpdateNotice, UpdateResult };

export interface UpdatesStoreLike {
  read(engine: string): Map<string, UpdateResult>;
  save(engine: string, results: UpdateResult[]): void;
  pendingRemoval(engine: string, key: string): string | null;
  setPendingRemoval(engine: string, key: string, oldId: string | null): void;
}

export interface UpdateDeps {
  /** What the registry side is built from (the same deps as the remote services). */
  remoteDeps: () => Promise<RemoteDeps>;
  engine: () => Promise<Pick<EngineServices, 'host' | 'images' | 'enginePlatform'>>;
  store: () => Promise<UpdatesStoreLike>;
  /** previous.json: the images updates replaced. */
  previousStore: () => Promise<PreviousStoreLike>;
  settings: () => Settings | Promise<Settings>;
  clock: Clock;
}

export interface CheckOptions {
  /** Only tags whose `name:tag` (or repository) contains this text. */
  filter?: string;
  /** Ask every registry again, whatever the cache says. */
  refresh?: boolean;
  /** Only this local tag (full repository name and tag). */
  only?: { fullName: string; tag: string };
  signal?: AbortSignal;
  onResult?: (result: UpdateResult) => void;
}

export interface CheckRound {
  results: UpdateResult[];
  notes: string[];
  requests: RequestCounts;
  hubRateLimit: RateLimit | null;
}

export interface LocalTarget {
  /** The local tag as typed, normalised: `docker.io/library/redis:7`. */
  ref: string;
  name: string;
  fullName: string;
  tag: string;
  id: string;
  inUse: boolean;
}

export interface UpdateServices {
  /** One round over the local tags (cached results reused while fresh). */
  check(options?: CheckOptions): Promise<CheckRound>;
  /** The cached results of this engine (no request), by `fullName:tag`. */
  cached(): Promise<Map<string, UpdateResult>>;
  /** The local tag a REF names, or 404 / 400 (a REF by digest is pinned: nothing to update). */
  localTarget(ref: string): Promise<LocalTarget>;
  /**
   * Removes the image an update replaced, when nothing else holds it: returns what was removed, or why it
   * was kept (still tagged, or the containers that use it).
   */
  removeReplaced(oldId: string, newId: string): Promise<{ removed: string[]; kept: string | null }>;
  /**
   * `image update --remove-old` remembers the image it replaces before its pull starts, and forgets it once
   * removed, so a run killed after the pull started (the worker finishes the pull) leaves a removal that the
   * next run of it finishes (`finishRemoval`) instead of saying "already up to date" with the old image kept.
   */
  owesRemoval(target: LocalTarget, oldId: string | null): Promise<void>;
  /**
   * The removal an earlier, interrupted `--remove-old` update of this tag owes: done now when the tag has
   * moved on (the pull finished); null when none is owed or the pull never finished (the tag still names it).
   */
  finishRemoval(target: LocalTarget): Promise<{ oldId: string; removed: string[]; kept: string | null } | null>;
  /** Docker Hub's pull limit as the last HEAD answers said. */
  hubRateLimit(): RateLimit | null;
  /** The engine the results belong to (the key of the caches). */
  engineKey(): Promise<string>;
  /** The notices for these `update_available` results, with the versions they move between (asks registries). */
  describe(results: readonly UpdateResult[], options?: { signal?: AbortSignal }): Promise<UpdateNotice[]>;
  /** Records the image `target` points at as the one to roll back to: call before an update pulls. */
  keepPrevious(target: LocalTarget): Promise<void>;
  /** The kept image of each local tag that has one (by `fullName:tag`). */
  previous(repos?: LocalRepository[]): Promise<Map<string, PreviousImage>>;
  /** The image IDs kept for a rollback now: prune (and --remove-old) must leave them. */
  keptImageIds(): Promise<ReadonlySet<string>>;
  /** Points REF's tag back at the image its last update replaced. */
  rollback(ref: string): Promise<RollbackResult>;
  close(): Promise<void>;
}

export function createUpdateServices(deps: UpdateDeps): UpdateServices {
  let registry: Promise<{ access: import('./versions').VersionAccess; close: () => Promise<void> }> | undefined;
  let lastHub: RateLimit | null = null;
  const access = () =>
    (registry ??= (async () => {
      const [{ Connections }, remoteDeps] = await Promise.all([import('../remote/connections'), deps.remoteDeps()]);
      const connections = new Connections(remoteDeps);
      return {
        access: { client: (host: string) => connections.v2(host), isHub: (host: string) => connections.isHub(host), hub: () => connections.hub() },
        close: () => connections.close(),
      };
    })());

  const listLocal = async (filter?: string): Promise<LocalRepository[]> => (await deps.engine()).images.listLocal(filter ? { filter } : {});

  const engineKey = async (): Promise<string> => (await deps.engine()).host();
  const previous = createPreviousServices({ engine: deps.engine, store: deps.previousStore, settings: deps.settings, clock: deps.clock });

  const platform = async (settings: Settings): Promise<string> => {
    if (settings.platform) return settings.platform;
    return (await (await deps.engine()).enginePlatform().catch(() => null)) ?? 'linux/amd64';
  };

  const removeReplaced = async (oldId: string, newId: string): Promise<{ removed: string[]; kept: string | null }> => {
    if (!oldId || oldId === newId) return { removed: [], kept: null };
    const engine = await deps.engine();
    // Kept for a rollback (updates.keep_previous): not removed before its time.
    const kept = [...(await previous.list()).values()].find((p) => p.id === oldId);
    if (kept) return { removed: [], kept: `kept for \`stevedore image rollback\` until ${kept.keptUntil.slice(0, 16).replace('T', ' ')} UTC (updates.keep_previous)` };
    // Still tagged under another name: it is not only the replaced image, keep it.
    const tags = (await listLocal()).flatMap((r) => r.images.filter((i) => i.id === oldId && i.tag !== '<none>').map((i) => `${r.name}:${i.tag}`));
    if (tags.length > 0) return { removed: [], kept: `the old image is still tagged as ${tags.join(', ')}` };
    try {
      const result = await engine.images.remove(oldId);
      return { removed: [...result.deleted, ...result.untagged], kept: null };
    } catch (error) {
      if (error instanceof NotFound) return { removed: [], kept: null };
      if (error instanceof Conflict) return { removed: [], kept: error.message };
      if (error instanceof AppError) return { removed: [], kept: error.message };
      throw error;
    }
  };

  return {
    async check(options = {}) {
      const [settings, repos, key, store] = await Promise.all([deps.settings(), listLocal(options.filter), engineKey(), deps.store()]);
      const { runRound, targetsOf } = await import('./check');
      let targets = targetsOf(repos);
      if (options.only) targets = targets.filter((t) => t.repo.fullName === options.only?.fullName && t.image.tag === options.only.tag);
      const previous = store.read(key);
      const ttl = parseDuration(settings['updates.ttl']);
      const now = () => deps.clock.now();
      const reuse = (p: UpdateResult): boolean =>
        !options.refresh && p.status !== 'unknown' && ttl > 0 && now() - Date.parse(p.checkedAt) < ttl && now() >= Date.parse(p.checkedAt);
      // The registry side is loaded only when some tag needs asking.
      const needsRegistry = targets.some((t) => {
        const p = previous.get(`${t.repo.fullName}:${t.image.tag}`);
        return !(p && p.id === t.image.id && reuse(p));
      });
      const lazyAccess = needsRegistry ? (await access()).access : { client: () => { throw new Error('no registry needed'); }, isHub: () => false };
      const round = await runRound(targets, lazyAccess, {
        platform: await platform(settings),
        concurrency: settings['updates.concurrency'],
        now,
        previous,
        reuse,
        signal: options.signal,
        ...(options.onResult ? { onResult: options.onResult } : {}),
      });
      store.save(key, round.fresh);
      if (round.hubRateLimit) lastHub = round.hubRateLimit;
      return { results: round.results, notes: round.notes, requests: round.requests, hubRateLimit: round.hubRateLimit };
    },

    async cached() {
      const [key, store] = await Promise.all([engineKey(), deps.store()]);
      return store.read(key);
    },

    async describe(results, options = {}) {
      if (results.length === 0) return [];
      const { describeUpdates } = await import('./versions');
      const engine = await deps.engine();
      return describeUpdates(results, { access: async () => (await access()).access, inspect: (id) => engine.images.inspect(id), signal: options.signal });
    },

    engineKey,
    keepPrevious: (target) => previous.keep(target),
    previous: (repos) => previous.list(repos),
    keptImageIds: () => previous.keptImageIds(),
    async rollback(ref) {
      const target = await this.localTarget(ref);
      return previous.rollback(target);
    },

    async localTarget(text) {
      const input = text.trim();
      if (!input) throw new InvalidInput('give an image reference, e.g. redis:7');
      const ref = normalizeReference(input);
      if (ref.digest) throw new InvalidInput(`${sanitizeLine(input)} is pinned to a digest: there is nothing to update`, { hint: 'give the tag instead, e.g. NAME:TAG' });
      const tag = ref.tag ?? 'latest';
      const full = fullNameOf(ref);
      const repos = await listLocal();
      const repo = repos.find((r) => r.fullName === full);
      const image = repo?.images.find((i) => i.tag === tag);
      if (!repo || !image) throw new NotFound(`Image not found: ${sanitizeLine(input)} (not on this engine)`, { hint: 'pull it first with `stevedore image pull`' });
      const familiar = ref.domain === DOCKER_HUB_DOMAIN ? `${repo.name}:${tag}` : `${full}:${tag}`;
      return { ref: familiar, name: repo.name, fullName: full, tag, id: image.id, inUse: image.inUse };
    },

    removeReplaced,

    async owesRemoval(target, oldId) {
      const [key, store] = await Promise.all([engineKey(), deps.store()]);
      store.setPendingRemoval(key, `${target.fullName}:${target.tag}`, oldId);
    },

    async finishRemoval(target) {
      const [key, store] = await Promise.all([engineKey(), deps.store()]);
      const tagKey = `${target.fullName}:${target.tag}`;
      const oldId = store.pendingRemoval(key, tagKey);
      if (oldId === null || oldId === target.id) return null;
      const result = await removeReplaced(oldId, target.id);
      store.setPendingRemoval(key, tagKey, null);
      return { oldId, ...result };
    },

    hubRateLimit: () => lastHub,

    async close() {
      if (registry) await (await registry).close();
    },
  };
}
