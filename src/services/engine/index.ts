// The engine side of the service layer: local images (list, inspect, delete, prune), downloads through the
// background worker, engine info, and the ports the remote side needs (installed, downloading, platform,
// local usage). Built by the composition root; nothing here opens a connection until the engine is used.
// About 320 lines: the one interface of an engine's services and its wiring; the parts live in files of their own
// (images, diskUsage, the worker process, the indexes, every engine's downloads in everywhere.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../domain/errors';
import type { LocalRepository } from '../../domain/images';
import { type ImageRef, dockerRef, refString, repositoryOf } from '../../domain/reference';
import { resolveRef, type Registry } from '../../domain/registry';
import { type LxcPullJob, lxcJobRef } from '../../domain/lxc';
import { sanitizeLine } from '../../domain/sanitize';
import { parsePlatform, type Settings } from '../../domain/settings';
import { EngineClient, type Endpoint, endpointKey, resolveEndpoint } from '../../clients/engine/index';
import type { DownloadsClient, DownloadsListener } from '../downloads/client';
import { workerPaths, type WorkerPaths } from '../downloads/paths';
import { isActive, type DownloadRecord } from '../downloads/protocol';
import type { DownloadingIndex, EnginePlatform, InstalledIndex, LocalUsage } from '../ports';
import { engineFailure } from './errors';
import { watchEngine } from './watch';
import { installedIndex, localUsage } from './indexes';
import { runWorker, spawnWorker, workerDeadline } from './process';
import { LocalImageService, type RemoveResult } from './images';
import { DiskUsageService, type DiskSummary, type KeptImages, type PrunePlan, type SetRemoval } from './diskUsage';
import { LayerFacts } from './layerFacts';
import type { ImageDiskSize, ReclaimPlan } from '../../domain/diskUsage';
import type { CredentialSource } from './pull';
import type { EngineCatalog } from './catalog';

/** What `image prune` removed: the images, what the engine deleted (images and layers) and the bytes freed. */
export type PruneResult = SetRemoval;

export type { DownloadRecord, RemoveResult, CredentialSource, DiskSummary, KeptImages, PrunePlan, SetRemoval };

export interface RegistryLookup {
  get(name: string): Registry;
}

export interface EngineDeps {
  env: NodeJS.ProcessEnv;
  configDir: string;
  /** Current settings (read when needed: downloads.concurrency, platform). */
  settings: () => Settings | Promise<Settings>;
  /** Credentials for pulls (used inside the worker only). */
  credentials: CredentialSource;
  /** The configured registries, for `--registry NAME`. */
  registries: () => RegistryLookup | Promise<RegistryLookup>;
  warn: (message: string) => void;
  /** How to start the worker: `process.execPath` and `[…execArgv, process.argv[1], '__worker']`. */
  workerCommand: { execPath: string; args: string[] };
  /** The engines there are; without it, the engine is the one DOCKER_HOST and docker's context name. */
  catalog?: EngineCatalog;
  /** The engine these services work on (a name the catalog knows); default the catalog's active one. */
  engine?: string;
  /** The image IDs kept for rollback now (issue 22): prune never removes them. Default: none. */
  kept?: KeptImages;
}

export interface EngineInfo {
  /** `unix:///var/run/docker.sock`, `ssh://nas`… (or what could not be resolved). */
  host: string;
  reachable: boolean;
  error: { code: number; message: string } | null;
  version: string | null;
  /** `linux/amd64`, `linux/arm64/v8`. */
  platform: string | null;
  /** With `diskUsage`: number of images and bytes of their layers on disk. */
  images: number | null;
  imagesSize: number | null;
}

export interface StartOptions {
  /** `os/arch[/variant]`; default the `platform` setting, else the engine's own. */
  platform?: string | null;
  /** Resolve a short name against this configured registry (`app` → `HOST/app`). */
  registry?: string;
}

