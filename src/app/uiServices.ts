// Adapts the service layer and the views to the narrow port the screens use (src/ui/services.ts). Remote and
// engine services are reached lazily, so the first frame does not wait for undici or the engine client. The
// parts live where they belong: the engines port beside this file, the update checks of a session in services/updates,
// LXC as images in services/lxc, the downloads of every engine in services/engine/everywhere and the views.
import type { LocalRepository } from '../domain/images';
import { parseLxcJobRef } from '../domain/lxc';
import { systemClock } from '../services/clock';
import type { EngineInfo } from '../services/engine/index';
import { liveEverywhere } from '../services/engine/everywhere';
import type { AppServices } from '../services/index';
import { isLxcLocalRef, localWithLxc, lxcAsImages, lxdServerOf } from '../services/lxc/images';
import { createUpdateScheduler } from '../services/updates/session';
import type { DownloadsView, UiServices } from '../ui/services';
import { cancelDownload, clearDownloads, downloadEngines, retryDownload } from '../views/downloads';
import { remoteList, tagList } from '../views/remote';
import { engineStatus, enginesPort, once, within } from './enginesPort';
import { registriesPort } from './registriesPort';

/** Answers asked for before the app was on screen (the first frame uses them). */
export interface Prefetch {
  local?: Promise<LocalRepository[]>;
  engineInfo?: Promise<EngineInfo>;
}

