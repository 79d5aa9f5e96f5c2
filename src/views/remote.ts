// The remote side as every surface shows it (DESIGN.md "Depots", "image tags", "image inspect --remote"):
// the queries (a depot, a repository's tags, a remote inspect) with their warnings and `truncated` kept, and the
// presenters: the `--json` objects serve answers too, and the CLI's tables. Every remote string shown to a
// person is sanitised (table() does it for cells; the key/value lines do it here).
import { InvalidInput, NotFound, NotSupported } from '../domain/errors';
import { formatAge, formatBytes } from '../domain/format';
import type { RemoteCategory, RemoteImage, RemoteInspect, TagList } from '../domain/images';
import { sanitizeLine } from '../domain/sanitize';
import { sameAsText, versionInfo } from '../domain/versions';
import type { AppServices } from '../services/index';
import { table } from './table';

/** `--type`: docker (or empty) is fine; lxc goes to the LXC views (501 here); anything else is a 400. */
export function checkImageType(type: string | undefined): string {
  const t = (type ?? '').trim().toLowerCase();
  if (t === '' || t === 'docker') return t;
  if (t === 'lxc') throw new NotSupported('LXC images are listed, inspected and pulled with --type lxc');
  throw new InvalidInput(`--type must be docker or lxc (got "${sanitizeLine(type ?? '')}")`);
}

export interface RemoteListQuery {
  category: RemoteCategory;
  filter: string;
  registry?: string;
  limit?: number;
  /** `--type` as given (`docker`, `lxc` for the selected catalog's LXC entries, or ''). */
  type: string;
  signal?: AbortSignal;
}

export interface RemoteListModel {
  category: RemoteCategory;
  filterText: string;
  type: string;
  results: RemoteImage[];
  warnings: string[];
  /** The list was cut short (a cap or the listing deadline; the first warning says which). */
  truncated: boolean;
}

export async function remoteList(services: Pick<AppServices, 'remote'>, query: RemoteListQuery): Promise<RemoteListModel> {
  const { category } = query;
  // The selected catalog holds LXC entries too: `--type lxc` / `--type docker` picks one kind.
  const type = category === 'selected' && query.type.trim().toLowerCase() === 'lxc' ? 'lxc' : checkImageType(query.type);
  const result = await (await services.remote()).depots.list({
    category,
    filter: query.filter,
    ...(category === 'selected' && (type === 'lxc' || type === 'docker') ? { type } : {}),
    ...(query.registry !== undefined ? { registry: query.registry } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.signal ? { signal: query.signal } : {}),
  });
  return { category, filterText: query.filter, type, results: result.results, warnings: result.warnings.map((w) => sanitizeLine(w)), truncated: result.truncated === true };
}

function repositoryField(image: RemoteImage): string {
  return typeof image.source === 'string' ? image.source : image.source.registry;
}

/** One result of `image list --json` with the fields DESIGN.md lists for its category. */
export function remoteImageJson(category: RemoteCategory, image: RemoteImage): Record<string, unknown> {
  const base = { name: image.name, installed: image.installed, downloading: image.downloading, repository: repositoryField(image), type: image.type ?? 'docker' };
  switch (category) {
    case 'selected':
      return {
        ...base,
        // LXC entries: the simplestreams server, and why they cannot be downloaded here (no LXD) when so.
        ...(image.type === 'lxc' ? { server: image.server ?? '', ...(image.unavailable ? { unavailable: image.unavailable } : {}) } : {}),
        title: image.title ?? image.name,
        description: image.description,
        version: image.version ?? 'latest',
        arch: image.arch ?? [],
        group: image.group ?? '',
        location: image.location,
      };
    case 'official':
      return { ...base, title: image.title ?? image.name, description: image.description, version: image.version ?? 'latest', star_count: image.starCount ?? 0, location: image.location };
    case 'dockerhub':
      return {
        ...base,
        description: image.description,
        star_count: image.starCount ?? 0,
        is_official: image.isOfficial ?? false,
        is_trusted: image.isTrusted ?? false,
        location: image.location,
      };
    case 'private':
      return { ...base, location: image.location };
  }
}

export interface RemoteListJson {
  category: string;
  filter_text: string;
  type: string;
  results: Record<string, unknown>[];
  total_count: number;
  truncated?: true;
  warnings: string[];
}

/** `image list --json` for a remote category (and serve's answer): a cut-short list says `"truncated": true`. */
export function remoteListJson(model: RemoteListModel): RemoteListJson {
  return {
    category: model.category,
    filter_text: model.filterText,
    type: model.type,
    results: model.results.map((r) => remoteImageJson(model.category, r)),
    total_count: model.results.length,
    ...(model.truncated ? { truncated: true as const } : {}),
    warnings: model.warnings,
  };
}

