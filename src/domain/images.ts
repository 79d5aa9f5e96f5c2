// The image model shared by both sides (engine and registries), the services and the screens.
// JSON shapes of DESIGN.md are produced from these by the views (src/views; field names of the seed).
// The rules every surface shares are written here once: which categories there are (and `qnap`), and
// which download statuses count as active.
import { InvalidInput } from './errors';
import { repositoryOf } from './reference';
import { sanitizeLine } from './sanitize';

/** One local image under one tag (a repository's row in the Local depot). */
export interface LocalImage {
  /** The tag, or `<none>` for a dangling image. */
  tag: string;
  /** Full image ID (`sha256:…`). */
  id: string;
  /** Bytes on disk as the engine reports (shared layers counted in each image). */
  size: number;
  /** ISO 8601. */
  created: string;
  /** Used by any container, running or stopped. */
  inUse: boolean;
  /** Registry digests the engine knows for it (`repo@sha256:…`). */
  digests: string[];
  /** Names of the containers (running or stopped) that use it; absent when none do. */
  containers?: string[];
}

/** The digests (`sha256:…`) among an image's RepoDigests that belong to this repository. */
export function digestsFor(image: LocalImage, fullName: string): string[] {
  const out: string[] = [];
  for (const d of image.digests) {
    const at = d.lastIndexOf('@');
    if (at < 0) continue;
    if (repositoryOf(d.slice(0, at)) === fullName) out.push(d.slice(at + 1));
  }
  return out;
}

/** A repository on the engine with every tag (the Local depot groups images this way). */
export interface LocalRepository {
  /** Familiar repository name (`redis`, `team/app`, `registry:5000/team/app`); `<none>` for dangling images. */
  name: string;
  /** Full name (`docker.io/library/redis`), empty for `<none>`. */
  fullName: string;
  images: LocalImage[];
  /** Tags that point at the same image as `latest`. */
  isLatest: string[];
  inUse: boolean;
  /** `lxc` for an LXC image held by LXD (its one image's id is `lxc:FINGERPRINT`); absent for Docker. */
  type?: 'docker' | 'lxc';
}

/** Where a remote result comes from (the `repository` field of DESIGN.md). */
export type RemoteSource = 'selected' | 'dockerhub' | { registry: string };

/** One result of a remote depot (selected, official, dockerhub, private). */
export interface RemoteImage {
  /** Familiar name (`redis`, `team/app`, `registry:5000/team/app`). */
  name: string;
  /** Full repository name (`docker.io/library/redis`), the key for installed/downloading marks. */
  fullName: string;
  description: string;
  /** URL a person can open. */
  location: string;
  source: RemoteSource;
  title?: string;
  /** Suggested tag (selected: the catalog's; official: latest). */
  version?: string;
  arch?: string[];
  group?: string;
  starCount?: number;
  pullCount?: number;
  isOfficial?: boolean;
  isTrusted?: boolean;
  /** `lxc` for an LXC image of the selected catalog (an alias on a simplestreams server); absent for Docker. */
  type?: 'docker' | 'lxc';
  /** LXC: the simplestreams server's name (`lxd-server list`). */
  server?: string;
  /** Why it cannot be downloaded here (LXC without LXD: the sockets looked at); absent when it can. */
  unavailable?: string;
  /** Some tag of it is on the engine; null when the engine cannot be reached. */
  installed: boolean | null;
  /** A download of it is running in any session. */
  downloading: boolean | null;
}

/** The remote depots, in the order the app shows them. */
export const REMOTE_CATEGORIES = ['selected', 'official', 'dockerhub', 'private'] as const;
export type RemoteCategory = (typeof REMOTE_CATEGORIES)[number];
export type Category = 'local' | RemoteCategory;

/** A category as asked (any case, `qnap` for the selected depot) in its canonical name; '' stays ''. */
export function canonicalCategory(text: string): string {
  const t = text.trim().toLowerCase();
  return t === 'qnap' ? 'selected' : t;
}

