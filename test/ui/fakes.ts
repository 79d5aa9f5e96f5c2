// Fake services for screen tests: in-memory data with the rules that matter to the screens (the
// registry rules come from the real RegistryService over an in-memory store).
import { fixedClock } from '../../src/domain/clock';
import { type DiskImage, LayerGraph } from '../../src/domain/diskUsage';
import { Unauthorized, Unreachable } from '../../src/domain/errors';
import type { DownloadSnapshot, LocalRepository, RemoteImage, RemoteInspect, TagList } from '../../src/domain/images';
import type { Registry } from '../../src/domain/registry';
import { RegistryService } from '../../src/services/registries';
import type { RegistryData } from '../../src/store/registryStore';
import type { DownloadsView, EngineRow, RemoteCategory, SavedRepositoryRow, UiServices } from '../../src/ui/services';

/** The time screen tests run at: the fixtures' dates are a few days before it. */
export const FIXTURE_NOW = '2026-11-25T10:00:00Z';

export function localRepo(name: string, tags: string[], opts: { inUse?: boolean; size?: number; id?: string } = {}): LocalRepository {
  const id = opts.id ?? `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  return {
    name,
    fullName: name === '<none>' ? '' : name.includes('/') && name.split('/')[0]!.includes('.') ? name : `docker.io/${name.includes('/') ? name : `library/${name}`}`,
    images: tags.map((tag) => ({ tag, id, size: opts.size ?? 7_340_032, created: '2026-11-20T10:00:00Z', inUse: opts.inUse ?? false, digests: [] })),
    isLatest: tags.includes('latest') ? ['latest'] : [],
    inUse: opts.inUse ?? false,
  };
}

/** The id the fake services give the download they start for `ref`. */
export function fakeDownloadId(ref: string): string {
  return ref.replace(/^.*\//, '').replace(/\W/g, '');
}

export function remoteImage(name: string, extra: Partial<RemoteImage> = {}): RemoteImage {
  return {
    name,
    fullName: `docker.io/${name.includes('/') ? name : `library/${name}`}`,
    description: `${name} description`,
    location: `https://hub.docker.com/_/${name}`,
    source: 'dockerhub',
    installed: false,
    downloading: false,
    ...extra,
  };
}

export class FakeDownloads {
  private view: DownloadsView = { downloads: [], error: null };
  private listeners = new Set<() => void>();
  publishes = 0;
  started: { ref: string; options: { registry?: string; platform?: string } }[] = [];
  cancelled: string[] = [];
  retried: string[] = [];
  clears = 0;
  store = {
    getSnapshot: () => this.view,
    subscribe: (listener: () => void) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
  };
  set(downloads: DownloadSnapshot[], error: string | null = null): void {
    this.view = { downloads, error };
    this.publishes++;
    for (const l of this.listeners) l();
  }
}

export function download(name: string, extra: Partial<DownloadSnapshot> = {}): DownloadSnapshot {
  return {
    id: name.replace(/\W/g, ''),
    name,
    ref: `docker.io/library/${name}`,
    platform: null,
    status: 'downloading',
    percent: 40,
    detail: 'Downloading',
    current: 4_000_000,
    total: 10_000_000,
    speed: 2_000_000,
    eta: 3,
    layers: [
      { id: 'aaaaaaaaaaaa', status: 'Pull complete', current: null, total: null },
      { id: 'bbbbbbbbbbbb', status: 'Downloading', current: 1_000_000, total: 4_000_000 },
    ],
    error: null,
    digest: null,
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: null,
    ...extra,
  };
}

export interface FakeOptions {
  local?: LocalRepository[] | Error;
  remote?: Partial<Record<RemoteCategory, RemoteImage[]>>;
  search?: (filter: string) => RemoteImage[] | Promise<RemoteImage[]>;
  tags?: TagList;
  inspect?: RemoteInspect;
  registries?: Registry[];
  repositories?: SavedRepositoryRow[];
  /** The clock the screens measure ages against (default FIXTURE_NOW). */
  now?: string;
  /**
   * A disk service (issue 23) counting with the real LayerGraph: each image's layers as [chain ID, bytes]
   * (default: one layer of its own, of its size); `kept`: image IDs kept for a rollback (never pruned).
   */
  disk?: { layers?: Record<string, Array<[string, number]>>; kept?: string[] };
}

