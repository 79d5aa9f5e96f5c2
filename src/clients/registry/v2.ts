// Registry HTTP API v2 / OCI distribution: ping, _catalog and tags/list with full pagination (the Link
// header first, resolved relative to the request; `n`/`last` when a registry sends no Link; `tags: null`
// accepted), manifests with the full Accept list, and JSON blobs (image configs) checked against their digest.
// (About 300 lines: one client whose paging and authenticated request helpers belong to it alone.)
import { AtOrigin } from './origin';
import { BadResponse, NotFound, TimedOut } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { Authenticator, noAccess, refusedCredentials, type RegistryCredential } from './auth';
import { nextLink, parseRateLimit, type Challenge, type RateLimit } from './headers';
import { strings } from './json';
import { count, deadlineNote, listingDeadline, MAX_LIST_ENTRIES, type Listing } from './listing';
import { MANIFEST_ACCEPT, parseManifest, type Manifest } from './manifest';
import { isSuccess, readJson, readObject, statusError, type StatusContext } from './responses';
import { headerValue, headerValues, sha256Hex, type HttpResponse, type Transport } from './transport';

export interface V2ClientOptions {
  /** `scheme://host[:port]` of the registry. */
  baseUrl: string;
  transport: Transport;
  auth: Authenticator;
  /** Credentials for a repository (or for the registry as a whole when none is given). */
  credential: (repository?: string) => Promise<RegistryCredential | undefined>;
  /** Docker Hub's pull rate-limit headers, as seen on manifest answers. */
  onRateLimit?: (limit: RateLimit) => void;
  /** Why there are no credentials when that is not simply "none saved" (a credential helper failed). */
  credentialProblem?: () => string | undefined;
  /** `n` for _catalog and tags/list pages. Default 1000. */
  pageSize?: number;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface FetchedManifest {
  manifest: Manifest;
  /** What the reference resolves to (Docker-Content-Digest, or sha256 of the bytes). */
  digest: string;
  mediaType: string;
  size: number;
}

/** What a manifest HEAD says (update checks): the digest when the registry sends it, and the type. */
export interface ManifestHead {
  /** Docker-Content-Digest, or null when the registry did not send a valid one (then GET the manifest). */
  digest: string | null;
  /** Content-Type without parameters ('' when none). */
  mediaType: string;
  /** The registry answered 405 to HEAD (then GET the manifest). */
  headNotAllowed: boolean;
}

export interface PingResult {
  status: number;
  /** `registry/2.0` when the registry says so. */
  apiVersion: string | undefined;
  challenge: Challenge | undefined;
}

const MAX_PAGES = 10_000;
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const LIST_PAGE_LIMIT = 32 * 1024 * 1024;
const CONFIG_LIMIT = 8 * 1024 * 1024;

export class RegistryV2Client extends AtOrigin {
  private readonly pageSize: number;

  constructor(private readonly options: V2ClientOptions) {
    super(options.baseUrl);
    this.pageSize = options.pageSize ?? 1000;
  }

  /** `GET /v2/` without credentials; remembers the challenge. */
  async ping(opts: RequestOptions = {}): Promise<PingResult> {
    const res = await this.options.transport.send({ url: `${this.origin}/v2/`, signal: opts.signal, maxBytes: 64 * 1024 });
    const challenge = res.status === 401 ? this.options.auth.remember(this.origin, res) : undefined;
    return { status: res.status, apiVersion: headerValue(res.headers, 'docker-distribution-api-version'), challenge };
  }

  /** Every repository the catalog lists (stops after `max` names when given). */
  async catalog(opts: RequestOptions & { max?: number; pageSize?: number } = {}): Promise<string[]> {
    return (await this.catalogListing(opts)).items;
  }

  /** The catalog, and whether it was cut short (entry or page cap, listing deadline). */
  async catalogListing(opts: RequestOptions & { max?: number; pageSize?: number } = {}): Promise<Listing<string>> {
    return this.paged(`${this.origin}/v2/_catalog`, 'repositories', {
      what: `the repository list of ${this.host}`,
      scopes: ['registry:catalog:*'],
      signal: opts.signal,
      pageSize: opts.pageSize ?? this.pageSize,
      ...(opts.max !== undefined ? { max: opts.max } : {}),
      notFound: () => new NotFound(`${this.host} does not offer a repository list (_catalog)`),
    });
  }

  /** Every tag of a repository (registry order: lexical). `display` names it in messages. */
  async tags(repository: string, opts: RequestOptions & { display?: string; pageSize?: number } = {}): Promise<string[]> {
    return (await this.tagsListing(repository, opts)).items;
  }

  /** The tags of a repository, and whether the list was cut short (entry or page cap, listing deadline). */
  async tagsListing(repository: string, opts: RequestOptions & { display?: string; pageSize?: number } = {}): Promise<Listing<string>> {
    const display = opts.display ?? `${this.host}/${repository}`;
    return this.paged(`${this.origin}/v2/${repository}/tags/list`, 'tags', {
      what: `the tags of ${display}`,
      scopes: [`repository:${repository}:pull`],
      repository,
      signal: opts.signal,
      pageSize: opts.pageSize ?? this.pageSize,
      notFound: () => new NotFound(`Image not found: ${display}`),
    });
  }

