// The local list (DESIGN.md "image list", category local) as every surface shows it: the query (the engine's
// images, `--registry` and `--limit`, the "downloading" marks of the download worker, the last update checks,
// the images kept for a rollback, what each image costs on disk) and its presenters (`--json` and serve's
// JSON, the CLI's table). A worker that does not answer gives `downloading: null` and a warning, never a
// failed list; sizes that cannot be worked out are null, with a warning.
import { describeError } from '../domain/errors';
import { formatAge, formatBytes } from '../domain/format';
import type { LocalRepository } from '../domain/images';
import type { ImageDiskSize } from '../domain/diskUsage';
import type { UpdateResult } from '../domain/updates';
import type { AppServices } from '../services/index';
import type { PreviousImage } from '../services/updates/previous';
import { table } from './table';

export interface LocalListQuery {
  filter: string;
  /** Only the images of this configured registry. */
  registry?: string;
  limit?: number;
  /** `--type` as given (`docker` or ''): echoed. */
  type: string;
}

export interface LocalListModel {
  filterText: string;
  type: string;
  repos: LocalRepository[];
  /** Full repository names with a download waiting or running; null when the worker did not answer. */
  downloading: Set<string> | null;
  /** The last update checks by `fullName:tag` (from the cache: no registry is asked). */
  updates: ReadonlyMap<string, Pick<UpdateResult, 'id' | 'status' | 'checkedAt'>>;
  /** The image each tag's last update replaced, kept for `image rollback`, by `fullName:tag`. */
  previous: ReadonlyMap<string, PreviousImage>;
  /** Unique and shared bytes by image ID; null when they could not be worked out (or were not asked). */
  sizes: ReadonlyMap<string, ImageDiskSize> | null;
  warnings: string[];
}

export interface LocalListOptions {
  /** The engine's list (serve keeps it warm); default the engine's own. */
  list?: (filter: string) => Promise<LocalRepository[]>;
  /** Read the last update checks, the kept images and the disk sizes (default true; the human table shows none). */
  updates?: boolean;
  /** The whole listing, unfiltered (sharing is counted over every image); default: the engine's. */
  whole?: () => Promise<LocalRepository[]>;
}

/** A failure as one line (for a warning). */
export function why(error: unknown): string {
  return describeError(error);
}

export const DOWNLOADS_UNKNOWN = (error: unknown): string => `cannot read the running downloads: ${why(error)}; "downloading" marks are unknown`;

export async function localList(services: Pick<AppServices, 'engine' | 'registries' | 'updates'>, query: LocalListQuery, options: LocalListOptions = {}): Promise<LocalListModel> {
  const engine = await services.engine();
  const warnings: string[] = [];
  const list = options.list ?? ((filter: string) => engine.images.listLocal(filter ? { filter } : {}));
  const [all, downloading, host, updates] = await Promise.all([
    list(query.filter),
    engine.downloadingIndex().catch((error: unknown) => {
      warnings.push(DOWNLOADS_UNKNOWN(error));
      return null;
    }),
    query.registry ? services.registries().then((r) => r.hostOf(query.registry ?? '')) : Promise.resolve(null),
    options.updates === false ? Promise.resolve(null) : services.updates().catch(() => null),
  ]);
  let repos = host ? all.filter((r) => r.fullName.startsWith(`${host}/`)) : all;
  if (query.limit !== undefined) repos = repos.slice(0, query.limit);
  const model: LocalListModel = { filterText: query.filter, type: query.type, repos, downloading, updates: new Map(), previous: new Map(), sizes: null, warnings };
  if (!updates) return model;
  // The whole listing: a filtered one may leave out a kept image itself, and sharing counts every image.
  const whole = options.whole ?? (query.filter ? undefined : async () => all);
  const [checks, previous, sizes] = await Promise.all([
    updates.cached().catch(() => new Map<string, UpdateResult>()),
    (async () => updates.previous(whole ? await whole() : undefined))().catch(() => new Map<string, PreviousImage>()),
    (async () => engine.disk.sizes({ ...(whole ? { repos: await whole() } : {}), ids: repos.flatMap((r) => r.images.map((i) => i.id)) }))().catch((error: unknown) => {
      warnings.push(`cannot work out what each image costs on disk: ${why(error)}; unique_size and shared_size are null`);
      return null;
    }),
  ]);
  return { ...model, updates: checks, previous, sizes };
}

/**
 * `image list --json` for the local category, and serve's answer: each entry of images[] carries its `update`
 * status (null when never checked, or checked for another image), the seed's `description` and `icon`.
 */
export function localListJson(model: LocalListModel): Record<string, unknown> {
  const { downloading, updates } = model;
  const results = model.repos.map((repo) => ({
    name: repo.name,
    description: '',
    icon: '',
    installed: true,
    downloading: downloading === null ? null : repo.fullName !== '' && downloading.has(repo.fullName),
    repository: 'local',
    type: 'docker',
    tags: repo.images.map((i) => i.tag),
    size: repo.images.map((i) => i.size),
    is_latest: repo.isLatest,
    in_use: repo.inUse,
    images: repo.images.map((i) => {
      const checked = updates.get(`${repo.fullName}:${i.tag}`);
      const disk = model.sizes?.get(i.id);
      const kept = model.previous.get(`${repo.fullName}:${i.tag}`);
      return {
        tag: i.tag,
        id: i.id,
        size: i.size,
        created: i.created,
        in_use: i.inUse,
        unique_size: disk?.unique ?? null,
        shared_size: disk?.shared ?? null,
        update: checked && checked.id === i.id ? checked.status : null,
        // The image `image rollback` would return to (issue 22), or null.
        previous: kept ? { id: kept.id, digest: kept.digest, replaced_at: kept.replacedAt, kept_until: kept.keptUntil, pin: kept.pin } : null,
      };
    }),
  }));
  return { category: 'local', filter_text: model.filterText, type: model.type, results, total_count: results.length, warnings: model.warnings };
}

/** One row per tag, like `docker images`. */
export function localListTable(repos: LocalRepository[], width: number | undefined, now = Date.now()): string[] {
  const rows = repos.flatMap((repo) => repo.images.map((image) => ({ repo, image })));
  if (rows.length === 0) return ['no local images'];
  return table(
    rows,
    [
      { header: 'REPOSITORY', get: (r) => r.repo.name, flex: true },
      { header: 'TAG', get: (r) => r.image.tag, flex: true },
      { header: 'IMAGE ID', get: (r) => shortId(r.image.id) },
      { header: 'CREATED', get: (r) => formatAge(r.image.created, now) },
      { header: 'SIZE', get: (r) => formatBytes(r.image.size), align: 'right' },
      { header: 'IN USE', get: (r) => (r.image.inUse ? 'yes' : '-') },
    ],
    width,
  );
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