export async function createUiServices(
  app: AppServices,
  warnings: UiServices['warnings'],
  prefetch: Prefetch = {},
  /** Says a warning in the app's banner (as the services' own warnings are). */
  warn: (message: string) => void = () => undefined,
): Promise<UiServices & { close(): Promise<void> }> {
  // Every engine the app worked on (switching keeps the others' downloads clients until the end).
  const opened = new Set<Awaited<ReturnType<AppServices['engine']>>>();
  const prefetchedLocal = once(prefetch.local);
  const prefetchedInfo = once(prefetch.engineInfo);
  // The engine usually answers while Ink loads; wait a little for it so the first frame has the
  // local images and the status (one render instead of two or three).
  // (Not for the status: counting the disk use of many images takes the engine longer.)
  // The first frame's Local list is the whole list or nothing: the docker images prefetched and LXD's, asked
  // now (a local socket; no LXD answers [] at once). When either is late the list is asked for as on a reload.
  const engine = async () => {
    const e = await app.engine();
    opened.add(e);
    return e;
  };
  // LXC through LXD (issue 14): `lxd:NAME` depots and `lxc:` local rows are routed there.
  const lxc = lxcAsImages(() => app.lxc(), engine, () => app.lxcPresent?.() ?? true);
  const readyLocal = await within(
    prefetch.local && Promise.all([prefetch.local, lxc.local()]).then(([images, lxcImages]) => (lxcImages.length > 0 ? [...images, ...lxcImages] : images)),
    150,
  );
  const readyInfo = await within(prefetch.engineInfo, 0);
  let initialLocal = readyLocal;
  let initialInfo = readyInfo ? engineStatus(readyInfo) : undefined;
  if (readyLocal) prefetchedLocal();
  if (readyInfo) prefetchedInfo();
  const [registries, catalog] = await Promise.all([app.registries(), app.engines()]);
  let remoteLoaded: Awaited<ReturnType<AppServices['remote']>> | null = null;
  const remote = async () => (remoteLoaded ??= await app.remote());
  const updates = createUpdateScheduler({ updates: () => app.updates(), settings: async () => (await app.settings()).all(), clock: systemClock });
  // The downloads of every engine, live; the view the screens read keeps its identity until something changes.
  const everywhere = liveEverywhere(() => downloadEngines(app), systemClock);
  let view: DownloadsView = { downloads: [], engines: [], error: null };
  let seen = everywhere.getSnapshot();
  const downloadsView = (): DownloadsView => {
    const now = everywhere.getSnapshot();
    if (now !== seen) {
      seen = now;
      view = { downloads: now.downloads, engines: now.engines, error: now.error };
    }
    return view;
  };
  const stopLandings = watchLandings(everywhere, () => catalog.activeName(), (ref) => updates.landed(ref), systemClock.now());

  return {
    clock: systemClock,
    warnings,
    engines: enginesPort(
      catalog,
      () => {
        // What was prefetched and shown belongs to the engine left behind (its downloads go on in its worker).
        prefetchedLocal();
        prefetchedInfo();
        initialLocal = undefined;
        initialInfo = undefined;
        everywhere.rescan();
      },
    ),
    local: {
      initial: () => {
        const value = initialLocal;
        initialLocal = undefined;
        return value;
      },
      list: async (signal) => {
        const docker = (async () => (await prefetchedLocal()) ?? (await engine()).images.listLocal({ ...(signal ? { signal } : {}) }))();
        return localWithLxc(docker, lxc.local(signal), warn);
      },
      inspect: async (ref) => (isLxcLocalRef(ref) ? lxc.inspectLocal(ref) : (await engine()).images.inspect(ref)),
      remove: async (ref, { force }) => {
        if (isLxcLocalRef(ref)) return lxc.remove(ref);
        const r = await (await engine()).images.remove(ref, { force });
        return { untagged: r.untagged, deleted: r.deleted };
      },
      watch: (onChange) => {
        let stop: (() => void) | null = null;
        let stopped = false;
        void engine().then((e) => {
          if (!stopped) stop = e.images.watch(onChange);
        });
        const stopLxc = lxc.watch(onChange);
        return () => {
          stopped = true;
          stop?.();
          stopLxc();
        };
      },
    },
    disk: diskPort(engine),
    remote: {
      list: async (query, signal) => {
        const server = lxdServerOf(query.registry);
        if (server !== null) return lxc.list(server, query.filter, signal);
        const model = await remoteList({ remote }, { ...query, type: '', ...(signal ? { signal } : {}) });
        return { results: model.results, warnings: model.warnings, truncated: model.truncated };
      },
      tags: async (name, registry, signal, options) => {
        const server = lxdServerOf(registry);
        if (server !== null) return lxc.tags(server, name, signal);
        return tagList({ remote }, name, { ...(registry ? { registry } : {}), ...(signal ? { signal } : {}), ...(options?.versions ? { versions: true } : {}) });
      },
      inspect: async (ref, options, signal) => {
        const server = lxdServerOf(options.registry);
        if (server !== null) return lxc.inspectRemote(server, ref, options.platform);
        return (await remote()).inspect.remote(ref, { ...options, ...(signal ? { signal } : {}) });
      },
    },
    lxc: { servers: () => lxc.servers().catch(() => []) },
    downloads: {
      store: { getSnapshot: downloadsView, subscribe: (listener) => everywhere.subscribe(listener) },
      start: async (ref, options) => {
        const server = lxdServerOf(options.registry);
        const id = server !== null || isLxcLocalRef(ref) ? await lxc.pull(server ?? '', ref, options.platform) : (await (await engine()).downloads.start(ref, options)).id;
        // An engine without a worker until now is followed at once.
        everywhere.rescan();
        return id;
      },
      cancel: async (id) => {
        await cancelDownload(app, id);
      },
      retry: async (id) => {
        await retryDownload(app, id);
      },
      clear: () => clearDownloads(app),
    },
    registries: registriesPort(registries),
    repositories: {
      list: async () => (await remote()).repositories.list(),
      add: async (name, credentials) => {
        await (await remote()).repositories.add(name, credentials);
      },
      update: async (name, credentials) => {
        await (await remote()).repositories.update(name, credentials);
      },
      remove: async (name) => {
        await (await remote()).repositories.remove(name);
      },
    },
    updates: {
      store: updates.store,
      check: (options) => updates.check(options),
      landed: (ref) => updates.landed(ref),
      removeReplaced: (oldId, newId) => updates.removeReplaced(oldId, newId),
      previous: (repos) => updates.previous(repos),
      keepPrevious: (ref) => updates.keepPrevious(ref),
      rollback: (ref) => updates.rollback(ref),
      describe: (ref, signal) => updates.describe(ref, signal),
    },
    status: {
      engine: async () => engineStatus((await prefetchedInfo()) ?? (await (await engine()).info({ diskUsage: true }))),
      initialEngine: () => {
        const value = initialInfo;
        initialInfo = undefined;
        return value;
      },
      hubRateLimit: () => remoteLoaded?.hubRateLimit() ?? updates.hubRateLimit(),
    },
    async close() {
      stopLandings();
      for (const e of opened) e.downloads.close();
      await remoteLoaded?.close();
      await updates.close();
    },
  };
}