export interface EngineServices {
  /** The engine's name (`default`, a docker context, a saved engine, `DOCKER_HOST`). */
  name(): string;
  /** The engine endpoint as docker would name it. */
  host(): string;
  images: {
    listLocal(options?: { filter?: string; signal?: AbortSignal }): Promise<LocalRepository[]>;
    inspect(refOrId: string): Promise<Record<string, unknown>>;
    remove(refOrId: string, options?: { force?: boolean }): Promise<RemoveResult>;
    /** Points `repo:tag` (full repository name) at an image ID (`image rollback`). */
    tag(id: string, repo: string, tag: string): Promise<void>;
    prune(options?: { all?: boolean }): Promise<PruneResult>;
    /** Calls `onChange` (debounced) when images or containers change on the engine; returns the stop function. */
    watch(onChange: () => void): () => void;
  };
  /**
   * What images cost on disk (issue 23), from their layer chains. `repos`, where a caller has it, is the
   * whole Local listing (unfiltered: sharing is counted over every image); without it the engine is asked.
   */
  disk: {
    /** Unique and shared bytes per image ID (of `ids`, default every image). */
    sizes(options?: { repos?: readonly LocalRepository[]; ids?: Iterable<string>; signal?: AbortSignal }): Promise<Map<string, ImageDiskSize>>;
    /** What deleting these image IDs frees; the layers that stay and the images that keep them. */
    plan(ids: Iterable<string>, options?: { repos?: readonly LocalRepository[]; signal?: AbortSignal }): Promise<ReclaimPlan>;
    /** Deletes these images (never forced) and reports what went and the bytes freed. */
    remove(ids: Iterable<string>, options?: { repos?: readonly LocalRepository[] }): Promise<SetRemoval>;
    /** What `image prune [--all]` would remove now (never an image kept for rollback), and the bytes. */
    prunePlan(options?: { all?: boolean; signal?: AbortSignal }): Promise<PrunePlan>;
    /** The engine's image bytes (each layer once) and what prune --all would free. */
    summary(options?: { repos?: readonly LocalRepository[]; signal?: AbortSignal }): Promise<DiskSummary>;
  };
  downloads: {
    /** Queues a pull in the background worker (started on demand) and returns its first snapshot. */
    start(ref: string, options?: StartOptions): Promise<DownloadRecord>;
    /** Queues an LXC image for LXD to fetch (the same worker and downloads list; issue 14). */
    startLxc(job: LxcPullJob): Promise<DownloadRecord>;
    list(): Promise<DownloadRecord[]>;
    cancel(id: string): Promise<DownloadRecord>;
    /** Stops following (Ctrl-C): cancels only when no other terminal follows; `followers` still following. */
    detach(id: string): Promise<{ download: DownloadRecord; followers: number }>;
    retry(id: string): Promise<DownloadRecord>;
    /** Takes the finished downloads out of the list and the history; resolves with how many. */
    clear(): Promise<number>;
    /** Every download, live (at most 10 updates a second); returns the unsubscribe function. */
    subscribe(listener: DownloadsListener): () => void;
    /** Follows one download until it ends; rejects with AbortError when `signal` aborts (the download goes on). */
    follow(id: string, onSnapshot: (record: DownloadRecord) => void, signal?: AbortSignal): Promise<DownloadRecord>;
    /** `stevedore doctor`: the worker of this engine answers (started when none runs); its socket and log. */
    health(): Promise<{ wasRunning: boolean; active: number; socket: string; log: string }>;
    /** The reference a pull of `ref` with these options would send (validation and --registry resolution). */
    resolve(ref: string, registry?: string): Promise<ImageRef>;
    /** The worker's key (one worker per endpoint: engines at the same endpoint share it); null when the endpoint is invalid. */
    key(): string | null;
    /** This engine has a worker or a downloads history (asked without connecting or loading anything). */
    known(): boolean;
    close(): void;
  };
  info(options?: { diskUsage?: boolean }): Promise<EngineInfo>;
  installedIndex: InstalledIndex;
  downloadingIndex: DownloadingIndex;
  enginePlatform: EnginePlatform;
  localUsage: LocalUsage;
  /** `stevedore __worker`: serve downloads until idle; resolves with the exit code. */
  runWorker(): Promise<number>;
}

