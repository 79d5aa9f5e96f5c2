// Docker Hub's web API (hub.docker.com): repositories of a namespace (the official images are `library`)
// and a repository's tags with size, last update and platforms. Pages are followed through `next`, which
// is re-based on the configured base URL (STEVEDORE_HUB_API) so nothing is ever sent to another origin.
// The X-RateLimit-* headers of every answer are passed on for the UI.
import { BadResponse, NotFound, TimedOut } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { parseRateLimit, type RateLimit } from './headers';
import { num, records, str } from './json';
import { count, deadlineNote, listingDeadline, MAX_LIST_ENTRIES, type Listing } from './listing';
import { isDigest } from './manifest';
import { isSuccess, readObject, statusError } from './responses';
import { headerValue, type HttpResponse, type Transport } from './transport';

export interface HubRepository {
  namespace: string;
  name: string;
  description: string;
  starCount: number;
  pullCount: number | null;
  lastUpdated: string | null;
}

export interface HubTag {
  name: string;
  /** Compressed bytes (`full_size`). */
  size: number | null;
  lastUpdated: string | null;
  digest: string | null;
  /** `os/arch[/variant]`, attestation (`unknown/unknown`) entries left out. */
  platforms: string[];
}

export interface HubClientOptions {
  /** Base of the web API (`https://hub.docker.com`, or the stand-in of STEVEDORE_HUB_API). */
  baseUrl: string;
  transport: Transport;
  onRateLimit?: (limit: RateLimit) => void;
  /** page_size (at most 100). */
  pageSize?: number;
}

const PAGE_LIMIT = 8 * 1024 * 1024;
const MAX_PAGES = 1_000;

export class DockerHubClient {
  readonly base: URL;
  private readonly pageSize: number;

  constructor(private readonly options: HubClientOptions) {
    this.base = new URL(options.baseUrl);
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  }

  /** Repositories of a namespace (`library` = official images), every page unless `max` stops earlier. */
  async repositories(namespace: string, opts: { signal?: AbortSignal | undefined; max?: number } = {}): Promise<HubRepository[]> {
    return (await this.repositoriesListing(namespace, opts)).items;
  }

  /** The repositories of a namespace, and whether the list was cut short (entry or page cap, deadline). */
  async repositoriesListing(namespace: string, opts: { signal?: AbortSignal | undefined; max?: number } = {}): Promise<Listing<HubRepository>> {
    const start = this.url(`/v2/repositories/${encodeURIComponent(namespace)}/`);
    start.searchParams.set('page_size', String(this.pageSize));
    const out: HubRepository[] = [];
    const cap = Math.min(opts.max ?? MAX_LIST_ENTRIES, MAX_LIST_ENTRIES);
    const what = `the repositories of ${namespace} on Docker Hub`;
    const truncated = await this.pages(start, what, () => new NotFound(`Docker Hub has no namespace ${namespace}`), opts.signal, () => out.length, (results) => {
      for (const r of results) {
        const name = str(r.name);
        if (!name) continue;
        if (out.length >= cap) return 'full';
        out.push({
          namespace: sanitizeLine(str(r.namespace) ?? namespace),
          name,
          description: str(r.description) ?? '',
          starCount: num(r.star_count) ?? 0,
          pullCount: num(r.pull_count) ?? null,
          lastUpdated: line(str(r.last_updated)),
        });
      }
      return out.length >= cap ? 'full' : 'more';
    });
    // `max` is what the caller asked for: reaching it is not a truncation; the entry cap is.
    if (truncated === 'full') return { items: out, truncated: opts.max !== undefined && opts.max <= MAX_LIST_ENTRIES ? null : capNote(what) };
    return { items: out, truncated };
  }

  /** Every tag of `namespace/name` with its details. `display` names the image in messages. */
  async tags(namespace: string, name: string, opts: { signal?: AbortSignal | undefined; display?: string } = {}): Promise<HubTag[]> {
    return (await this.tagsListing(namespace, name, opts)).items;
  }

  /** The tags of `namespace/name`, and whether the list was cut short (entry or page cap, deadline). */
  async tagsListing(namespace: string, name: string, opts: { signal?: AbortSignal | undefined; display?: string; max?: number } = {}): Promise<Listing<HubTag>> {
    const display = opts.display ?? `${namespace}/${name}`;
    const start = this.url(`/v2/repositories/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/tags`);
    start.searchParams.set('page_size', String(this.pageSize));
    const out: HubTag[] = [];
    const what = `the tags of ${display} on Docker Hub`;
    // `max` (the newest tags only, for the versions of an update) stops early without calling it a truncation.
    const cap = Math.min(opts.max ?? MAX_LIST_ENTRIES, MAX_LIST_ENTRIES);
    const truncated = await this.pages(start, what, () => new NotFound(`Image not found: ${display}`), opts.signal, () => out.length, (results) => {
      for (const t of results) {
        const tag = hubTag(t);
        if (!tag) continue;
        if (out.length >= cap) return 'full';
        out.push(tag);
      }
      return out.length >= cap ? 'full' : 'more';
    });
    if (truncated === 'full') return { items: out, truncated: opts.max !== undefined && opts.max <= MAX_LIST_ENTRIES ? null : capNote(what) };
    return { items: out, truncated };
  }