/** A category as asked, checked: one of local and the remote ones (`qnap` = selected), else a 400. */
export function parseCategory(text: string): Category {
  const c = canonicalCategory(text) || 'local';
  if (c === 'local' || (REMOTE_CATEGORIES as readonly string[]).includes(c)) return c as Category;
  throw new InvalidInput(`category must be one of local, qnap, selected, official, dockerhub, private (got "${sanitizeLine(text)}")`);
}

/** A tag with what the registry tells about it (Docker Hub tells size, date and platforms). */
export interface TagDetail {
  name: string;
  /** Compressed bytes, when known. */
  size: number | null;
  /** ISO 8601, when known. */
  lastUpdated: string | null;
  digest: string | null;
  /** `os/arch[/variant]`, attestation entries hidden. */
  platforms: string[];
  /** The other tags with the same digest, version-looking ones first (`latest` → `1.27.3`, `1.27`); when known. */
  sameAs?: string[];
}

export interface TagList {
  /** Familiar repository name. */
  name: string;
  fullName: string;
  /** Tags present on the engine. */
  installed: string[];
  /** Ordered: latest, then versions highest first, then the rest newest first or by name. */
  tags: string[];
  details: TagDetail[];
  /** Why the list is incomplete (the registry had more than stevedore reads), or absent when whole. */
  truncated?: string | null;
  /** What a person should know about this list (cut short, names left out, marks unknown): the surfaces show them. */
  warnings?: string[];
}

/** What an image runs and how (the part of its config a person looks at). */
export interface ImageRunConfig {
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[] | null;
  exposedPorts: string[] | null;
  labels: Record<string, string> | null;
  workingDir: string | null;
  user: string | null;
}

/** Remote inspect (without pulling): DESIGN.md "image inspect --remote". */
export interface RemoteInspect {
  name: string;
  tag: string;
  /** What the reference resolves to (the index digest for a multi-platform image). */
  digest: string;
  /** The chosen platform's manifest digest. */
  manifestDigest: string;
  platform: string;
  platforms: string[];
  mediaType: string;
  created: string | null;
  architecture: string;
  os: string;
  variant: string | null;
  config: ImageRunConfig;
  layers: { digest: string; size: number; mediaType: string }[];
  /** Compressed bytes: config + layers. */
  size: number;
}

export type DownloadStatus = 'waiting' | 'downloading' | 'extracting' | 'complete' | 'failed' | 'cancelled';

/** A download that waits or runs (one that can be cancelled, and that `downloading` marks count). */
export const ACTIVE_STATUSES: readonly DownloadStatus[] = ['waiting', 'downloading', 'extracting'];

export function isActiveStatus(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

export interface LayerProgress {
  /** Short layer id as the engine names it. */
  id: string;
  /** The engine's own status text (`Downloading`, `Pull complete`…). */
  status: string;
  current: number | null;
  total: number | null;
}

/** A download as every session sees it (from the background worker). */
export interface DownloadSnapshot {
  id: string;
  /** Familiar reference with its tag (`redis:7`). */
  name: string;
  /** Full reference sent to the engine (`docker.io/library/redis:7`). */
  ref: string;
  platform: string | null;
  status: DownloadStatus;
  /** Integer 0–100 that never goes down, or null while totals are unknown. */
  percent: number | null;
  /** The engine's last status text. */
  detail: string;
  current: number | null;
  total: number | null;
  /**
   * Layers whose size the engine had not said when this was seen: while there are any, `total` is the total so
   * far (kept after the download ends, so a cancelled one still says so). Absent in older records.
   */
  unsized?: number | null;
  /** Bytes per second (smoothed), when known. */
  speed: number | null;
  /** Seconds left, when known. */
  eta: number | null;
  /** Layers in the order first seen. */
  layers: LayerProgress[];
  error: string | null;
  digest: string | null;
  startedAt: string;
  finishedAt: string | null;
}