const mark = (installed: boolean | null): string => (installed === null ? '?' : installed ? 'yes' : '-');
const state = (image: RemoteImage): string => (image.downloading ? 'downloading' : mark(image.installed));

/** `image list` for a remote category, as a table. */
export function remoteListLines(category: RemoteCategory, results: RemoteImage[], width?: number): string[] {
  if (results.length === 0) return ['no images found'];
  const name = { header: 'NAME', get: (r: RemoteImage) => r.name };
  const installed = { header: 'INSTALLED', get: state };
  const stars = { header: 'STARS', get: (r: RemoteImage) => String(r.starCount ?? 0), align: 'right' as const };
  const description = { header: 'DESCRIPTION', get: (r: RemoteImage) => r.description, flex: true };
  switch (category) {
    case 'selected':
      return table(
        results,
        [
          name,
          { header: 'TYPE', get: (r) => r.type ?? 'docker' },
          { header: 'VERSION', get: (r) => (r.type === 'lxc' ? '-' : (r.version ?? 'latest')) },
          { header: 'ARCH', get: (r) => (r.arch ?? []).join(',') || '-' },
          { header: 'GROUP', get: (r) => r.group ?? '' },
          installed,
          { header: 'DESCRIPTION', get: (r) => r.description || r.title || '', flex: true },
        ],
        width,
      );
    case 'official':
      return table(results, [name, stars, installed, description], width);
    case 'dockerhub':
      return table(results, [name, stars, { header: 'OFFICIAL', get: (r) => (r.isOfficial ? '[OK]' : '') }, installed, description], width);
    case 'private':
      return table(results, [name, installed, { header: 'LOCATION', get: (r) => r.location, flex: true }], width);
  }
}

/**
 * A repository's tags (`image tags`, serve's tags route, the app's Tags screen); `versions`: registries other
 * than Docker Hub ask which version tags are the same image as latest (a HEAD per candidate).
 */
export async function tagList(services: Pick<AppServices, 'remote'>, name: string, options: { registry?: string; versions?: boolean; signal?: AbortSignal } = {}): Promise<TagList & { warnings: string[] }> {
  const list = await (await services.remote()).tags.list(name, options);
  return { ...list, warnings: (list.warnings ?? []).map((w) => sanitizeLine(w)) };
}

export interface TagsJson {
  name: string;
  installed: string[];
  tags: string[];
  details: { name: string; size: number | null; last_updated: string | null; digest: string | null; platforms: string[]; same_as: string[] }[];
  truncated?: true;
  warnings: string[];
}

/** `image tags --json` and serve's answer. `details` only for tags the registry told something about (Docker Hub does). */
export function tagsJson(list: TagList): TagsJson {
  return {
    name: list.name,
    installed: list.installed,
    tags: list.tags,
    details: list.details
      .filter((d) => d.size !== null || d.lastUpdated !== null || d.digest !== null || d.platforms.length > 0)
      .map((d) => ({ name: d.name, size: d.size, last_updated: d.lastUpdated, digest: d.digest, platforms: d.platforms, same_as: d.sameAs ?? [] })),
    ...(list.truncated ? { truncated: true as const } : {}),
    warnings: list.warnings ?? [],
  };
}

/** `image tags` as a table (size, age and platforms when known). */
export function tagsLines(list: TagList, now: Date = new Date(), width?: number): string[] {
  if (list.details.length === 0) return [`${sanitizeLine(list.name)}: no tags`];
  const installed = new Set(list.installed);
  const rich = list.details.some((d) => d.size !== null || d.lastUpdated !== null || d.platforms.length > 0);
  const here = { header: 'INSTALLED', get: (d: TagList['details'][number]) => (installed.has(d.name) ? 'yes' : '-') };
  // Versions, not digests: `latest = 1.27.3, also 1.27, mainline` above the table when known.
  const latest = list.details.find((d) => d.name === 'latest');
  const head = latest?.sameAs && latest.sameAs.length > 0 ? [sameAsText('latest', latest.sameAs), ''] : [];
  if (!rich) return [...head, ...table(list.details, [{ header: 'TAG', get: (d) => d.name }, here], width)];
  return [...head, ...table(
    list.details,
    [
      { header: 'TAG', get: (d) => d.name },
      { header: 'SIZE', get: (d) => (d.size === null ? '-' : formatBytes(d.size)), align: 'right' },
      { header: 'UPDATED', get: (d) => (d.lastUpdated ? formatAge(d.lastUpdated, now.getTime()) : '-') },
      here,
      { header: 'PLATFORMS', get: (d) => d.platforms.join(', ') || '-', flex: true },
    ],
    width,
  )];
}