  /** A manifest or index by tag or digest. When fetched by digest, the bytes are checked against it. */
  async manifest(repository: string, reference: string, opts: RequestOptions & { display?: string } = {}): Promise<FetchedManifest> {
    const { display, shown, url, common } = this.manifestTarget(repository, reference, opts);
    const byDigest = reference.includes(':');
    const res = await this.request(url, {
      ...common,
      maxBytes: MANIFEST_LIMIT,
      notFound: (detail) =>
        detail?.code === 'NAME_UNKNOWN' ? new NotFound(`Image not found: ${display}`) : new NotFound(byDigest ? `Image not found: ${shown}` : `Tag not found: ${shown}`),
    });
    const computed = `sha256:${sha256Hex(res.body)}`;
    if (byDigest && reference.startsWith('sha256:') && reference !== computed) {
      throw new BadResponse(`${this.host} sent a manifest for ${shown} whose content does not match its digest`);
    }
    const header = headerValue(res.headers, 'docker-content-digest');
    const digest = byDigest ? reference : header && /^sha256:[a-f0-9]{64}$/.test(header) ? header : computed;
    const contentType = headerValue(res.headers, 'content-type') ?? '';
    const manifest = parseManifest(readJson(res, `the manifest of ${shown}`), contentType, `${this.host}: ${shown}`);
    return { manifest, digest, mediaType: manifest.mediaType, size: res.body.length };
  }

