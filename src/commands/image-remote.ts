// Presentation of the remote side for `image list` (remote categories), `image tags`, `image inspect --remote`,
// `registry ping` and `repo *`: pure functions from service results to DESIGN.md's `--json` objects and to
// human tables. No commander code here (the `image` / `repo` commands call these). Every remote string shown
// to a person is sanitised (table() does it for cells; the key/value lines do it here).
import { InvalidInput, NotFound, NotSupported } from '../domain/errors';
import { formatAge, formatBytes } from '../domain/format';
import type { RemoteImage, RemoteInspect, TagList } from '../domain/images';
import { sanitizeLine } from '../domain/sanitize';
import { sameAsText, versionInfo } from '../domain/versions';
import type { RemoteServices } from '../services/remote/index';
import type { RemoteImageHandlers } from './image';
import { table, type Output } from './output';

export type RemoteCategoryName = 'selected' | 'official' | 'dockerhub' | 'private';

/** `qnap` is the seed's name for the selected depot. */
export function canonicalCategory(text: string): string {
  const t = text.trim().toLowerCase();
  return t === 'qnap' ? 'selected' : t;
}

/** `--type`: docker (or empty) is fine; lxc is not supported yet (501); anything else is a 400. */
export function checkImageType(type: string | undefined): string {
  const t = (type ?? '').trim().toLowerCase();
  if (t === '' || t === 'docker') return t;
  if (t === 'lxc') throw new NotSupported('LXC images are not supported on this host yet');
  throw new InvalidInput(`--type must be docker or lxc (got "${sanitizeLine(type ?? '')}")`);
}

function repositoryField(image: RemoteImage): string {
  return typeof image.source === 'string' ? image.source : image.source.registry;
}

