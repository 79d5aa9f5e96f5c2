// Adapts the service layer to the narrow port the screens use (src/ui/services.ts). Remote and
// engine services are reached lazily, so the first frame does not wait for undici or dockerode.
import type { DownloadSnapshot, LocalRepository } from '../domain/images';
import { Conflict } from '../domain/errors';
import type { EngineInfo } from '../services/engine/index';
import { systemClock } from '../services/clock';
import type { Clock } from '../domain/clock';
import type { AppServices } from '../services/index';
import type { EngineStatus as EngineAnswer, EngineEntry } from '../domain/engines';
import type { DownloadsView, EngineRow, EngineStatus, RateLimitView, UiServices, UpdateMark, UpdatesView } from '../ui/services';
import { isLxcLocalRef, lxcAsImages, lxdServerOf } from '../services/lxc/images';
import { remoteList, tagList } from '../views/remote';

/** A snapshot store over `subscribe`: started with the first screen that reads it, identical lists dropped. */
function downloadsStore(subscribe: (listener: (all: DownloadSnapshot[]) => void) => () => void) {
  let view: DownloadsView = { downloads: [], error: null };
  let last = '';
  const listeners = new Set<() => void>();
  let stop: (() => void) | null = null;
  return {
    getSnapshot: () => view,
    /** Forgets what was shown (another engine's downloads come next). */
    reset() {
      view = { downloads: [], error: null };
      last = '';
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      stop ??= subscribe((all) => {
        const text = JSON.stringify(all);
        if (text === last) return;
        last = text;
        view = { downloads: all, error: null };
        for (const l of listeners) l();
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          stop?.();
          stop = null;
        }
      };
    },
  };
}

const REGISTRIES_POLL_MS = 2_000;

function registriesSignature(list: readonly { name: string; url: string; version?: string }[]): string {
  return JSON.stringify(list.map((r) => [r.name, r.url, r.version ?? '']));
}

/**
 * Update checks for the app (issue 12): the cached results at once, then a round in the background; the
 * view is published as results come (at most every 200 ms) and once at the end.
 */
function updatesPort(app: AppServices, clock: Clock): NonNullable<UiServices['updates']> & { hubRateLimit(): RateLimitView | null; close(): Promise<void> } {
  let view: UpdatesView = { marks: new Map(), checking: false, count: 0, error: null };
  const listeners = new Set<() => void>();
  let loaded: Awaited<ReturnType<AppServices['updates']>> | null = null;
  let running: Promise<void> | null = null;
  let again: boolean | null = null;
  const stop = new AbortController();
  const publish = (marks: Map<string, UpdateMark>, checking: boolean, error: string | null): void => {
    let count = 0;
    for (const m of marks.values()) if (m.status === 'update_available') count++;
    view = { marks, checking, count, error };
    for (const l of listeners) l();
  };
  const round = async (refresh: boolean): Promise<void> => {
    const updates = (loaded ??= await app.updates());
    const marks = new Map<string, UpdateMark>(view.marks);
    for (const [key, r] of await updates.cached()) marks.set(key, { status: r.status, newerTags: r.newerTags, id: r.id });
    publish(new Map(marks), true, null);
    let last = 0;
    const round = await updates.check({
      refresh,
      signal: stop.signal,
      onResult: (r) => {
        marks.set(`${r.fullName}:${r.tag}`, { status: r.status, newerTags: r.newerTags, id: r.id });
        // Marks reach the screen at most five times a second while a round runs.
        const now = clock.now();
        if (now - last > 200) {
          last = now;
          publish(new Map(marks), true, null);
        }
      },
    });
    publish(new Map(round.results.map((r) => [`${r.fullName}:${r.tag}`, { status: r.status, newerTags: r.newerTags, id: r.id }])), false, null);
  };
  const check = (refresh: boolean): void => {
    if (stop.signal.aborted) return;
    if (running) {
      again = (again ?? false) || refresh;
      return;
    }
    running = round(refresh)
      .catch((error: unknown) => publish(view.marks as Map<string, UpdateMark>, false, error instanceof Error ? error.message : String(error)))
      .finally(() => {
        running = null;
        if (again !== null) {
          const r = again;
          again = null;
          check(r);
        }
      });
  };
  return {
    store: {
      getSnapshot: () => view,
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    check: ({ refresh }) => check(refresh),
    removeReplaced: async (oldId, newId) => (loaded ??= await app.updates()).removeReplaced(oldId, newId),
    hubRateLimit: () => loaded?.hubRateLimit() ?? null,
    close: async () => {
      stop.abort();
      await running?.catch(() => undefined);
      await loaded?.close();
    },
  };
}

/** Answers asked for before the app was on screen (the first frame uses them). */
export interface Prefetch {
  local?: Promise<LocalRepository[]>;
  engineInfo?: Promise<EngineInfo>;
}

/** Hands out a prefetched answer once, then asks again. */
function once<T>(value: Promise<T> | undefined): () => Promise<T> | undefined {
  let left = value;
  return () => {
    const v = left;
    left = undefined;
    return v;
  };
}

/** What a promise settled with within `ms` (undefined when it has not, or failed). */
function within<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!promise) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      () => (clearTimeout(timer), resolve(undefined)),
    );
  });
}