export function createEngineServices(deps: EngineDeps): EngineServices {
  const catalog = deps.catalog;
  let engineName: string | undefined;
  const getName = (): string => (engineName ??= deps.engine ?? catalog?.activeName() ?? 'default');
  let endpoint: Endpoint | undefined;
  const getEndpoint = (): Endpoint => (endpoint ??= catalog ? catalog.endpointOf(getName()) : resolveEndpoint(deps.env));
  let client: EngineClient | undefined;
  const getClient = async (): Promise<EngineClient> => (client ??= catalog ? catalog.client(getEndpoint()) : new EngineClient(getEndpoint(), deps.env));
  let paths: WorkerPaths | undefined;
  const getPaths = (): WorkerPaths => (paths ??= workerPaths(deps.configDir, endpointKey(getEndpoint())));
  // The downloads client and the worker are chunks of their own: `image list` needs neither.
  let downloads: Promise<DownloadsClient> | undefined;
  let openedDownloads: DownloadsClient | undefined;
  const getDownloads = (): Promise<DownloadsClient> =>
    (downloads ??= import('../downloads/client').then(
      ({ DownloadsClient }) =>
        (openedDownloads = new DownloadsClient({
          paths: getPaths(),
          spawnWorker: () => spawnWorker(deps, getPaths(), catalog ? getName() : null),
          warn: deps.warn,
          pollMs: 2000,
          ...(workerDeadline(deps.env) ? { requestTimeoutMs: workerDeadline(deps.env) } : {}),
        })),
    ));
  const images = new LocalImageService(getClient);
  const layersFile = (): string | null => {
    try {
      return join(deps.configDir, `layers-${endpointKey(getEndpoint())}.json`);
    } catch {
      return null;
    }
  };
  let disk: DiskUsageService | undefined;
  const getDisk = (): DiskUsageService =>
    (disk ??= new DiskUsageService({
      client: getClient,
      listLocal: (signal) => images.listLocal(signal ? { signal } : {}),
      facts: new LayerFacts(getClient, layersFile()),
      ...(deps.kept ? { kept: deps.kept } : {}),
    }));
  let platform: Promise<string | null> | undefined;

  const enginePlatform: EnginePlatform = () => {
    platform ??= getClient()
      .then((c) => c.version())
      .then((v) => platformOf(v.os, v.arch))
      .catch(() => {
        platform = undefined;
        return null;
      });
    return platform;
  };

  const resolve = async (ref: string, registry?: string): Promise<ImageRef> => {
    if (!registry) return dockerRef(ref);
    return dockerRef(refString(resolveRef(ref, await deps.registries(), registry)));
  };

  const host = (): string => {
    try {
      return getEndpoint().description;
    } catch (error) {
      return isAppError(error) ? error.message : String(error);
    }
  };

  return {
    name: () => {
      try {
        return getName();
      } catch {
        return 'default';
      }
    },
    host,
    images: {
      listLocal: (options) => images.listLocal(options),
      inspect: (refOrId) => images.inspect(refOrId),
      remove: (refOrId, options) => images.remove(refOrId, options),
      tag: (id, repo, tag) => images.tag(id, repo, tag),
      prune: (options) => getDisk().prune(options),
      watch: (onChange) => watchEngine(getClient, onChange),
    },
    disk: {
      sizes: (options) => getDisk().sizes(options),
      plan: (ids, options) => getDisk().plan(ids, options),
      remove: (ids, options) => getDisk().remove(ids, options),
      prunePlan: (options) => getDisk().prunePlan(options),
      summary: (options) => getDisk().summary(options),
    },
    downloads: {
      async start(ref, options = {}) {
        const target = await resolve(ref, options.registry);
        const platformText = options.platform ?? ((await deps.settings()).platform || null);
        const chosen = platformText ? parsePlatform(platformText) : null;
        // One clear line when the engine is not there, before a worker is started for nothing.
        await (await getClient()).ping();
        return (await getDownloads()).start(refString(target), chosen);
      },
      startLxc: async (job) => (await getDownloads()).start(lxcJobRef(job), null),
      list: async () => (await getDownloads()).list(),
      cancel: async (id) => (await getDownloads()).cancel(id),
      detach: async (id) => (await getDownloads()).detach(id),
      retry: async (id) => (await getDownloads()).retry(id),
      clear: async () => (await getDownloads()).clear(),
      subscribe: (listener) => {
        let off: (() => void) | null = null;
        let stopped = false;
        void getDownloads().then((client) => {
          if (!stopped) off = client.subscribe(listener);
        });
        return () => {
          stopped = true;
          off?.();
        };
      },
      follow: async (id, onSnapshot, signal) => (await getDownloads()).follow(id, onSnapshot, signal),
      health: async () => {
        const { wasRunning, downloads: all } = await (await getDownloads()).ensureRunning();
        return { wasRunning, active: all.filter((r) => isActive(r.status)).length, socket: getPaths().socket, log: getPaths().log };
      },
      resolve,
      key: () => {
        try {
          return getPaths().key;
        } catch {
          return null;
        }
      },
      known: () => {
        try {
          const p = getPaths();
          return openedDownloads !== undefined || existsSync(p.socket) || existsSync(p.history);
        } catch {
          return false;
        }
      },
      close: () => openedDownloads?.close(),
    },
    async info(options = {}) {
      const info: EngineInfo = { host: '', reachable: false, error: null, version: null, platform: null, images: null, imagesSize: null };
      try {
        const c = await getClient();
        info.host = c.description;
        const v = await c.version();
        info.reachable = true;
        info.version = v.version || null;
        info.platform = platformOf(v.os, v.arch);
        if (options.diskUsage) {
          const du = await c.diskUsage();
          info.images = du.images;
          info.imagesSize = du.layersSize;
        }
      } catch (caught) {
        if (!info.host) info.host = host();
        const error = engineFailure(caught);
        info.error = isAppError(error) ? error.toJSON() : { code: 502, message: sanitizeLine(error instanceof Error ? error.message : String(error)) };
      }
      return info;
    },
    installedIndex: () => installedIndex(getClient),
    downloadingIndex: async () => {
      // No worker socket: nothing is downloading (and the downloads client need not load). A worker that
      // does not answer rejects (within its deadline): the marks are then unknown, with a warning.
      if (!existsSync(getPaths().socket)) return new Set();
      const active = (await (await getDownloads()).list()).filter((r) => isActive(r.status));
      return new Set(active.map((r) => repositoryOf(r.ref)).filter((n): n is string => n !== null));
    },
    enginePlatform,
    localUsage: () => localUsage(getClient),
    runWorker: () => runWorker({ deps, endpoint: getEndpoint(), paths: getPaths(), client: getClient }),
  };
}

/** `linux/amd64`; arm64 and arm carry their usual variants (v8, v7) as docker's platform matcher assumes. */
export function platformOf(os: string, arch: string): string | null {
  if (!os || !arch) return null;
  if (arch === 'arm64') return `${os}/arm64/v8`;
  if (arch === 'arm') return `${os}/arm/v7`;
  return `${os}/${arch}`;
}
