// The Docker Hub stand-in: the hub.docker.com web API and index.docker.io /v1/search, in the shapes of the
// recorded responses under test/fixtures/vectors/hub-fixtures, computed from the `hub` registry. Its base URL
// is STEVEDORE_HUB_API. `next`/`previous` links are ABSOLUTE https://hub.docker.com URLs, as the real Hub
// sends them, so the client must re-base them. Test hooks: POST/DELETE /__fault, GET/DELETE /__stats.
import fs from 'node:fs';
import type http from 'node:http';
import { mapLimited } from './async.js';
import { isRecord, listen, readBody, sendJson, type RunningServer } from './http.js';
import { HubRegistryView, numericId, repoMeta, type HubTag } from './hub-data.js';

const HUB = 'https://hub.docker.com';
const NOT_FOUND = { message: 'httperror 404: object not found', errinfo: {} };
const RATE_LIMIT = 180; // per minute, as Hub advertises for its API
const fixture = (name: string): Buffer => fs.readFileSync(new URL(`../fixtures/vectors/hub-fixtures/${name}`, import.meta.url));

const R_NS = /^\/v2\/(?:repositories\/([^/]+)|namespaces\/([^/]+)\/repositories)\/?$/;
const R_REPO = /^\/v2\/(?:repositories\/([^/]+)|namespaces\/([^/]+)\/repositories)\/([^/]+)(\/tags(?:\/([^/]+))?)?\/?$/;

interface Fault {
  pathPrefix: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  remaining: number;
}

type Reply = { status: number; body: unknown; raw?: Buffer; headers?: Record<string, string> };

export async function startHubStandin(registryUrl: string): Promise<RunningServer> {
  const view = new HubRegistryView(registryUrl);
  const faults: Fault[] = [];
  let stats: Record<string, number> = {};
  const limiter = rateLimiter();
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (url.pathname.startsWith('/__')) return hooks(req, res, url, faults, () => stats, () => (stats = {}));
    stats[url.pathname] = (stats[url.pathname] ?? 0) + 1;
    const fault = faults.find((f) => f.remaining > 0 && url.pathname.startsWith(f.pathPrefix));
    const reply: Reply = fault ? takeFault(fault) : await route(view, req.method ?? 'GET', url);
    const headers = { ...limiter(), ...reply.headers };
    if (reply.raw) {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(reply.raw.length), ...headers });
      return void res.end(reply.raw);
    }
    sendJson(res, reply.status, reply.body, headers);
  });
}

/** X-RateLimit-* on every answer: a 180/minute window that counts down (never enforced; use /__fault for 429). */
function rateLimiter(): () => Record<string, string> {
  let windowEnd = 0;
  let used = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now >= windowEnd) [windowEnd, used] = [now + 60, 0];
    used += 1;
    return { 'x-ratelimit-limit': String(RATE_LIMIT), 'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)), 'x-ratelimit-reset': String(windowEnd) };
  };
}

function takeFault(f: Fault): Reply {
  f.remaining -= 1;
  return typeof f.body === 'string' ? { status: f.status, body: null, raw: Buffer.from(f.body), headers: f.headers } : { status: f.status, body: f.body, headers: f.headers };
}

async function hooks(req: http.IncomingMessage, res: http.ServerResponse, url: URL, faults: Fault[], stats: () => Record<string, number>, reset: () => void): Promise<void> {
  if (url.pathname === '/__health') return sendJson(res, 200, { ok: true });
  if (url.pathname === '/__stats') {
    if (req.method === 'DELETE') reset();
    return sendJson(res, 200, { requests: stats() });
  }
  if (url.pathname !== '/__fault') return sendJson(res, 404, NOT_FOUND);
  if (req.method === 'DELETE') {
    faults.length = 0;
    return sendJson(res, 200, { faults: 0 });
  }
  const body: unknown = JSON.parse((await readBody(req)).toString('utf8') || '{}');
  if (!isRecord(body) || typeof body.status !== 'number') return sendJson(res, 400, { message: 'need {pathPrefix, status, body?, headers?, times?}' });
  const headers = isRecord(body.headers) ? Object.fromEntries(Object.entries(body.headers).map(([k, v]) => [k, String(v)])) : {};
  const prefix = body.pathPrefix ?? body['path-prefix'];
  faults.push({ pathPrefix: typeof prefix === 'string' ? prefix : '/', status: body.status, body: body.body ?? { message: `injected ${body.status}` }, headers, remaining: typeof body.times === 'number' ? body.times : 1 });
  sendJson(res, 200, { faults: faults.length });
}

