// Redirects, followed by hand: at most 5; never from https to plain http; Authorization sent only to the
// origin it was meant for; a 303 (and a 301/302 after a POST) goes on as a GET without a body.
import { BadResponse } from '../../../domain/errors';
import { type HttpRequest, type HttpResponse, headerValue, isRedirect } from './types';

const MAX_REDIRECTS = 5;

/** One hop: a request to `url` as it stands (no redirect followed). */
export type Hop = (url: URL, method: string, headers: Record<string, string>, body: string | undefined) => Promise<HttpResponse>;

export async function following(req: HttpRequest, userAgent: string, hop: Hop): Promise<HttpResponse> {
  const start = new URL(req.url);
  let url = start;
  let method: string = req.method ?? 'GET';
  let body = req.body;
  for (let n = 0; ; n++) {
    const headers: Record<string, string> = { 'user-agent': userAgent, ...req.headers };
    if (req.authorization && url.origin === start.origin) headers.authorization = req.authorization;
    const res = await hop(url, method, headers, body);
    const location = headerValue(res.headers, 'location');
    if (req.followRedirects === false || !isRedirect(res.status) || !location) return res;
    if (n >= MAX_REDIRECTS) throw new BadResponse(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new BadResponse(`${url.host} redirected to an invalid address`);
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new BadResponse(`${url.host} redirected to an unsupported address`);
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw new BadResponse(`${url.host} redirected from https to plain http (${next.host}); refusing`);
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }
}
