// The v1 index API that is still answered: `/v1/_ping` (v1 detection) and `/v1/search` (Docker Hub's
// index.docker.io search, as `docker search` does it, and v1 registries), under the base URL's path prefix.
import { AtOrigin } from './origin';
import { InvalidInput } from '../../domain/errors';
import { bool, num, records, str } from './json';
import { isSuccess, readObject, statusError } from './responses';
import type { Transport } from './transport';

export interface V1SearchResult {
  name: string;
  description: string;
  starCount: number;
  pullCount: number | null;
  isOfficial: boolean;
  isAutomated: boolean;
  isTrusted: boolean;
}

export interface V1ClientOptions {
  baseUrl: string;
  transport: Transport;
  /** Authorization for this index (Basic credentials of a v1 registry), sent only to its origin. */
  authorization?: () => Promise<string | undefined>;
}

const SEARCH_LIMIT = 4 * 1024 * 1024;

export class IndexV1Client extends AtOrigin {
  /** Origin plus the base URL's path prefix (`http://host/hub` for a stand-in of Docker Hub under /hub). */
  private readonly root: string;

  constructor(private readonly options: V1ClientOptions) {
    super(options.baseUrl);
    this.root = `${this.origin}${new URL(options.baseUrl).pathname.replace(/\/+$/, '')}`;
  }

  /** True when `/v1/_ping` answers 200 (a v1 registry or index). */
  async ping(opts: { signal?: AbortSignal | undefined } = {}): Promise<boolean> {
    const res = await this.options.transport.send({ url: `${this.root}/v1/_ping`, signal: opts.signal, maxBytes: 64 * 1024 });
    return res.status === 200;
  }

  /** `GET /v1/search?q=TERM&n=LIMIT` (1..100, default 25). */
  async search(term: string, opts: { limit?: number; signal?: AbortSignal | undefined } = {}): Promise<V1SearchResult[]> {
    const limit = opts.limit ?? 25;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidInput('search limit must be a whole number from 1 to 100');
    if (term.includes('://')) throw new InvalidInput('a search text cannot contain "://"');
    const url = new URL(`${this.root}/v1/search`);
    url.searchParams.set('q', term);
    url.searchParams.set('n', String(limit));
    const authorization = await this.options.authorization?.();
    const res = await this.options.transport.send({
      url,
      headers: { 'x-docker-token': 'true' },
      authorization,
      signal: opts.signal,
      maxBytes: SEARCH_LIMIT,
    });
    if (!isSuccess(res)) throw statusError(res, { what: `the search for "${term}"` });
    const body = readObject(res, 'search results');
    return records(body.results)
      .map((r): V1SearchResult | undefined => {
        const name = str(r.name);
        if (!name) return undefined;
        return {
          name,
          description: str(r.description) ?? '',
          starCount: num(r.star_count) ?? 0,
          pullCount: num(r.pull_count) ?? null,
          isOfficial: bool(r.is_official) ?? false,
          isAutomated: bool(r.is_automated) ?? false,
          isTrusted: bool(r.is_trusted) ?? bool(r.is_automated) ?? false,
        };
      })
      .filter((r): r is V1SearchResult => r !== undefined)
      .slice(0, limit);
  }
}