/** `image inspect --remote` (the registry's answer, without pulling). */
export async function remoteInspect(
  services: Pick<AppServices, 'remote'>,
  ref: string,
  options: { registry?: string; platform?: string; signal?: AbortSignal } = {},
): Promise<RemoteInspect> {
  return (await services.remote()).inspect.remote(ref, options);
}

/**
 * Before a pull with a platform (asked for, or the `platform` setting when none is given): a 404 naming the
 * platforms the image has, when it lacks that one. Only that definite answer stops the pull; anything else is
 * left to the engine (which may reach a registry stevedore cannot: its own mirrors, certificates, proxies).
 */
export async function checkPlatform(services: Pick<AppServices, 'remote'>, ref: string, options: { registry?: string; platform?: string }): Promise<void> {
  try {
    await remoteInspect(services, ref, { ...options, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    if (error instanceof NotFound && error.message.includes(' for platform ')) throw error;
  }
}

/** `image inspect --remote --json` and serve's remote_inspect (Docker's field names; ExposedPorts as `{"80/tcp": {}}`). */
export function remoteInspectJson(r: RemoteInspect): Record<string, unknown> {
  return {
    Name: r.name,
    Tag: r.tag,
    Digest: r.digest,
    ManifestDigest: r.manifestDigest,
    Platform: r.platform,
    Platforms: r.platforms,
    MediaType: r.mediaType,
    Created: r.created,
    Architecture: r.architecture,
    Os: r.os,
    Variant: r.variant,
    Config: {
      Cmd: r.config.cmd,
      Entrypoint: r.config.entrypoint,
      Env: r.config.env,
      ExposedPorts: r.config.exposedPorts ? Object.fromEntries(r.config.exposedPorts.map((p) => [p, {}])) : null,
      Labels: r.config.labels,
      WorkingDir: r.config.workingDir,
      User: r.config.user,
    },
    Layers: r.layers.map((l) => ({ Digest: l.digest, Size: l.size, MediaType: l.mediaType })),
    Size: r.size,
  };
}

/** `image inspect --remote` for people: key/value lines, then the layers. */
export function remoteInspectLines(r: RemoteInspect, now: Date = new Date(), width?: number): string[] {
  const list = (v: string[] | null) => (v && v.length ? v.map((s) => (/\s/.test(s) ? JSON.stringify(s) : s)).join(' ') : '-');
  // The OCI labels a person looks for first (issue 22): the version, the source and its release notes.
  const info = versionInfo(r.config.labels);
  const rows: [string, string][] = [
    ['Name', r.name],
    ['Tag', r.tag || '-'],
    ['Version', info.version ?? '-'],
    ['Source', info.source ? `${info.source}${info.releaseNotes ? ` (release notes: ${info.releaseNotes})` : ''}` : '-'],
    ['Digest', r.digest],
    ['Manifest digest', r.manifestDigest],
    ['Platform', r.platform],
    ['Platforms', r.platforms.join(', ') || '-'],
    ['Media type', r.mediaType],
    ['Created', r.created ? `${r.created} (${formatAge(r.created, now.getTime())})` : '-'],
    ['Size', `${formatBytes(r.size)} compressed (${r.size} bytes)`],
    ['Entrypoint', list(r.config.entrypoint)],
    ['Cmd', list(r.config.cmd)],
    ['Working dir', r.config.workingDir ?? '-'],
    ['User', r.config.user ?? '-'],
    ['Ports', r.config.exposedPorts?.join(', ') || '-'],
  ];
  const pad = rows.reduce((w, [k]) => Math.max(w, k.length), 0) + 1;
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(pad + 1)}${sanitizeLine(v)}`);
  const env = r.config.env ?? [];
  lines.push(`${'Env:'.padEnd(pad + 1)}${env.length ? '' : '-'}`);
  for (const e of env) lines.push(`  ${sanitizeLine(e)}`);
  const labels = Object.entries(r.config.labels ?? {});
  lines.push(`${'Labels:'.padEnd(pad + 1)}${labels.length ? '' : '-'}`);
  for (const [k, v] of labels) lines.push(`  ${sanitizeLine(k)}=${sanitizeLine(v)}`);
  lines.push('', `Layers (${r.layers.length}):`);
  lines.push(
    ...table(
      r.layers,
      [
        { header: 'DIGEST', get: (l) => l.digest, flex: true },
        { header: 'SIZE', get: (l) => formatBytes(l.size), align: 'right' },
        { header: 'MEDIA TYPE', get: (l) => l.mediaType, flex: true },
      ],
      width,
    ).map((l) => `  ${l}`),
  );
  return lines;
}
