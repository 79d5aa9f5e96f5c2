// What the screens need from the service layer, as one narrow port. The app adapts the real
// services to it (src/app/uiServices.ts); screen tests pass fakes. Every remote call takes an
// AbortSignal so a screen can drop a search the user has moved past.
import type { Clock } from '../domain/clock';
import type { DownloadSnapshot, LocalRepository, RemoteImage, RemoteInspect, TagList } from '../domain/images';
import type { ApiVersion, Registry } from '../domain/registry';
import type { ExternalStore } from './hooks/useStore';
import type { ImageDiskSize, ReclaimPlan } from '../domain/diskUsage';
import type { DiskSummary, PrunePlan, SetRemoval } from '../services/engine/diskUsage';

export type { DiskSummary, ImageDiskSize, PrunePlan, ReclaimPlan, SetRemoval };
import type { UpdateNotice } from '../domain/notice';
import type { PreviousImage, RollbackResult } from '../services/updates/previous';

export type { PreviousImage, RollbackResult, UpdateNotice };

export type { RemoteCategory } from '../domain/images';
import type { RemoteCategory } from '../domain/images';

export interface RemoteListResult {
  results: RemoteImage[];
  warnings: string[];
  /** The registry had more than stevedore reads (a cap, or the listing deadline): the warnings say which. */
  truncated?: boolean;
}

export interface EngineStatus {
  /** `unix:///var/run/docker.sock`, `ssh://nas`… */
  host: string;
  reachable: boolean;
  /** Why it cannot be reached (one line with its hint). */
  error: string | null;
  platform: string | null;
  /** Bytes used by images, when known. */
  imagesSize: number | null;
}

export interface RateLimitView {
  limit: number;
  remaining: number;
  resetAt: string | null;
}

/** The last update check of one local tag (by `fullName:tag`), and the app's view of the checks. */
export type { UpdateMark, UpdatesSnapshot as UpdatesView } from '../domain/updates';
import type { UpdatesSnapshot as UpdatesView } from '../domain/updates';

export interface DownloadsView {
  /** Every engine's downloads; `engine` names the one each runs on (absent in some tests: the active one). */
  downloads: Array<DownloadSnapshot & { engine?: string }>;
  /** Engines with downloads in the list (an ENGINE column when there is more than one). */
  engines?: string[];
  /** Set when the worker cannot be reached. */
  error: string | null;
}

export interface SavedRepositoryRow {
  name: string;
  registry: string | null;
  inUse: boolean;
  username?: string;
}

export interface RegistryFormInput {
  name: string;
  url: string;
  version?: ApiVersion;
  trustCert: boolean;
  username: string;
  /** undefined keeps the stored password (edit). */
  password?: string;
  /**
   * The path of a PEM file of CA certificates to verify the registry with (`--ca-file`), read and checked when
   * saved; undefined keeps the registry's own CA (edit), unless trustCert is on (then the CA goes).
   */
  caFile?: string;
}

/** An engine as the engines screen shows it (`reachable` null while it is being asked). */
export interface EngineRow {
  name: string;
  host: string;
  source: 'env' | 'context' | 'saved' | 'default';
  active: boolean;
  reachable: boolean | null;
  version: string | null;
  error: string | null;
  /** Saved engines: what the edit form starts from. */
  saved: { tlsVerify: boolean; certPath: string | null; dockerPath: string | null } | null;
}

export interface EngineFormInput {
  name: string;
  host: string;
  tlsVerify: boolean;
  certPath: string;
  dockerPath: string;
}