  /**
   * A `next` link as Hub sends it (absolute https://hub.docker.com/… or relative), on our base: same path
   * and query, on the base origin, under the base path prefix (`http://host/hub` keeps `/hub`) when the
   * link does not carry it already.
   */
  rebase(next: string, current: URL): URL {
    let target: URL;
    try {
      target = new URL(next, current);
    } catch {
      throw new BadResponse(`Docker Hub sent an invalid next-page link`);
    }
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const carried = target.origin === this.base.origin && (!prefix || target.pathname === prefix || target.pathname.startsWith(`${prefix}/`));
    const path = carried ? target.pathname : `${prefix}${target.pathname}`;
    return new URL(`${path}${target.search}`, this.base.origin);
  }

  private url(path: string): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    return new URL(`${prefix}${path}`, this.base.origin);
  }

  /**
   * Follows `next` links, handing each page to `take` until it says 'full' (then 'full' is returned, if
   * more pages were there), the list ends (null), or a bound is hit: MAX_PAGES pages or the listing
   * deadline (the transport's request deadline for the whole list); then a sentence saying so.
   */
  private async pages(
    start: URL,
    what: string,
    notFound: () => NotFound,
    signal: AbortSignal | undefined,
    taken: () => number,
    take: (results: Record<string, unknown>[]) => 'more' | 'full',
  ): Promise<string | 'full' | null> {
    let url: URL | undefined = start;
    const visited = new Set<string>();
    const budgetMs = this.options.transport.deadlineMs;
    const deadline = listingDeadline(budgetMs, signal);
    try {
      for (let page = 0; url; page++) {
        if (page >= MAX_PAGES) return `${what}: stopped after ${count(MAX_PAGES)} pages (the most stevedore follows)`;
        visited.add(url.toString());
        let res: HttpResponse;
        try {
          res = await this.options.transport.send({ url, signal: deadline.signal, maxBytes: PAGE_LIMIT, headers: { accept: 'application/json' } });
        } catch (error) {
          if (!deadline.expired()) throw error;
          if (taken() === 0) throw new TimedOut(`Docker Hub did not list ${what} within ${Math.round(budgetMs / 1000)} s`);
          return `${what}: ${deadlineNote(budgetMs)}, ${count(taken())} so far`;
        }
        this.noteRateLimit(res);
        if (!isSuccess(res)) throw statusError(res, { what, notFound });
        const body = readObject(res, what);
        if (!Array.isArray(body.results)) throw new BadResponse(`Docker Hub sent ${what} in an unexpected shape`);
        const full = take(records(body.results)) === 'full';
        const next = str(body.next);
        url = next ? this.rebase(next, url) : undefined;
        if (full) return url ? 'full' : null;
        if (url && visited.has(url.toString())) return null;
      }
      return null;
    } finally {
      deadline.dispose();
    }
  }

  private noteRateLimit(res: HttpResponse): void {
    if (!this.options.onRateLimit) return;
    const limit = parseRateLimit((name) => headerValue(res.headers, name));
    if (limit) this.options.onRateLimit(limit);
  }
}

function capNote(what: string): string {
  return `${what}: stopped at ${count(MAX_LIST_ENTRIES)} entries (the most stevedore lists)`;
}

/** One tag object of the Hub tags API, checked. */
export function hubTag(t: Record<string, unknown>): HubTag | undefined {
  const name = str(t.name);
  if (!name) return undefined;
  const platforms: string[] = [];
  for (const image of records(t.images)) {
    const os = line(str(image.os));
    const arch = line(str(image.architecture));
    if (!os || !arch || os === 'unknown' || arch === 'unknown') continue;
    const variant = line(str(image.variant));
    const p = `${os}/${arch}${variant ? `/${variant}` : ''}`;
    if (!platforms.includes(p)) platforms.push(p);
  }
  const digest = str(t.digest);
  return {
    name,
    size: num(t.full_size) ?? null,
    lastUpdated: line(str(t.last_updated)),
    // Only a digest by the grammar; anything else (escape sequences, text) is dropped.
    digest: digest !== undefined && isDigest(digest) ? digest : null,
    platforms,
  };
}

/** Remote text as one sanitised line, or null when nothing is left. */
function line(text: string | undefined): string | null {
  const clean = text === undefined ? '' : sanitizeLine(text);
  return clean ? clean : null;
}
