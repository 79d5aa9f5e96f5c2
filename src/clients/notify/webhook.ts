// A notice over HTTP (PROTOCOLS.md "Notifications"): a plain JSON POST (2xx = delivered), an ntfy topic URL
// (the text as the body, `Title`/`Tags`/`Click` headers, a token as Bearer), or Gotify's `/message` with
// `X-Gotify-Key`. Through the registry Transport, so proxies, TLS verification and deadlines are the same;
// a POST is never retried within a round (the next round tries again). The secret is a header only: it is
// never in a URL, a message or a log line.
import { noticeJson, noticeMessage, type UpdateNotice } from '../../domain/notice';
import type { WebhookNotifier } from '../../domain/notifiers';
import { AppError, BadResponse, Unauthorized } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { Transport } from '../registry/transport';

export interface WebhookContext {
  host: string;
  engine: string;
  signal?: AbortSignal;
}

/** The request a notifier sends for these notices (exported for the tests of each format). */
export function webhookRequest(n: WebhookNotifier, notices: readonly UpdateNotice[], ctx: Pick<WebhookContext, 'host' | 'engine'>): { url: string; headers: Record<string, string>; body: string } {
  const message = noticeMessage(notices, ctx.host);
  const bearer: Record<string, string> = n.secret ? { authorization: `Bearer ${n.secret}` } : {};
  switch (n.format) {
    case 'json':
      return { url: n.url, headers: { 'content-type': 'application/json', ...bearer }, body: JSON.stringify(noticeJson(notices, ctx.host, ctx.engine)) };
    case 'ntfy': {
      const click: Record<string, string> = notices.length === 1 && notices[0]?.releaseNotes ? { click: notices[0].releaseNotes } : {};
      // Header values must be Latin-1: the title is ASCII (names and tags are), anything else is dropped.
      return { url: n.url, headers: { 'content-type': 'text/plain; charset=utf-8', title: ascii(message.title), tags: 'package', ...click, ...bearer }, body: message.body };
    }
    case 'gotify': {
      const url = new URL(n.url);
      if (!/\/message\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/message`;
      const key: Record<string, string> = n.secret ? { 'x-gotify-key': n.secret } : {};
      return { url: url.toString(), headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify({ title: message.title, message: message.body, priority: 5 }) };
    }
  }
}

export async function sendWebhook(transport: Transport, n: WebhookNotifier, notices: readonly UpdateNotice[], ctx: WebhookContext): Promise<void> {
  const req = webhookRequest(n, notices, ctx);
  const { authorization, ...headers } = req.headers;
  const res = await transport.send({
    url: req.url,
    method: 'POST',
    headers,
    body: req.body,
    ...(authorization ? { authorization } : {}),
    signal: ctx.signal,
    maxBytes: 64 * 1024,
    followRedirects: false,
    retry: false,
  });
  if (res.status >= 200 && res.status < 300) return;
  const where = new URL(req.url).host;
  const said = sanitizeLine(res.body.toString('utf8')).slice(0, 120);
  if (res.status === 401 || res.status === 403) {
    throw new Unauthorized(`${where} refused the notice (${res.status})${said ? `: ${said}` : ''}`, { hint: `give the token again: stevedore notify add ${n.name} --webhook URL --password-stdin` });
  }
  if (res.status >= 300 && res.status < 400) throw new BadResponse(`${where} answered ${res.status} (a redirect): give the final URL`);
  throw new AppError(res.status >= 500 ? 502 : 400, `${where} answered ${res.status}${said ? `: ${said}` : ''}`);
}

function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '');
}
