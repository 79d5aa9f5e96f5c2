// The remote depots of DESIGN.md: selected (the catalog), official (Docker Hub's library namespace),
// dockerhub (search over HTTP, as `docker search` does, not through the engine) and private (a registry's
// _catalog or v1 search, plus its saved repositories). Results carry installed/downloading marks; when the
// engine cannot be reached they still come, with a warning.
import { AppError, InvalidInput } from '../../domain/errors';
import type { RemoteImage } from '../../domain/images';
import { DOCKER_HUB_DOMAIN, familiarName, fullName, normalizeReference, type RepositoryRef } from '../../domain/reference';
import { registryHostOf } from '../../domain/registry';
import { sanitizeLine } from '../../domain/sanitize';
import type { CatalogSource } from './catalog';
import type { Connections } from './connections';
import type { RemoteDeps } from './index';
import { loadMarks, type Marks } from './marks';
import type { LxcCatalogMarks } from '../ports';

export type { RemoteCategory } from '../../domain/images';
import type { RemoteCategory } from '../../domain/images';

export interface DepotQuery {
  category: RemoteCategory;
  filter?: string;
  /** Registry name (private depot). */
  registry?: string;
  /** Selected depot: only Docker or only LXC entries (both when absent). */
  type?: 'docker' | 'lxc';
  limit?: number;
  signal?: AbortSignal;
}

export interface DepotResult {
  results: RemoteImage[];
  warnings: string[];
  /** The remote list was cut short (a cap or the listing deadline; the warnings say which). */
  truncated?: boolean;
}

const DEFAULT_SEARCH_LIMIT = 25;

type Fetched = Omit<RemoteImage, 'installed' | 'downloading'> & { marks?: Pick<RemoteImage, 'installed' | 'downloading'> };

/** A URL a person can open for an image: Docker Hub's page, or the registry URL plus the path. */
export function locationOf(ref: RepositoryRef, registryUrl?: string): string {
  if (ref.domain === DOCKER_HUB_DOMAIN) {
    return ref.path.startsWith('library/') && !ref.path.slice(8).includes('/')
      ? `https://hub.docker.com/_/${ref.path.slice(8)}`
      : `https://hub.docker.com/r/${ref.path}`;
  }
  return `${registryUrl ?? `https://${ref.domain}`}/${ref.path}`;
}

function matches(filter: string, ...fields: (string | undefined)[]): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return fields.some((f) => f !== undefined && f.toLowerCase().includes(needle));
}

function clean(text: string | undefined): string {
  return text ? sanitizeLine(text) : '';
}

export class Depots {
  constructor(
    private readonly deps: RemoteDeps,
    private readonly connections: Connections,
    private readonly catalog: CatalogSource,
  ) {}

  async list(query: DepotQuery): Promise<DepotResult> {
    const limit = query.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new InvalidInput('--limit must be a whole number of at least 1');
    const filter = (query.filter ?? '').trim();
    // The engine is asked in parallel with the remote side.
    const marksPromise = loadMarks(this.deps.installed, this.deps.downloading);
    let fetched: { images: Fetched[]; warnings: string[]; truncated?: string | null };
    try {
      fetched = await this.fetch(query.category, filter, query);
    } catch (error) {
      void marksPromise.catch(() => undefined);
      throw error;
    }
    const marks: Marks = await marksPromise;
    const images = limit !== undefined ? fetched.images.slice(0, limit) : fetched.images;
    return {
      results: images.map(({ marks: own, ...image }) =>
        own ? { ...image, ...own } : { ...image, installed: marks.installed(image.fullName), downloading: marks.downloading(image.fullName) },
      ),
      warnings: [...(fetched.truncated ? [fetched.truncated] : []), ...fetched.warnings, ...marks.warnings],
      ...(fetched.truncated ? { truncated: true } : {}),
    };
  }