export function fakeServices(options: FakeOptions = {}) {
  const calls = {
    remoteList: [] as { category: string; filter: string; registry?: string }[],
    aborted: [] as string[],
    removed: [] as { ref: string; force: boolean }[],
    pings: [] as { url: string; trustCert: boolean }[],
    repoAdds: [] as string[],
    /** The image IDs each disk.sizes call asked for. */
    diskSizes: [] as string[][],
    diskRemoved: [] as string[][],
    pruned: [] as boolean[],
  };
  const downloads = new FakeDownloads();
  let data: RegistryData = { registries: options.registries ?? [], repositories: [] };
  const registryService = new RegistryService(
    { read: () => data, update: (change) => (data = change(data)) },
    'https://registry-1.docker.io',
    {
      ping: async (url) => {
        if (url.includes('down')) throw new Unreachable(`cannot reach the registry at ${url}`);
        return 'v2';
      },
      certificateFingerprint: async () => 'ab:cd',
    },
  );
  let repositories = [...(options.repositories ?? [])];
  const watchers = new Set<() => void>();
  let local = options.local ?? [];

  const warningListeners = new Set<(message: string) => void>();
  // Engines: the default socket (active) and an ssh:// NAS that answers.
  let engines: EngineRow[] = [
    { name: 'default', host: 'unix:///var/run/docker.sock', source: 'default', active: true, reachable: true, version: '20.10.24', error: null, saved: null },
    { name: 'nas', host: 'ssh://admin@nas', source: 'saved', active: false, reachable: true, version: '27.0.0', error: null, saved: { tlsVerify: false, certPath: null, dockerPath: null } },
  ];
  const engineListeners = new Set<() => void>();
  const diskOptions = options.disk;
  const graphOf = (repos: readonly LocalRepository[]): LayerGraph => {
    const images = new Map<string, DiskImage>();
    for (const repo of repos) {
      if (repo.type === 'lxc') continue;
      for (const image of repo.images) {
        if (images.has(image.id)) continue;
        const layers = diskOptions?.layers?.[image.id] ?? [[`${image.id}/own`, image.size]];
        images.set(image.id, { id: image.id, size: image.size, inUse: image.inUse, containers: image.containers ?? [], label: repo.name === '<none>' ? image.id.slice(7, 19) : `${repo.name}:${image.tag}`, chain: layers.map((l) => l[0]), sizes: layers.map((l) => l[1]), exact: true });
      }
    }
    return new LayerGraph(images.values());
  };
  const current = (): LocalRepository[] => (local instanceof Error ? [] : local);
  const removeIds = (ids: readonly string[]) => {
    const gone = new Set(ids);
    local = current()
      .map((r) => ({ ...r, images: r.images.filter((i) => !gone.has(i.id)) }))
      .filter((r) => r.images.length > 0);
  };
  const prunePlan = (all: boolean) => {
    const graph = graphOf(current());
    const kept = new Set(diskOptions?.kept ?? []);
    const named = new Map<string, { id: string; names: string[]; size: number; inUse: boolean; containers: string[] }>();
    for (const r of current()) for (const i of r.images) {
      const entry = named.get(i.id) ?? { id: i.id, names: [], size: i.size, inUse: i.inUse, containers: i.containers ?? [] };
      if (r.name !== '<none>') entry.names.push(`${r.name}:${i.tag}`);
      named.set(i.id, entry);
    }
    const matching = [...named.values()].filter((i) => !i.inUse && (all || i.names.length === 0));
    const going = matching.filter((i) => !kept.has(i.id));
    const plan = graph.plan(going.map((i) => i.id));
    return { ...plan, all, candidates: going.map((i) => ({ ...i, unique: graph.sizes(i.id).unique })), kept: matching.filter((i) => kept.has(i.id)), deletedImages: plan.images };
  };
  const services: UiServices = {
    ...(diskOptions
      ? {
          disk: {
            sizes: async (repos, ids) => {
              calls.diskSizes.push([...ids]);
              const graph = graphOf(repos);
              return new Map(ids.filter((id) => graph.has(id)).map((id) => [id, graph.sizes(id)]));
            },
            plan: async (repos, ids) => graphOf(repos).plan(ids),
            remove: async (repos, ids) => {
              calls.diskRemoved.push([...ids]);
              const plan = graphOf(repos).plan(ids);
              removeIds(plan.images);
              return { images: plan.images, untagged: [], deleted: [...plan.images, ...plan.layers], spaceReclaimed: plan.bytes, failed: [] };
            },
            prunePlan: async (all) => prunePlan(all),
            prune: async (all) => {
              calls.pruned.push(all);
              const plan = prunePlan(all);
              removeIds(plan.images);
              return { images: plan.images, untagged: plan.candidates.flatMap((c) => c.names), deleted: [...plan.images, ...plan.layers], spaceReclaimed: plan.bytes, failed: [] };
            },
            summary: async () => {
              const graph = graphOf(current());
              const unused = prunePlan(true);
              return { images: graph.ids.length, bytes: graph.totals().bytes, reclaimable: unused.bytes, unknownLayers: 0 };
            },
          },
        }
      : {}),
    clock: fixedClock(options.now ?? FIXTURE_NOW),
    warnings: {
      subscribe: (listener) => {
        warningListeners.add(listener);
        return () => warningListeners.delete(listener);
      },
    },
    local: {
      list: async () => {
        if (local instanceof Error) throw local;
        return local;
      },
      inspect: async (ref) => ({ Id: `sha256:${'1'.repeat(64)}`, RepoTags: [ref], Created: '2026-11-20T10:00:00Z', Os: 'linux', Architecture: 'amd64', Size: 1234567, Config: { Cmd: ['/bin/app'], Env: ['A=1'] }, RootFS: { Layers: ['sha256:aa'] } }),
      remove: async (ref, { force }) => {
        calls.removed.push({ ref, force });
        if (!(local instanceof Error)) local = local.filter((r) => !ref.startsWith(`${r.name}:`));
        return { untagged: [ref], deleted: [] };
      },
      watch: (onChange) => {
        watchers.add(onChange);
        return () => watchers.delete(onChange);
      },
    },
    remote: {
      list: async (query, signal) => {
        calls.remoteList.push(query);
        signal?.addEventListener('abort', () => calls.aborted.push(query.filter));
        if (query.category === 'dockerhub') return { results: (await options.search?.(query.filter)) ?? [], warnings: [] };
        return { results: options.remote?.[query.category] ?? [], warnings: [] };
      },
      tags: async (name) => options.tags ?? { name, fullName: name, installed: [], tags: [], details: [] },
      inspect: async () => {
        if (!options.inspect) throw new Error('no inspect fixture');
        return options.inspect;
      },
    },
    downloads: {
      store: downloads.store,
      start: async (ref, opts) => {
        downloads.started.push({ ref, options: opts });
        return fakeDownloadId(ref);
      },
      cancel: async (id) => {
        downloads.cancelled.push(id);
      },
      retry: async (id) => {
        downloads.retried.push(id);
      },
      clear: async () => {
        downloads.clears++;
        const all = downloads.store.getSnapshot().downloads;
        const active = all.filter((d) => ['waiting', 'downloading', 'extracting'].includes(d.status));
        downloads.set(active);
        return all.length - active.length;
      },
    },
    registries: {
      list: () => registryService.list(),
      save: async (original, input) =>
        original
          ? registryService.edit(original, { name: input.name, url: input.url, trustCert: input.trustCert, username: input.username, ...(input.version ? { version: input.version } : {}), ...(input.password !== undefined ? { password: input.password } : {}) })
          : registryService.add({ name: input.name, url: input.url, trustCert: input.trustCert, username: input.username, ...(input.version ? { version: input.version } : {}), ...(input.password !== undefined ? { password: input.password } : {}) }),
      remove: async (name) => {
        registryService.remove(name);
      },
      ping: async (input) => {
        calls.pings.push(input);
        return registryService.ping(input.url, input.trustCert);
      },
    },
    repositories: {
      list: async () => repositories,
      add: async (name, creds) => {
        calls.repoAdds.push(name);
        if (creds.password === 'wrong') throw new Unauthorized(`registry ${name.split('/')[0]} refused the credentials of user "${creds.username}"`);
        repositories = [...repositories, { name, registry: null, inUse: false }];
      },
      update: async () => undefined,
      remove: async (name) => {
        repositories = repositories.filter((r) => r.name !== name);
      },
    },
    status: {
      engine: async () =>
        local instanceof Error
          ? { host: 'unix:///var/run/docker.sock', reachable: false, error: local.message, platform: null, imagesSize: null }
          : { host: 'unix:///var/run/docker.sock', reachable: true, error: null, platform: 'linux/amd64', imagesSize: 123_000_000 },
      hubRateLimit: () => ({ limit: 100, remaining: 87, resetAt: null }),
    },
    engines: {
      active: () => engines.find((e) => e.active)?.name ?? 'default',
      list: async () => engines.map((e) => ({ ...e, reachable: null, version: null, error: null })),
      check: async () => engines,
      switchTo: async (name) => {
        engines = engines.map((e) => ({ ...e, active: e.name === name }));
        engineListeners.forEach((l) => l());
      },
      save: async (original, input) => {
        const row: EngineRow = { name: input.name, host: input.host, source: 'saved', active: false, reachable: true, version: '27.0.0', error: null, saved: { tlsVerify: input.tlsVerify, certPath: input.certPath || null, dockerPath: input.dockerPath || null } };
        engines = original ? engines.map((e) => (e.name === original ? { ...row, active: e.active } : e)) : [...engines, row];
        return { problem: null };
      },
      remove: async (name) => {
        engines = engines.filter((e) => e.name !== name);
      },
      subscribe: (listener) => {
        engineListeners.add(listener);
        return () => engineListeners.delete(listener);
      },
    },
  };
  return { services, calls, downloads, engineChanged: () => watchers.forEach((w) => w()), registryData: () => data, warn: (m: string) => warningListeners.forEach((l) => l(m)) };
}