  /**
   * `HEAD /v2/NAME/manifests/REF` with every manifest type in Accept: the digest the tag resolves to now,
   * without a pull (Docker Hub does not count a HEAD against the pull limit). Errors as for `manifest`.
   */
  async manifestHead(
    repository: string,
    reference: string,
    opts: RequestOptions & { display?: string; onRateLimit?: (limit: RateLimit) => void } = {},
  ): Promise<ManifestHead> {
    const { shown, url, common } = this.manifestTarget(repository, reference, opts);
    const res = await this.request(url, {
      ...common,
      method: 'HEAD',
      allow405: true,
      ...(opts.onRateLimit ? { observe: (r: HttpResponse) => observeRateLimit(r, opts.onRateLimit) } : {}),
      notFound: () => new NotFound(`Tag not found: ${shown}`),
    });
    if (res.status === 405) return { digest: null, mediaType: '', headNotAllowed: true };
    const header = headerValue(res.headers, 'docker-content-digest')?.trim();
    const mediaType = (headerValue(res.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    return { digest: header && /^sha256:[a-f0-9]{64}$/.test(header) ? header : null, mediaType, headNotAllowed: false };
  }

  /** Where a manifest is, how it is named in messages, and what every request for it sends. */
  private manifestTarget(repository: string, reference: string, opts: RequestOptions & { display?: string }) {
    const display = opts.display ?? `${this.host}/${repository}`;
    const shown = reference.includes(':') ? `${display}@${reference}` : `${display}:${reference}`;
    const url = new URL(`${this.origin}/v2/${repository}/manifests/${reference}`);
    return { display, shown, url, common: { what: shown, scopes: [`repository:${repository}:pull`], repository, signal: opts.signal, accept: MANIFEST_ACCEPT } };
  }

  /** A JSON blob (an image config), checked against its digest. Redirects to other hosts get no credentials. */
  async blobJson(repository: string, digest: string, opts: RequestOptions & { display?: string; maxBytes?: number } = {}): Promise<unknown> {
    const display = opts.display ?? `${this.host}/${repository}`;
    const res = await this.request(new URL(`${this.origin}/v2/${repository}/blobs/${digest}`), {
      what: `the config of ${display}`,
      scopes: [`repository:${repository}:pull`],
      repository,
      signal: opts.signal,
      maxBytes: opts.maxBytes ?? CONFIG_LIMIT,
      notFound: () => new NotFound(`Image not found: ${display}@${digest} (its config blob is missing)`),
    });
    if (digest.startsWith('sha256:') && `sha256:${sha256Hex(res.body)}` !== digest) {
      throw new BadResponse(`${this.host} sent a blob for ${display} whose content does not match its digest ${digest.slice(0, 19)}…`);
    }
    return readJson(res, `the config of ${display}`);
  }

  /**
   * Pages through a list endpoint (`repositories` or `tags`) until the end, or until a bound: MAX_LIST_ENTRIES
   * entries, MAX_PAGES pages, or the listing deadline (the transport's request deadline for the whole list).
   */
  private async paged(
    start: string,
    field: 'repositories' | 'tags',
    o: StatusContext & { scopes: string[]; repository?: string; signal?: AbortSignal | undefined; pageSize: number; max?: number },
  ): Promise<Listing<string>> {
    const out: string[] = [];
    const seen = new Set<string>();
    const visited = new Set<string>();
    const first = new URL(start);
    if (o.pageSize > 0) first.searchParams.set('n', String(o.pageSize));
    const cap = Math.min(o.max ?? MAX_LIST_ENTRIES, MAX_LIST_ENTRIES);
    const budgetMs = this.options.transport.deadlineMs;
    const deadline = listingDeadline(budgetMs, o.signal);
    let url: URL | undefined = first;
    let linked = false;
    let page = 0;
    try {
      for (; url && page < MAX_PAGES; page++) {
        visited.add(url.toString());
        let res: HttpResponse;
        try {
          res = await this.request(url, { ...o, signal: deadline.signal, maxBytes: LIST_PAGE_LIMIT });
        } catch (error) {
          if (!deadline.expired()) throw error;
          if (out.length === 0) throw new TimedOut(`${this.host} did not list ${o.what} within ${Math.round(budgetMs / 1000)} s`);
          return { items: out, truncated: `${o.what}: ${deadlineNote(budgetMs)}, ${count(out.length)} so far` };
        }
        const body = readObject(res, o.what);
        const raw = body[field];
        if (raw !== null && raw !== undefined && !Array.isArray(raw)) throw new BadResponse(`${this.host} sent ${o.what} in an unexpected shape`);
        const items = strings(raw) ?? []; // `tags: null` means none
        let added = 0;
        let over = false;
        for (const item of items) {
          if (seen.has(item)) continue;
          if (out.length >= cap) {
            over = true;
            break;
          }
          seen.add(item);
          out.push(item);
          added++;
        }
        let next = nextLink(headerValues(res.headers, 'link'), res.url);
        linked ||= next !== undefined;
        if (!next && !linked && o.pageSize > 0 && items.length === o.pageSize && added > 0) {
          // A full page and no Link from this registry at all: ask for what comes after the last item.
          next = new URL(start);
          next.searchParams.set('n', String(o.pageSize));
          next.searchParams.set('last', items[items.length - 1] ?? '');
        }
        if (out.length >= cap && (over || next)) {
          // `max` is what the caller asked for: not a truncation. The entry cap is.
          if (o.max !== undefined && o.max <= MAX_LIST_ENTRIES) return { items: out, truncated: null };
          return { items: out, truncated: `${o.what}: stopped at ${count(MAX_LIST_ENTRIES)} entries (the most stevedore lists)` };
        }
        if (next && next.origin !== this.origin) {
          throw new BadResponse(`${this.host} sent a next-page link to another host (${sanitizeLine(next.host)}); stopping`);
        }
        if (next && visited.has(next.toString())) break;
        if (next && added === 0 && page > 0) break; // no progress: the registry ignores paging parameters
        url = next;
      }
    } finally {
      deadline.dispose();
    }
    if (url && page >= MAX_PAGES) return { items: out, truncated: `${o.what}: stopped after ${count(MAX_PAGES)} pages (the most stevedore follows)` };
    return { items: out, truncated: null };
  }

  /** A request with the registry's auth: the known challenge answered up front, a 401 answered once. */
  private async request(
    url: URL,
    o: StatusContext & { scopes: string[]; repository?: string; signal?: AbortSignal | undefined; accept?: string; maxBytes?: number; method?: 'GET' | 'HEAD'; allow405?: boolean; observe?: (res: HttpResponse) => void },
  ): Promise<HttpResponse> {
    const { transport, auth } = this.options;
    const credential = await this.options.credential(o.repository);
    let authorization = await auth.authorization(this.origin, o.scopes, credential, o.signal);
    const send = () =>
      transport.send({
        url,
        ...(o.method ? { method: o.method } : {}),
        ...(o.accept ? { headers: { accept: o.accept } } : {}),
        authorization,
        signal: o.signal,
        ...(o.maxBytes ? { maxBytes: o.maxBytes } : {}),
      });
    let res = await send();
    if (res.status === 401) {
      const retry = await auth.answer(this.origin, res, o.scopes, credential, authorization, o.signal);
      if (retry) {
        authorization = retry;
        res = await send();
      }
      if (res.status === 401) {
        const scheme = auth.known(this.origin)?.scheme;
        const subject = o.repository ?? o.what;
        throw scheme === 'bearer' && authorization
          ? noAccess(this.host, credential, subject, res)
          : refusedCredentials(this.host, authorization ? credential : undefined, subject, credential ? undefined : this.options.credentialProblem?.());
      }
    }
    this.noteRateLimit(res);
    o.observe?.(res);
    if (o.allow405 && res.status === 405) return res;
    if (!isSuccess(res)) throw statusError(res, o);
    return res;
  }

  private noteRateLimit(res: HttpResponse): void {
    if (!this.options.onRateLimit) return;
    const limit = parseRateLimit((name) => headerValue(res.headers, name));
    if (limit) this.options.onRateLimit(limit);
  }
}

/** Rate-limit headers of one answer (any registry that sends them), for the caller that asked. */
function observeRateLimit(res: HttpResponse, onRateLimit: ((limit: RateLimit) => void) | undefined): void {
  const limit = parseRateLimit((name) => headerValue(res.headers, name));
  if (limit && onRateLimit) onRateLimit(limit);
}