  private async fetch(
    category: RemoteCategory,
    filter: string,
    query: DepotQuery,
  ): Promise<{ images: Fetched[]; warnings: string[]; truncated?: string | null }> {
    switch (category) {
      case 'selected':
        return this.selected(filter, query.type, query.signal);
      case 'official':
        return { warnings: [], ...(await this.official(filter, query.signal)) };
      case 'dockerhub':
        return { images: await this.dockerhub(filter, query.limit ?? DEFAULT_SEARCH_LIMIT, query.signal), warnings: [] };
      case 'private':
        return this.private(filter, query);
      default:
        throw new InvalidInput(`unknown remote category "${sanitizeLine(String(category))}"`);
    }
  }

  private async selected(filter: string, type: 'docker' | 'lxc' | undefined, signal?: AbortSignal): Promise<{ images: Fetched[]; warnings: string[] }> {
    const catalog = await this.catalog.load(this.deps.settings().catalog, signal);
    const entries = catalog.entries.filter((e) => (type === undefined || e.type === type) && matches(filter, e.name, e.title, e.description, e.group, e.type));
    // LXD is asked only when the catalog shows LXC entries.
    const lxc = entries.some((e) => e.type === 'lxc') ? await this.lxcMarks() : null;
    // No warning when LXD is missing (most hosts run Docker only): each LXC entry says why in `unavailable`.
    const warnings = [...catalog.problems];
    const images = entries.map((e): Fetched => {
        if (e.type === 'lxc') {
          const server = e.server ?? 'images';
          return {
            name: e.name,
            fullName: `lxd:${server}/${e.name}`,
            description: e.description,
            location: `${lxc?.serverUrl(server) ?? server}  ${e.name}`,
            source: 'selected' as const,
            title: e.title,
            version: '',
            arch: e.arch,
            group: e.group,
            type: 'lxc',
            server,
            ...(lxc?.unavailable ? { unavailable: lxc.unavailable } : {}),
            marks: { installed: lxc ? lxc.installed(e.name) : null, downloading: lxc ? lxc.downloading(server, e.name) : null },
          };
        }
        const ref = normalizeReference(e.name);
        return {
          name: familiarName(ref),
          fullName: fullName(ref),
          description: e.description,
          location: locationOf(ref),
          source: 'selected' as const,
          title: e.title,
          version: e.version,
          arch: e.arch,
          group: e.group,
        };
      });
    return { images, warnings };
  }

  /** The LXC marks, or marks saying why LXD cannot be asked (never a failure of the whole list). */
  private async lxcMarks(): Promise<LxcCatalogMarks> {
    const why = (error: unknown): string => (error instanceof AppError ? error.message : sanitizeLine(error instanceof Error ? error.message : String(error)));
    if (!this.deps.lxcMarks) return { unavailable: 'LXC images are not supported here', serverUrl: () => undefined, installed: () => null, downloading: () => null };
    try {
      return await this.deps.lxcMarks();
    } catch (error) {
      return { unavailable: why(error), serverUrl: () => undefined, installed: () => null, downloading: () => null };
    }
  }

  private async official(filter: string, signal?: AbortSignal) {
    const listing = await this.connections.hub().repositoriesListing('library', { signal });
    const named = listing.items.filter((r) => clean(r.name) === r.name && safeRef(`library/${r.name}`));
    const dropped = listing.items.length - named.length;
    const images = named
      .map((r) => ({ ...r, description: clean(r.description) }))
      .filter((r) => matches(filter, r.name, r.description))
      .flatMap((r) => {
        const ref = safeRef(`library/${r.name}`);
        if (!ref) return [];
        return [
          {
            name: familiarName(ref),
            fullName: fullName(ref),
            description: r.description,
            location: locationOf(ref),
            source: 'dockerhub' as const,
            title: familiarName(ref),
            version: 'latest',
            starCount: r.starCount,
            ...(r.pullCount !== null ? { pullCount: r.pullCount } : {}),
            isOfficial: true,
          },
        ];
      });
    return { images, truncated: listing.truncated, ...(dropped > 0 ? { warnings: [invalidNames('Docker Hub', dropped)] } : {}) };
  }