/** One result of `image list --json` with the fields DESIGN.md lists for its category. */
export function remoteImageJson(category: RemoteCategoryName, image: RemoteImage): Record<string, unknown> {
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

/** `image list --json` for a remote category. */
export function remoteListJson(
  category: RemoteCategoryName,
  filterText: string,
  type: string,
  results: RemoteImage[],
  warnings: string[],
): { category: string; filter_text: string; type: string; results: Record<string, unknown>[]; total_count: number; warnings: string[] } {
  return {
    category,
    filter_text: filterText,
    type,
    results: results.map((r) => remoteImageJson(category, r)),
    total_count: results.length,
    warnings: warnings.map((w) => sanitizeLine(w)),
  };
}

const mark = (installed: boolean | null): string => (installed === null ? '?' : installed ? 'yes' : '-');
const state = (image: RemoteImage): string => (image.downloading ? 'downloading' : mark(image.installed));

/** `image list` for a remote category, as a table. */
export function remoteListLines(category: RemoteCategoryName, results: RemoteImage[], width?: number): string[] {
  if (results.length === 0) return ['no images found'];
  switch (category) {
    case 'selected':
      return table(
        results,
        [
          { header: 'NAME', get: (r) => r.name },
          { header: 'TYPE', get: (r) => r.type ?? 'docker' },
          { header: 'VERSION', get: (r) => (r.type === 'lxc' ? '-' : (r.version ?? 'latest')) },
          { header: 'ARCH', get: (r) => (r.arch ?? []).join(',') || '-' },
          { header: 'GROUP', get: (r) => r.group ?? '' },
          { header: 'INSTALLED', get: state },
          { header: 'DESCRIPTION', get: (r) => r.description || r.title || '', flex: true },
        ],
        width,
      );
    case 'official':
      return table(
        results,
        [
          { header: 'NAME', get: (r) => r.name },
          { header: 'STARS', get: (r) => String(r.starCount ?? 0), align: 'right' },
          { header: 'INSTALLED', get: state },
          { header: 'DESCRIPTION', get: (r) => r.description, flex: true },
        ],
        width,
      );
    case 'dockerhub':
      return table(
        results,
        [
          { header: 'NAME', get: (r) => r.name },
          { header: 'STARS', get: (r) => String(r.starCount ?? 0), align: 'right' },
          { header: 'OFFICIAL', get: (r) => (r.isOfficial ? '[OK]' : '') },
          { header: 'INSTALLED', get: state },
          { header: 'DESCRIPTION', get: (r) => r.description, flex: true },
        ],
        width,
      );
    case 'private':
      return table(
        results,
        [
          { header: 'NAME', get: (r) => r.name },
          { header: 'INSTALLED', get: state },
          { header: 'LOCATION', get: (r) => r.location, flex: true },
        ],
        width,
      );
  }
}

/** `image tags --json`. `details` only for tags the registry told something about (Docker Hub does). */
export function tagsJson(list: TagList): {
  name: string;
  installed: string[];
  tags: string[];
  details: { name: string; size: number | null; last_updated: string | null; digest: string | null; platforms: string[]; same_as: string[] }[];
} {
  return {
    name: list.name,
    installed: list.installed,
    tags: list.tags,
    details: list.details
      .filter((d) => d.size !== null || d.lastUpdated !== null || d.digest !== null || d.platforms.length > 0)
      .map((d) => ({ name: d.name, size: d.size, last_updated: d.lastUpdated, digest: d.digest, platforms: d.platforms, same_as: d.sameAs ?? [] })),
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

/** `image inspect --remote --json` (Docker's field names; ExposedPorts in Docker's `{"80/tcp": {}}` shape). */
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

export interface RepoViewLike {
  name: string;
  registry: string | null;
  inUse: boolean;
  username?: string;
}

/** `repo list --json` entries and `repo show --json` (`username` only when the view has it; never a password). */
export function repoJson(r: RepoViewLike): { name: string; registry: string | null; in_use: boolean; username?: string } {
  return { name: r.name, registry: r.registry, in_use: r.inUse, ...(r.username !== undefined ? { username: r.username } : {}) };
}

export function repoLines(list: RepoViewLike[], width?: number): string[] {
  if (list.length === 0) return ['no saved repositories'];
  return table(
    list,
    [
      { header: 'NAME', get: (r) => r.name, flex: true },
      { header: 'REGISTRY', get: (r) => r.registry ?? '-' },
      { header: 'IN USE', get: (r) => (r.inUse ? 'yes' : 'no') },
    ],
    width,
  );
}

export function repoShowLines(r: RepoViewLike): string[] {
  return [
    `Name:     ${sanitizeLine(r.name)}`,
    `Registry: ${sanitizeLine(r.registry ?? '-')}`,
    `In use:   ${r.inUse ? 'yes' : 'no'}`,
    `Username: ${sanitizeLine(r.username || '-')}`,
  ];
}




// ---- handlers for the commands (src/commands/image.ts RemoteImageHandlers, and `repo *`) ----------------------

type RemoteSide = () => Promise<Pick<RemoteServices, 'depots' | 'tags' | 'inspect' | 'repositories'>>;

/** What `registerImage(program, ctx, …)` takes for the remote categories, `tags` and `inspect --remote`. */
export function remoteImageHandlers(remote: RemoteSide, columns: () => number | undefined = () => undefined): Required<RemoteImageHandlers> {
  return {
    async list(out, query) {
      const category = canonicalCategory(query.category) as RemoteCategoryName;
      // The selected catalog holds LXC entries too: `--type lxc` / `--type docker` picks one kind.
      const type = category === 'selected' && query.type.trim().toLowerCase() === 'lxc' ? 'lxc' : checkImageType(query.type);
      const result = await (await remote()).depots.list({
        category,
        filter: query.filter,
        ...(category === 'selected' && (type === 'lxc' || type === 'docker') ? { type } : {}),
        ...(query.registry !== undefined ? { registry: query.registry } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      });
      for (const w of result.warnings) out.warnings.add(w);
      const json = remoteListJson(category, query.filter, type, result.results, out.warnings.list);
      out.result(result.truncated ? { ...json, truncated: true } : json, () => remoteListLines(category, result.results, columns()), { withWarnings: true });
    },
    async inspect(out, ref, options) {
      const r = await (await remote()).inspect.remote(ref, options);
      out.result(remoteInspectJson(r), () => remoteInspectLines(r, new Date(), columns()));
    },
    async platformCheck(ref, options) {
      try {
        await (await remote()).inspect.remote(ref, { ...options, signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        // Only a definite "it has no such platform" stops the pull; anything else is left to the engine
        // (which may reach a registry stevedore cannot: its own mirrors, certificates, proxies).
        if (error instanceof NotFound && error.message.includes(' for platform ')) throw error;
      }
    },
    async tags(out, name, options: { registry?: string; versions?: boolean }) {
      const list = await (await remote()).tags.list(name, options);
      // A cut-short list says so: `"truncated": true` and a warning (on stderr in human mode).
      if (list.truncated) out.warnings.add(list.truncated);
      out.result(list.truncated ? { ...tagsJson(list), truncated: true } : tagsJson(list), () => tagsLines(list, new Date(), columns()));
    },
  };
}

/** `repo list|add|show|update|rm` bodies: each prints its result through `out` (the password comes from the prompt). */
export function repoHandlers(remote: RemoteSide, columns: () => number | undefined = () => undefined) {
  return {
    async list(out: Output, filter: { name?: string; registry?: string }): Promise<void> {
      const list = await (await remote()).repositories.list(filter);
      out.result(list.map((r) => repoJson(r)), () => repoLines(list, columns()));
    },
    async add(out: Output, name: string, credentials: { username?: string; password?: string }): Promise<void> {
      const r = await (await remote()).repositories.add(name, credentials);
      out.result(repoJson(r), () => `saved repository ${sanitizeLine(r.name)}${r.registry ? ` (registry "${sanitizeLine(r.registry)}")` : ''}`);
    },
    async show(out: Output, name: string): Promise<void> {
      const r = await (await remote()).repositories.show(name);
      out.result(repoJson(r), () => repoShowLines(r));
    },
    async update(out: Output, name: string, credentials: { username?: string; password?: string }): Promise<void> {
      const r = await (await remote()).repositories.update(name, credentials);
      out.result(repoJson(r), () => `updated the credentials of ${sanitizeLine(r.name)}`);
    },
    async remove(out: Output, name: string): Promise<void> {
      const r = await (await remote()).repositories.remove(name);
      out.result(repoJson(r), () => `removed saved repository ${sanitizeLine(r.name)}`);
    },
  };
}
