// `image tags NAME`: every tag of a repository, in the order of src/domain/tags.ts, with the tags present on
// the engine. Docker Hub names use the Hub tags API (size, last update, platforms); a private Hub repository
// the web API will not show falls back to the registry's tags/list. Other registries: tags/list, every page.
// Versions, not digests (issue 22): where the tags carry digests (Docker Hub), each tag gets the others with
// its digest (`latest = 1.27.3, also 1.27`) at no extra request; elsewhere, with `versions`, `latest` and the
// highest version-looking tags are asked with a HEAD each (capped: sameDigest.ts) to say the same.
import { isDigest } from '../../clients/registry/manifest';
import { AppError } from '../../domain/errors';
import type { TagDetail, TagList } from '../../domain/images';
import { familiarName, fullName } from '../../domain/reference';
import { sanitizeLine } from '../../domain/sanitize';
import { orderTags } from '../../domain/tags';
import { orderSameAs } from '../../domain/versions';
import type { Connections } from './connections';
import type { RemoteDeps } from './index';
import { loadMarks } from './marks';
import { repositoryOnly, resolveRef } from './refs';
import { candidateDigests } from './sameDigest';

/** A tag as docker's reference grammar has it. */
const TAG_RE = /^[\w][\w.-]{0,127}$/;

export interface TagsOptions {
  registry?: string;
  /** Registries without digests in their tag list: HEAD `latest` and the highest version tags to find its versions. */
  versions?: boolean;
  signal?: AbortSignal;
}

export class Tags {
  constructor(
    private readonly deps: RemoteDeps,
    private readonly connections: Connections,
  ) {}

  async list(name: string, options: TagsOptions = {}): Promise<TagList> {
    const ref = repositoryOnly(resolveRef(name, this.deps.registries, options.registry), 'image tags');
    const display = familiarName(ref);
    const full = fullName(ref);
    const marksPromise = loadMarks(this.deps.installed, this.deps.downloading);
    let details: TagDetail[];
    let truncated: string | null;
    try {
      ({ details, truncated } = await this.fetch(ref.domain, ref.path, display, options.signal));
      if (options.versions && !this.connections.isHub(ref.domain)) details = await this.withDigests(ref.domain, ref.path, display, details, options.signal);
    } catch (error) {
      void marksPromise.catch(() => undefined);
      throw error;
    }
    const marks = await marksPromise;
    const warnings = [...marks.warnings];
    // What is not a tag (empty, control characters, over 128 characters) is dropped, not rewritten into
    // a name that does not exist; the warning counts them.
    const valid = details.filter((d) => TAG_RE.test(d.name));
    if (valid.length < details.length) {
      const n = details.length - valid.length;
      warnings.push(`${display}: left out ${n} tag${n === 1 ? '' : 's'} the registry sent that ${n === 1 ? 'is not a valid tag name' : 'are not valid tag names'} (empty, control characters, or over 128 characters)`);
      details = valid;
    }
    const ordered = withSameAs(orderTags(details));
    // A cut-short list says why first.
    if (truncated) warnings.unshift(truncated);
    return { name: display, fullName: full, installed: marks.installedTags(full), tags: ordered.map((d) => d.name), details: ordered, truncated, warnings };
  }

  /** `latest` and the highest version-looking tags with their digests, asked with a HEAD each (on demand). */
  private async withDigests(host: string, path: string, display: string, details: TagDetail[], signal?: AbortSignal): Promise<TagDetail[]> {
    if (!details.some((d) => d.name === 'latest')) return details;
    const client = this.connections.v2(host);
    const latest = await client.manifestHead(path, 'latest', { display, signal });
    if (!latest.digest) return details;
    const digests = await candidateDigests(client, path, details.map((d) => d.name), { display, skip: ['latest'], signal });
    digests.set('latest', latest.digest);
    return details.map((d) => (d.digest === null && digests.has(d.name) ? { ...d, digest: digests.get(d.name) ?? null } : d));
  }

  private async fetch(host: string, path: string, display: string, signal?: AbortSignal): Promise<{ details: TagDetail[]; truncated: string | null }> {
    if (this.connections.isHub(host)) {
      const slash = path.indexOf('/');
      try {
        const listing = await this.connections.hub().tagsListing(path.slice(0, slash), path.slice(slash + 1), { display, ...(signal ? { signal } : {}) });
        // Every remote string sanitised; a digest kept only when it is one.
        const details = listing.items.map((t) => ({
          name: t.name,
          size: t.size,
          lastUpdated: t.lastUpdated === null ? null : sanitizeLine(t.lastUpdated) || null,
          digest: t.digest !== null && isDigest(t.digest) ? t.digest : null,
          platforms: [...new Set(t.platforms.map((p) => sanitizeLine(p)).filter(Boolean))],
        }));
        return { details, truncated: listing.truncated };
      } catch (error) {
        // A private repository is hidden from the anonymous web API; the registry may still show it.
        if (!(error instanceof AppError) || (error.code !== 401 && error.code !== 403)) throw error;
      }
    }
    const listing = await this.connections.v2(host).tagsListing(path, { display, signal });
    return { details: listing.items.map((name) => ({ name, size: null, lastUpdated: null, digest: null, platforms: [] })), truncated: listing.truncated };
  }
}

/** Each tag with the others of its digest (none when its digest is unknown). */
export function withSameAs(details: TagDetail[]): TagDetail[] {
  const byDigest = new Map<string, string[]>();
  for (const d of details) if (d.digest) byDigest.set(d.digest, [...(byDigest.get(d.digest) ?? []), d.name]);
  return details.map((d) => (d.digest ? { ...d, sameAs: orderSameAs((byDigest.get(d.digest) ?? []).filter((n) => n !== d.name)) } : d));
}
