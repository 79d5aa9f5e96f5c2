// The remote side of the service layer (DESIGN.md "Depots", "image tags", "image inspect --remote",
// "registry ping", "repo *"): registries, the v1 index and Docker Hub, behind one factory. Every method
// takes an optional AbortSignal; every failure is a typed error of src/domain/errors.ts.
import { RegistryProber, type RateLimit, type TransportOptions } from '../../clients/registry/index';
import type { RemoteImage, RemoteInspect, TagList } from '../../domain/images';
import type { Settings } from '../../domain/settings';
import type { Credential, CredentialQuery } from '../../store/credentials';
import type { DownloadingIndex, EnginePlatform, InstalledIndex, LocalUsage, LxcMarksSource } from '../ports';
import type { RegistryDataStore, RegistryProbe, RegistryService } from '../registries';
import { CatalogSource } from './catalog';
import { Connections, quoteName } from './connections';
import { Depots, type DepotQuery, type DepotResult, type RemoteCategory } from './depots';
import { checkDockerHub, checkRegistry } from './health';
import type { Check } from '../doctor/types';
import { RemoteInspector, type InspectOptions } from './inspect';
import { Repositories, type RepositoryCredentialsInput, type SavedRepositoryDetails, type SavedRepositoryView } from './repositories';
import { Tags, type TagsOptions } from './tags';

export interface RemoteDeps {
  env: NodeJS.ProcessEnv;
  /** Current settings (http.timeout, catalog, platform are read on every call). */
  settings: () => Settings;
  registries: Pick<RegistryService, 'list' | 'get' | 'byHost'>;
  /** registries.json, for saved repositories. */
  registryStore: RegistryDataStore;
  credentials: {
    resolve(query: CredentialQuery): Promise<Credential | undefined>;
    /** Why a host has no credentials when a credential helper failed ("docker-credential-x failed: …"). */
    problem?(host: string): string | undefined;
  };
  installed: InstalledIndex;
  downloading: DownloadingIndex;
  enginePlatform: EnginePlatform;
  localUsage: LocalUsage;
  /** Marks of the catalog's LXC entries from LXD (absent: LXC entries show `installed: null`). */
  lxcMarks?: LxcMarksSource;
  /** Folder holding the shipped catalog.json. */
  assetsDir: string;
  /** The shipped catalog's text, where it is not a file in assetsDir (the single-file build). */
  shippedCatalog?: () => string;
  warn: (message: string) => void;
  /** Transport tuning (tests: fast sleep, fewer retries). */
  transport?: Partial<TransportOptions>;
  /** Page size for _catalog, tags/list and Hub pages (tests use small pages to prove paging). */
  pageSize?: number;
}

export interface RemoteServices {
  /** Ping and certificate pinning for src/services/registries.ts. */
  probe: RegistryProbe;
  depots: { list(query: DepotQuery): Promise<DepotResult> };
  tags: { list(name: string, options?: TagsOptions): Promise<TagList> };
  inspect: { remote(ref: string, options?: InspectOptions): Promise<RemoteInspect> };
  repositories: {
    list(filter?: { name?: string; registry?: string }): Promise<SavedRepositoryView[]>;
    add(name: string, credentials?: RepositoryCredentialsInput, signal?: AbortSignal): Promise<SavedRepositoryDetails>;
    show(name: string): Promise<SavedRepositoryDetails>;
    update(name: string, credentials: RepositoryCredentialsInput, signal?: AbortSignal): Promise<SavedRepositoryDetails>;
    remove(name: string): Promise<SavedRepositoryView>;
  };
  /** Docker Hub's rate limit as last seen (web API X-RateLimit-*, or the registry's ratelimit-*). */
  hubRateLimit(): RateLimit | null;
  /** Closes idle connections (end of a one-shot command); `abort`: also the requests in flight (serve's stop deadline). */
  close(options?: { abort?: boolean }): Promise<void>;
  /** `stevedore doctor`: does each configured registry answer and accept its login; Docker Hub and its pull limit. */
  health: {
    registries(signal?: AbortSignal): Promise<Check[]>;
    dockerHub(signal?: AbortSignal): Promise<Check>;
  };
}

export function createRemoteServices(deps: RemoteDeps): RemoteServices {
  const connections = new Connections(deps);
  const catalog = new CatalogSource(deps.assetsDir, () => connections.http(), undefined, deps.shippedCatalog);
  const depots = new Depots(deps, connections, catalog);
  const tags = new Tags(deps, connections);
  const inspector = new RemoteInspector(deps, connections);
  const repositories = new Repositories(deps, connections);
  const prober = new RegistryProber(() => ({ env: deps.env, timeoutMs: deps.settings()['http.timeout'] * 1000, ...deps.transport }));
  const hintFor = (url: string): string | undefined => {
    const r = deps.registries.list().find((x) => !x.builtin && x.url === url);
    return r ? `\`stevedore registry edit ${quoteName(r.name)} --trust-cert\`` : undefined;
  };
  const probe: RegistryProbe = {
    ping: (url, options) => {
      const hint = hintFor(url);
      return prober.ping(url, { ...options, ...(hint ? { trustHint: hint } : {}) });
    },
    certificateFingerprint: (url) => prober.certificateFingerprint(url),
    login: (url, options) => {
      const hint = hintFor(url);
      return prober.login(url, { ...options, ...(hint ? { trustHint: hint } : {}) });
    },
  };
  return {
    probe,
    depots: { list: (query) => depots.list(query) },
    tags: { list: (name, options) => tags.list(name, options) },
    inspect: { remote: (ref, options) => inspector.remote(ref, options) },
    repositories: {
      list: (filter) => repositories.list(filter),
      add: (name, credentials, signal) => repositories.add(name, credentials, signal),
      show: (name) => repositories.show(name),
      update: (name, credentials, signal) => repositories.update(name, credentials, signal),
      remove: (name) => repositories.remove(name),
    },
    hubRateLimit: () => connections.lastRateLimit,
    close: (options) => connections.close(options),
    health: {
      registries: (signal) => Promise.all(deps.registries.list().filter((r) => !r.builtin).map((r) => checkRegistry(connections, r, signal))),
      dockerHub: (signal) => checkDockerHub(connections, signal),
    },
  };
}

export type {
  DepotQuery,
  DepotResult,
  InspectOptions,
  RemoteCategory,
  RepositoryCredentialsInput,
  SavedRepositoryDetails,
  SavedRepositoryView,
  TagsOptions,
  RemoteImage,
};