/**
 * The disk figures of the active engine. The status line's summary counts every image (the first time, the
 * chains and histories of all of them): it waits until the first sizes the Local list asked for are in (the
 * rows on screen come first), at most a few seconds.
 */
function diskPort(engine: () => Promise<Awaited<ReturnType<AppServices['engine']>>>): NonNullable<UiServices['disk']> {
  let firstSizes: Promise<unknown> | null = null;
  // The engine's images of a listing, the same array for the same listing: the disk service keeps what it worked
  // out per listing (by identity), so asking about more rows of it costs only what is new.
  const engineOnly = new WeakMap<readonly LocalRepository[], readonly LocalRepository[]>();
  const docker = (repos: readonly LocalRepository[]): readonly LocalRepository[] => {
    if (!repos.some((r) => r.type === 'lxc')) return repos;
    let kept = engineOnly.get(repos);
    if (!kept) engineOnly.set(repos, (kept = repos.filter((r) => r.type !== 'lxc')));
    return kept;
  };
  return {
    sizes: async (repos, ids, signal) => {
      const asked = (async () => (await engine()).disk.sizes({ repos: docker(repos), ids, ...(signal ? { signal } : {}) }))();
      firstSizes ??= asked.catch(() => undefined);
      return asked;
    },
    plan: async (repos, ids, signal) => (await engine()).disk.plan(ids, { repos: docker(repos), ...(signal ? { signal } : {}) }),
    remove: async (repos, ids) => (await engine()).disk.remove(ids, { repos: docker(repos) }),
    prunePlan: async (all, signal) => (await engine()).disk.prunePlan({ all, ...(signal ? { signal } : {}) }),
    prune: async (all) => (await engine()).images.prune({ all }),
    summary: async (signal) => {
      await Promise.race([firstSizes ?? Promise.resolve(), new Promise((r) => setTimeout(r, 3000).unref())]);
      return (await engine()).disk.summary(signal ? { signal } : {});
    },
  };
}

/**
 * Images that land on the active engine while the app runs (a download of it completes, here or in another
 * session): `landed` gets each one's reference once. A download first seen complete counts when it finished
 * after `since` (it ended between two looks).
 */
function watchLandings(
  store: { getSnapshot(): { downloads: Array<{ id: string; engine: string; ref: string; status: string; finishedAt: string | null }> }; subscribe(listener: () => void): () => void },
  active: () => string,
  landed: (ref: string) => void,
  since: number,
): () => void {
  const last = new Map<string, string>();
  return store.subscribe(() => {
    for (const d of store.getSnapshot().downloads) {
      const key = `${d.engine}/${d.id}`;
      const before = last.get(key);
      last.set(key, d.status);
      if (d.status !== 'complete' || before === 'complete' || d.engine !== active() || parseLxcJobRef(d.ref) !== null) continue;
      if (before === undefined && !(d.finishedAt && Date.parse(d.finishedAt) >= since)) continue;
      landed(d.ref);
    }
  });
}