async function route(view: HubRegistryView, method: string, url: URL): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { message: 'method not allowed' } };
  if (url.pathname === '/v1/search') return search(view, url.searchParams);
  const ns = R_NS.exec(url.pathname);
  if (ns) return namespaceList(view, ns[1] ?? ns[2] ?? '', url.searchParams);
  const m = R_REPO.exec(url.pathname);
  if (!m) return { status: 404, body: NOT_FOUND };
  const repo = `${m[1] ?? m[2] ?? ''}/${m[3] ?? ''}`;
  if (m[5] !== undefined) return oneTag(view, repo, decodeURIComponent(m[5]));
  if (m[4] !== undefined) return tagsPage(view, repo, url.searchParams);
  return repositoryInfo(view, repo);
}

// ---- paging ---------------------------------------------------------------------------------------------

interface PageParams {
  page: number;
  size: number;
}

function pageParams(q: URLSearchParams, defaultSize: number): PageParams | null {
  const page = Number(q.get('page') ?? '1');
  const size = Number(q.get('page_size') ?? String(defaultSize));
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size)) return null;
  return { page, size: Math.min(100, Math.max(1, size)) };
}

function pageOf<T>(items: T[], p: PageParams, base: string): { count: number; next: string | null; previous: string | null; results: T[] } | null {
  const start = (p.page - 1) * p.size;
  if (start >= items.length && p.page > 1) return null;
  const link = (page: number): string => `${HUB}${base}?page=${page}&page_size=${p.size}`;
  return {
    count: items.length,
    next: start + p.size < items.length ? link(p.page + 1) : null,
    previous: p.page > 1 ? link(p.page - 1) : null,
    results: items.slice(start, start + p.size),
  };
}

const badPage: Reply = { status: 400, body: { message: 'invalid page or page_size', errinfo: {} } };

// ---- endpoints ------------------------------------------------------------------------------------------

async function namespaceList(view: HubRegistryView, namespace: string, q: URLSearchParams): Promise<Reply> {
  const p = pageParams(q, 10);
  if (!p) return badPage;
  const repos = (await view.catalog()).filter((r) => r.startsWith(`${namespace}/`));
  const page = pageOf(repos.map(repositorySummary), p, `/v2/repositories/${namespace}/`);
  return page ? { status: 200, body: page } : { status: 404, body: NOT_FOUND };
}

function repositorySummary(repo: string): Record<string, unknown> {
  const [namespace = '', name = ''] = repo.split('/');
  const meta = repoMeta(repo);
  return {
    name,
    namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: meta.description,
    is_private: false,
    star_count: meta.star_count,
    pull_count: meta.pull_count,
    last_updated: meta.last_updated,
    date_registered: '2014-06-05T20:00:00.000000Z',
    affiliation: '',
    media_types: ['application/vnd.docker.container.image.v1+json'],
    content_types: ['image'],
    categories: [],
  };
}

async function repositoryInfo(view: HubRegistryView, repo: string): Promise<Reply> {
  if ((await view.tags(repo)) === null) return { status: 404, body: NOT_FOUND };
  const namespace = repo.split('/')[0] ?? '';
  return {
    status: 200,
    body: { user: namespace, ...repositorySummary(repo), is_automated: false, can_edit: false, full_description: `# ${repo}\n\n${repoMeta(repo).description}`, has_starred: false, permissions: { read: true, write: false, admin: false }, id: numericId(repo) },
  };
}

