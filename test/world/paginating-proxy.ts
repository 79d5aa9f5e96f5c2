// A proxy in front of the `plain` registry that pages GET /v2/<name>/tags/list by `n`/`last` with a
// RELATIVE Link header, as the OCI spec describes and as many registries do. The reference registry 2.8
// ignores `n` on tags/list, so without this proxy client pagination of tags cannot be exercised.
// Everything else is forwarded unchanged (so dockerd can pull through it).
import type http from 'node:http';
import { forward, httpRequest, isRecord, listen, sendJson, type RunningServer } from './http.js';

const TAGS_LIST = /^\/v2\/(.+)\/tags\/list$/;

export async function startPaginatingProxy(upstream: string): Promise<RunningServer> {
  const up = new URL(upstream);
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const name = TAGS_LIST.exec(url.pathname)?.[1];
    if (req.method === 'GET' && name && url.searchParams.has('n')) return pageTags(req, res, upstream, name, url.searchParams);
    forward(req, res, up);
  });
}

async function pageTags(req: http.IncomingMessage, res: http.ServerResponse, upstream: string, name: string, q: URLSearchParams): Promise<void> {
  const n = Number(q.get('n'));
  if (!Number.isInteger(n) || n < 0) {
    return sendJson(res, 400, { errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested', detail: { n: q.get('n') } }] });
  }
  const auth = req.headers.authorization ? { authorization: req.headers.authorization } : undefined;
  const full = await httpRequest(`${upstream}/v2/${name}/tags/list`, { headers: auth });
  const body: unknown = full.status === 200 ? full.json() : null;
  if (!isRecord(body)) {
    res.writeHead(full.status, { 'content-type': String(full.headers['content-type'] ?? 'application/json') });
    return void res.end(full.body);
  }
  const all = (Array.isArray(body.tags) ? body.tags.map(String) : []).sort();
  const last = q.get('last');
  const rest = last === null ? all : all.filter((t) => t > last);
  const page = rest.slice(0, n);
  const more = n > 0 && rest.length > page.length;
  const headers: Record<string, string> = { 'docker-distribution-api-version': 'registry/2.0' };
  if (more) headers.link = `</v2/${name}/tags/list?last=${encodeURIComponent(page[page.length - 1] ?? '')}&n=${n}>; rel="next"`;
  sendJson(res, 200, { name: body.name ?? name, tags: page }, headers);
}