export interface UiServices {
  /** The time ages are measured against (tests pin it). */
  clock: Clock;
  local: {
    /** The local images if they were read before the first frame (handed out once). */
    initial?(): LocalRepository[] | undefined;
    list(signal?: AbortSignal): Promise<LocalRepository[]>;
    inspect(ref: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
    remove(ref: string, options: { force: boolean }): Promise<{ untagged: string[]; deleted: string[] }>;
    /** Calls `onChange` when images or containers change on the engine (debounced); returns a stop function. */
    watch(onChange: () => void): () => void;
  };
  /**
   * What images cost on disk (issue 23), counted from their layer chains. `repos` is the Local listing the
   * screen shows (sharing is counted over all of it); LXC images are not counted. Absent in some tests.
   */
  disk?: {
    /** Unique and shared bytes of these image IDs. */
    sizes(repos: readonly LocalRepository[], ids: readonly string[], signal?: AbortSignal): Promise<Map<string, ImageDiskSize>>;
    /** What deleting these images frees, and the layers that stay. */
    plan(repos: readonly LocalRepository[], ids: readonly string[], signal?: AbortSignal): Promise<ReclaimPlan>;
    /** Deletes these images (never forced: one a container uses is refused) and says what it freed. */
    remove(repos: readonly LocalRepository[], ids: readonly string[]): Promise<SetRemoval>;
    /** What a prune (dangling, or `all` unused) would remove now; images kept for rollback never. */
    prunePlan(all: boolean, signal?: AbortSignal): Promise<PrunePlan>;
    /** Prunes as prunePlan says and reports the bytes actually freed. */
    prune(all: boolean): Promise<SetRemoval>;
    /** The engine's image bytes (each layer once) and what pruning every unused image would free. */
    summary(signal?: AbortSignal): Promise<DiskSummary>;
  };
  remote: {
    list(query: { category: RemoteCategory; filter: string; registry?: string }, signal?: AbortSignal): Promise<RemoteListResult>;
    tags(name: string, registry: string | undefined, signal?: AbortSignal, options?: { versions?: boolean }): Promise<TagList>;
    inspect(ref: string, options: { registry?: string; platform?: string }, signal?: AbortSignal): Promise<RemoteInspect>;
  };
  downloads: {
    store: ExternalStore<DownloadsView>;
    /** Starts a download; answers its id (the Downloads screen selects it once it is listed). */
    start(ref: string, options: { registry?: string; platform?: string }): Promise<string>;
    cancel(id: string): Promise<void>;
    retry(id: string): Promise<void>;
    /** Takes the finished downloads out of the list; resolves with how many. */
    clear(): Promise<number>;
  };
  registries: {
    list(): Registry[];
    /** Calls `onChange` when the saved registries may have changed (another shell, `registry add`); returns a stop function. */
    watch?(onChange: () => void): () => void;
    save(original: string | null, input: RegistryFormInput): Promise<Registry>;
    remove(name: string): Promise<void>;
    ping(input: { url: string; trustCert: boolean; caFile?: string }): Promise<ApiVersion>;
  };
  repositories: {
    list(): Promise<SavedRepositoryRow[]>;
    add(name: string, credentials: { username: string; password: string }): Promise<void>;
    update(name: string, credentials: { username: string; password: string }): Promise<void>;
    remove(name: string): Promise<void>;
  };
  /** Update checks (issue 12): run in the background, never before the first frame. Absent in some tests. */
  updates?: {
    store: ExternalStore<UpdatesView>;
    /** Starts a round (a running one is left to finish); `refresh` asks every registry again. */
    check(options: { refresh: boolean }): void;
    /** An image landed under `ref` (a pull or an update completed here or in another session): checked at once. */
    landed?(ref: string): void;
    /** Removes the image an update replaced when nothing else holds it; says what happened. */
    removeReplaced(oldId: string, newId: string): Promise<{ removed: string[]; kept: string | null }>;
    /** The image each local tag's last update replaced, kept for a rollback, by `fullName:tag` (issue 22). */
    previous?(repos: LocalRepository[]): Promise<ReadonlyMap<string, PreviousImage>>;
    /** Before `u` pulls a tag again: the image it points at now is kept (as `image update` does); until when, or null. */
    keepPrevious?(ref: string): Promise<{ id: string; keptUntil: string } | null>;
    /** Points the tag back at the image its last update replaced (`image rollback`). */
    rollback?(ref: string): Promise<RollbackResult>;
    /** The versions an update of `ref` moves between and its release notes (asks the registry); null: no update. */
    describe?(ref: string, signal?: AbortSignal): Promise<UpdateNotice | null>;
  };
  status: {
    /** The engine's status if it was read before the first frame (handed out once). */
    initialEngine?(): EngineStatus | undefined;
    engine(signal?: AbortSignal): Promise<EngineStatus>;
    hubRateLimit(): RateLimitView | null;
  };
  engines: {
    /** The active engine's name (the header shows it). */
    active(): string;
    /** Which rule chose it, in a few words (`from DOCKER_HOST`, `switched here`): the header says it. */
    rule?(): string;
    /** The engine the next start (and a command without --engine) uses: hints name the others. */
    startsOn?(): string;
    /** Every engine, without asking them (fast). */
    list(): Promise<EngineRow[]>;
    /** Every engine with its answer (all at once, a few seconds at most). */
    check(): Promise<EngineRow[]>;
    /** Work on another engine from now on (and at the next start): lists and marks follow (subscribers are told). */
    switchTo(name: string): Promise<void>;
    /**
     * Saves after asking the engine for its version, as `engine add` does: one that does not answer throws an
     * EngineNotAnswering unless `force` (the form's "save anyway"); then the answer is what went wrong.
     */
    save(original: string | null, input: EngineFormInput, options?: { force?: boolean }): Promise<{ problem: string | null }>;
    remove(name: string): Promise<void>;
    /** Called when the active engine changes. */
    subscribe(listener: () => void): () => void;
  };
  /**
   * LXC images through LXD (issue 14), when LXD is on this host: the simplestreams servers, each shown as a
   * depot whose `registry` is `lxd:NAME` (remote.list / tags / inspect and downloads.start route those to
   * LXD); LXC images also come in local.list with `type: 'lxc'`.
   */
  lxc?: { servers(): Promise<string[]> };
  /** Warnings that do not stop anything (engine unreachable during a search…): shown in the banner. */
  warnings: { subscribe(listener: (message: string) => void): () => void };
}

export { appWords, errorText } from './appWords';