async function oneTag(view: HubRegistryView, repo: string, tag: string): Promise<Reply> {
  const t = await view.tagObject(repo, tag);
  return t ? { status: 200, body: t } : { status: 404, body: NOT_FOUND };
}

async function tagsPage(view: HubRegistryView, repo: string, q: URLSearchParams): Promise<Reply> {
  const p = pageParams(q, 10);
  if (!p) return badPage;
  if (repo === 'crazymax/diun') return diunPage(p.page);
  const tags = await view.tags(repo);
  if (tags === null) return { status: 404, body: NOT_FOUND };
  const objects = (await mapLimited(tags, 16, (t) => view.tagObject(repo, t))).filter((t): t is HubTag => t !== null);
  // Hub's default order: most recently updated first.
  objects.sort((a, b) => b.last_updated.localeCompare(a.last_updated) || a.name.localeCompare(b.name));
  const page = pageOf(objects, p, `/v2/repositories/${repo}/tags`);
  return page ? { status: 200, body: page } : { status: 404, body: NOT_FOUND };
}

/** crazymax/diun: page 1 is the recorded page verbatim (its `next` is page 2); page 2 is a made-up last page. */
function diunPage(page: number): Reply {
  const raw = fixture('hub-tags-page.json');
  if (page === 1) return { status: 200, body: null, raw };
  const recorded: unknown = JSON.parse(raw.toString('utf8'));
  const template = isRecord(recorded) && Array.isArray(recorded.results) ? recorded.results.at(-1) : undefined;
  if (page !== 2 || !isRecord(template) || !isRecord(recorded)) return { status: 404, body: NOT_FOUND };
  const older = ['4.21.0', '4.21', '4.20.1'].map((name, i) => {
    const when = `2022-0${8 - i}-15T10:00:00.000000Z`;
    return { ...template, id: numericId(`crazymax/diun:${name}`), name, last_updated: when, tag_last_pushed: when };
  });
  return {
    status: 200,
    body: { count: recorded.count, next: null, previous: `${HUB}/v2/repositories/crazymax/diun/tags?page=1`, results: older },
  };
}

async function search(view: HubRegistryView, q: URLSearchParams): Promise<Reply> {
  const n = Number(q.get('n') ?? '25');
  const page = Number(q.get('page') ?? '1');
  if (!Number.isInteger(n) || n < 1 || n > 100 || !Number.isInteger(page) || page < 1) {
    return { status: 400, body: { message: 'Invalid value for n (1..100) or page' } };
  }
  const term = (q.get('q') ?? '').trim();
  if (term === 'mysql') return { status: 200, body: null, raw: fixture('v1-search-page.json') };
  const needle = term.replace(/^library\//, '').toLowerCase();
  const hits = (await view.catalog())
    .map((repo) => ({ repo, meta: repoMeta(repo), official: repo.startsWith('library/') }))
    .map((r) => ({ ...r, shown: r.official ? r.repo.slice('library/'.length) : r.repo }))
    .filter((r) => r.shown.toLowerCase().includes(needle) || r.meta.description.toLowerCase().includes(needle))
    .sort((a, b) => b.meta.star_count - a.meta.star_count || a.shown.localeCompare(b.shown));
  const results = hits.slice((page - 1) * n, page * n).map((r) => ({
    name: r.shown,
    description: r.meta.description,
    pull_count: r.meta.pull_count,
    star_count: r.meta.star_count,
    is_trusted: false,
    is_automated: false,
    is_official: r.official,
  }));
  return {
    status: 200,
    body: { num_pages: Math.max(1, Math.ceil(hits.length / n)), num_results: hits.length, page_size: n, page, query: term, results },
  };
}