function engineRow(e: EngineEntry | EngineAnswer): EngineRow {
  const answered = 'reachable' in e;
  return {
    name: e.name,
    host: e.host,
    source: e.source,
    active: e.active,
    reachable: answered ? e.reachable : null,
    version: answered ? e.version : null,
    error: answered ? e.error : null,
    saved: e.saved ? { tlsVerify: e.saved.tlsVerify, certPath: e.saved.certPath, dockerPath: e.saved.dockerPath } : null,
  };
}

function engineStatus(info: EngineInfo): EngineStatus {
  return { host: info.host, reachable: info.reachable, error: info.error?.message ?? null, platform: info.platform, imagesSize: info.imagesSize };
}

export async function createUiServices(app: AppServices, warnings: UiServices['warnings'], prefetch: Prefetch = {}): Promise<UiServices & { close(): Promise<void> }> {
  const prefetchedLocal = once(prefetch.local);
  const prefetchedInfo = once(prefetch.engineInfo);
  // The engine usually answers while Ink loads; wait a little for it so the first frame has the
  // local images and the status (one render instead of two or three).
  // (Not for the status: counting the disk use of many images takes the engine longer.)
  const readyLocal = await within(prefetch.local, 150);
  const readyInfo = await within(prefetch.engineInfo, 0);
  let initialLocal = readyLocal;
  let initialInfo = readyInfo ? engineStatus(readyInfo) : undefined;
  if (readyLocal) prefetchedLocal();
  if (readyInfo) prefetchedInfo();
  const [registries, catalog] = await Promise.all([app.registries(), app.engines()]);
  const engineListeners = new Set<() => void>();
  let remoteLoaded: Awaited<ReturnType<AppServices['remote']>> | null = null;
  const remote = async () => (remoteLoaded ??= await app.remote());
  // Every engine the app worked on (switching keeps the others' downloads clients until the end).
  const opened = new Set<Awaited<ReturnType<AppServices['engine']>>>();
  const engine = async () => {
    const e = await app.engine();
    opened.add(e);
    return e;
  };
  // LXC through LXD (issue 14): `lxd:NAME` depots and `lxc:` local rows are routed there.
  const lxc = lxcAsImages(() => app.lxc(), engine);
  let unsubscribeDownloads: (() => void) | null = null;
  const updates = updatesPort(app, systemClock);
  const store = downloadsStore((listener) => {
    let stopped = false;
    void engine().then((e) => {
      if (!stopped) unsubscribeDownloads = e.downloads.subscribe(listener);
    });
    return () => {
      stopped = true;
      unsubscribeDownloads?.();
      unsubscribeDownloads = null;
    };
  });

  return {
    clock: systemClock,
    warnings,
    engines: {
      active: () => catalog.activeName(),
      list: async () => catalog.list().map(engineRow),
      check: async () => (await catalog.check()).map(engineRow),
      switchTo: async (name) => {
        if (name === catalog.activeName()) return;
        catalog.select(name);
        // What was prefetched and shown belongs to the engine left behind (its downloads go on in its worker).
        prefetchedLocal();
        prefetchedInfo();
        initialLocal = undefined;
        initialInfo = undefined;
        store.reset();
        for (const listener of engineListeners) listener();
      },
      save: async (original, input) => {
        const fields = {
          name: input.name,
          host: input.host,
          tlsVerify: input.tlsVerify,
          certPath: input.certPath.trim() || null,
          dockerPath: input.dockerPath.trim() || null,
        };
        if (original) catalog.edit(original, fields);
        else catalog.add(fields);
      },
      remove: async (name) => {
        if (name === catalog.activeName()) throw new Conflict(`"${name}" is the engine in use`, { hint: 'switch to another engine first' });
        catalog.remove(name);
      },
      subscribe: (listener) => {
        engineListeners.add(listener);
        return () => engineListeners.delete(listener);
      },
    },
    local: {
      initial: () => {
        const value = initialLocal;
        initialLocal = undefined;
        return value;
      },
      list: async (signal) => {
        const docker = (await prefetchedLocal()) ?? (await engine()).images.listLocal({ ...(signal ? { signal } : {}) });
        const [images, lxcImages] = await Promise.all([docker, lxc.local(signal).catch(() => [])]);
        return lxcImages.length > 0 ? [...images, ...lxcImages] : images;
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
    remote: {
      list: async (query, signal) => {
        const server = lxdServerOf(query.registry);
        if (server !== null) return lxc.list(server, query.filter, signal);
        const model = await remoteList({ remote }, { ...query, type: '', ...(signal ? { signal } : {}) });
        return { results: model.results, warnings: model.warnings, truncated: model.truncated };
      },
      tags: async (name, registry, signal) => {
        const server = lxdServerOf(registry);
        if (server !== null) return lxc.tags(server, name, signal);
        return tagList({ remote }, name, { ...(registry ? { registry } : {}), ...(signal ? { signal } : {}) });
      },
      inspect: async (ref, options, signal) => {
        const server = lxdServerOf(options.registry);
        if (server !== null) return lxc.inspectRemote(server, ref, options.platform);
        return (await remote()).inspect.remote(ref, { ...options, ...(signal ? { signal } : {}) });
      },
    },
    lxc: { servers: () => lxc.servers().catch(() => []) },
    downloads: {
      store,
      start: async (ref, options) => {
        const server = lxdServerOf(options.registry);
        if (server !== null || isLxcLocalRef(ref)) return lxc.pull(server ?? '', ref, options.platform);
        await (await engine()).downloads.start(ref, options);
      },
      cancel: async (id) => {
        await (await engine()).downloads.cancel(id);
      },
      retry: async (id) => {
        await (await engine()).downloads.retry(id);
      },
      clear: async () => (await engine()).downloads.clear(),
    },
    registries: {
      list: () => registries.list(),
      watch: (onChange) => {
        // The settings file is small and read from disk on every list(): a light poll (never a
        // frame when nothing changed) that does not keep the process alive.
        let last = registriesSignature(registries.list());
        const timer = setInterval(() => {
          let next: string;
          try {
            next = registriesSignature(registries.list());
          } catch {
            return;
          }
          if (next !== last) {
            last = next;
            onChange();
          }
        }, REGISTRIES_POLL_MS);
        timer.unref();
        return () => clearInterval(timer);
      },
      save: async (original, input) => {
        const common = {
          url: input.url,
          trustCert: input.trustCert,
          username: input.username,
          ...(input.version ? { version: input.version } : {}),
          ...(input.password !== undefined ? { password: input.password } : {}),
        };
        return original ? registries.edit(original, { name: input.name, ...common }) : registries.add({ name: input.name, ...common });
      },
      remove: async (name) => {
        registries.remove(name);
      },
      ping: (input) => registries.ping(input.url, input.trustCert),
    },
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
    updates,
    status: {
      engine: async (): Promise<EngineStatus> => {
        return engineStatus((await prefetchedInfo()) ?? (await (await engine()).info({ diskUsage: true })));
      },
      initialEngine: () => {
        const value = initialInfo;
        initialInfo = undefined;
        return value;
      },
      hubRateLimit: (): RateLimitView | null => remoteLoaded?.hubRateLimit() ?? updates.hubRateLimit(),
    },
    async close() {
      unsubscribeDownloads?.();
      (await engine()).downloads.close();
      for (const e of opened) e.downloads.close();
      await remoteLoaded?.close();
      await updates.close();
    },
  };
}
