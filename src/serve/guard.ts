// What `stevedore serve` checks on every request before any route sees it, against web pages that use
// the browser of someone logged in (CSRF) and against DNS rebinding:
// - `Host` must name this server: its listen address, for loopback also `localhost`, for 0.0.0.0/:: the
//   machine's addresses and host name, the names of its TLS certificate, and names given with
//   `--allowed-host` (a TLS proxy in front that passes its own name on). A page on evil.example whose name
//   was rebound to 127.0.0.1 sends `Host: evil.example`, and is refused.
// - `Origin` (every browser sends it on a cross-origin request, and on every POST; a page can neither
//   remove nor change it) must be this server's own origin; `Sec-Fetch-Site: cross-site|same-site` is
//   refused too. "Same site" matters here: a page on another port of the same NAS is same-site, so the
//   SameSite=Strict cookie alone does not stop it.
// - JSON bodies come as `application/json`, which a page cannot send to another origin without a CORS
//   preflight that serve never grants. The seed's own examples (`curl -d '{…}'`) send JSON labelled as a
//   form: that is accepted only from a client that is not a browser (no Origin, no Sec-Fetch-* headers),
//   so what a web page can send (text/plain, forms) never reaches a route as JSON. The login takes form
//   fields, as in the seed.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { sanitizeLine } from '../domain/sanitize';

export class GuardError extends Error {
  constructor(
    readonly status: 400 | 403 | 415,
    message: string,
  ) {
    super(message);
  }
}

export interface HostRules {
  port: number;
  secure: boolean;
  /** Names and addresses of this server (lower case, IPv6 without brackets), reached on `port`. */
  names: Set<string>;
  /** `--allowed-host` names: any port (a proxy's public name). */
  extra: Set<string>;
}

const ANY = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** The names `Host` may carry, from the listen address, the certificate and `--allowed-host`. */
export function hostRules(listenHost: string, port: number, options: { cert?: string | Buffer; allowed?: string[] } = {}): HostRules {
  const names = new Set<string>();
  const add = (n: string): void => {
    const clean = normalizeName(n);
    if (clean) names.add(clean);
  };
  const listen = normalizeName(listenHost);
  add(listen);
  const loopback = listen === 'localhost' || listen === '::1' || (isIP(listen) === 4 && listen.startsWith('127.'));
  if (loopback || ANY.has(listen)) {
    add('localhost');
    if (listen === 'localhost' || ANY.has(listen)) ['127.0.0.1', '::1'].forEach(add);
  }
  if (ANY.has(listen)) {
    add(hostname());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address.replace(/%.*$/, ''));
  }
  if (options.cert !== undefined) for (const n of certificateNames(options.cert)) add(n);
  const extra = new Set((options.allowed ?? []).map(normalizeName).filter((n) => n !== ''));
  return { port, secure: options.cert !== undefined, names, extra };
}

/** DNS and IP names of a PEM certificate (subjectAltName; the CN when it has none). */
export function certificateNames(pem: string | Buffer): string[] {
  try {
    const cert = new X509Certificate(pem);
    const san = cert.subjectAltName;
    if (san) {
      return san
        .split(',')
        .map((s) => s.trim())
        .map((s) => /^(?:DNS|IP Address):(.+)$/.exec(s)?.[1] ?? '')
        .filter((s) => s !== '' && !s.includes('*'));
    }
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    return cn ? [cn] : [];
  } catch {
    return [];
  }
}

function normalizeName(n: string): string {
  return n.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** `host[:port]` of a Host header or an origin's authority → name and port (null when absent), or null when malformed. */
function splitAuthority(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m?.[1]) return null;
  return { name: normalizeName(m[1]), port: m[2] !== undefined ? Number(m[2]) : null };
}

/** Throws a GuardError when the request's Host is not a name of this server. */
export function checkHost(rules: HostRules, header: string | undefined): void {
  if (!header) throw new GuardError(400, 'the request has no Host header');
  const a = splitAuthority(header);
  if (!a) throw new GuardError(400, 'the Host header is not HOST[:PORT]');
  if (rules.extra.has(a.name)) return;
  const defaultPort = rules.secure ? 443 : 80;
  const port = a.port ?? defaultPort;
  if (rules.names.has(a.name) && port === rules.port) return;
  throw new GuardError(403, `this server does not answer to the name "${sanitizeLine(header).slice(0, 200)}"`);
}

/** Throws a GuardError for a request sent by a web page of another origin (Origin, Sec-Fetch-Site). */
export function checkOrigin(rules: HostRules, req: IncomingMessage): void {
  const site = header(req, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') throw new GuardError(403, `requests from web pages of other sites are refused (Sec-Fetch-Site: ${site})`);
  const origin = header(req, 'origin');
  if (origin === undefined) return;
  const refused = new GuardError(403, `requests from web pages of other origins are refused (Origin: ${sanitizeLine(origin).slice(0, 200)})`);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw refused; // `null` (a sandboxed page, a redirect) or junk
  }
  const name = normalizeName(url.hostname);
  if (rules.extra.has(name)) return;
  const scheme = rules.secure ? 'https:' : 'http:';
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const host = splitAuthority(header(req, 'host') ?? '');
  const hostPort = host?.port ?? (rules.secure ? 443 : 80);
  if (url.protocol === scheme && host !== null && host.name === name && hostPort === port) return;
  throw refused;
}

/** What a request body is, from its Content-Type. */
export type BodyKind = 'json' | 'form' | 'none' | 'other';

export function bodyKind(req: IncomingMessage): BodyKind {
  const type = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '') return 'none';
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'other';
}

/** True when a browser sent the request (headers a page cannot remove): its body rules are the strict ones. */
export function fromBrowser(req: IncomingMessage): boolean {
  return header(req, 'origin') !== undefined || header(req, 'sec-fetch-site') !== undefined || header(req, 'sec-fetch-mode') !== undefined;
}

/**
 * Throws a GuardError (415) unless a non-empty body of this request may be read as JSON: `application/json`,
 * or — from a client that is not a browser — a form-labelled or unlabelled body (`curl -d '{…}'`, as the seed).
 */
export function checkJsonBody(req: IncomingMessage): void {
  const kind = bodyKind(req);
  if (kind === 'json') return;
  if ((kind === 'form' || kind === 'none') && !fromBrowser(req)) return;
  const type = sanitizeLine(header(req, 'content-type') ?? 'none').slice(0, 100);
  throw new GuardError(415, `send JSON bodies with Content-Type: application/json (got ${type})`);
}

/** Throws a GuardError (415) unless the login body is form fields or JSON. */
export function checkLoginBody(req: IncomingMessage): void {
  const kind = bodyKind(req);
  if (kind === 'json' || kind === 'form' || (kind === 'none' && !fromBrowser(req))) return;
  const type = sanitizeLine(header(req, 'content-type') ?? 'none').slice(0, 100);
  throw new GuardError(415, `send the login as form fields (application/x-www-form-urlencoded) or JSON (got ${type})`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