  private async dockerhub(filter: string, limit: number, signal?: AbortSignal) {
    if (!filter) throw new InvalidInput('searching Docker Hub needs a text to search for');
    const found = await this.connections.hubIndex().search(filter, { limit: Math.min(100, limit), signal });
    return found.flatMap((r) => {
      const ref = safeRef(clean(r.name));
      if (!ref || ref.domain !== DOCKER_HUB_DOMAIN) return [];
      return [
        {
          name: familiarName(ref),
          fullName: fullName(ref),
          description: clean(r.description),
          location: locationOf(ref),
          source: 'dockerhub' as const,
          starCount: r.starCount,
          ...(r.pullCount !== null ? { pullCount: r.pullCount } : {}),
          isOfficial: r.isOfficial,
          isTrusted: r.isTrusted,
        },
      ];
    });
  }

  private async private(filter: string, query: DepotQuery) {
    if (!query.registry) throw new InvalidInput('the private depot needs a registry name', { hint: 'see `stevedore registry list`' });
    const registry = this.deps.registries.get(query.registry);
    const host = registryHostOf(registry);
    const warnings: string[] = [];
    let paths: string[] = [];
    let truncated: string | null = null;
    if (registry.builtin) {
      warnings.push('Docker Hub does not list its repositories: showing saved repositories only (search it with --category dockerhub)');
    } else if (registry.version === 'v1') {
      const found = await this.connections.v1(registry).search(filter || '*', { limit: 100, ...(query.signal ? { signal: query.signal } : {}) });
      paths = found.map((r) => r.name);
    } else {
      try {
        ({ items: paths, truncated } = await this.connections.v2(host).catalogListing({ signal: query.signal }));
      } catch (error) {
        if (!(error instanceof AppError) || ![401, 403, 404].includes(error.code)) throw error;
        warnings.push(`${registry.name} does not list its repositories (${error.message}): showing saved repositories only`);
      }
    }
    const prefix = `${host.toLowerCase()}/`;
    const saved = this.deps.registryStore
      .read()
      .repositories.filter((r) => r.name.toLowerCase().startsWith(prefix))
      .map((r) => r.name.slice(prefix.length));
    const seen = new Set<string>();
    const images: Omit<RemoteImage, 'installed' | 'downloading'>[] = [];
    let dropped = 0;
    for (const path of [...paths, ...saved]) {
      // A name that is not a repository name (control characters, bad grammar) is left out, not rewritten.
      const ref = clean(path) === path ? safeRef(`${registry.builtin ? '' : `${host}/`}${path}`) : undefined;
      if (!ref) dropped++;
      if (!ref || seen.has(fullName(ref))) continue;
      seen.add(fullName(ref));
      const name = familiarName(ref);
      if (!matches(filter, name, ref.path)) continue;
      images.push({
        name,
        fullName: fullName(ref),
        description: '',
        location: locationOf(ref, registry.builtin ? undefined : registry.url),
        source: { registry: registry.name },
      });
    }
    images.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (dropped > 0) warnings.push(invalidNames(registry.name, dropped));
    return { images, warnings, truncated };
  }
}

function invalidNames(source: string, n: number): string {
  return `${source}: left out ${n} name${n === 1 ? '' : 's'} that ${n === 1 ? 'is not a valid repository name' : 'are not valid repository names'} (control characters, or not a name at all)`;
}

/** A normalised repository name, or undefined when a remote name is not one. */
function safeRef(name: string): RepositoryRef | undefined {
  try {
    const ref = normalizeReference(name);
    return ref.tag || ref.digest ? undefined : { domain: ref.domain, path: ref.path };
  } catch {
    return undefined;
  }
}
