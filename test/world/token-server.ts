// The token server behind the `token` registry (docker/distribution token auth, as auth.docker.io does it).
// GET /token?service=&scope=…(repeated)&account= with optional Basic credentials answers
// {token, access_token, expires_in: 300, issued_at}. Who gets what:
//   - the configured user: every action asked for, on any repository, and registry:catalog:*;
//   - anonymous: pull on public/* only (any other scope is granted nothing — an empty token, as Hub does);
//   - wrong credentials: 401.
// GET /stats counts requests per scope (tests check that clients cache tokens); DELETE /stats resets.
import type http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { realNowMs } from './clock.js';
import { listen, sendJson, type RunningServer } from './http.js';
import { signJwt, type Access, type KeyHeader } from './jwt.js';
import type { TokenSigner } from './certs.js';

export const TOKEN_SERVICE = 'stevedore-test';
export const TOKEN_ISSUER = 'stevedore-test-issuer';
const EXPIRES_IN = 300;

export interface TokenServerOptions {
  signer: TokenSigner;
  users: Record<string, string>;
  keyHeader?: KeyHeader;
  port?: number;
}

interface Stats {
  requests: number;
  byScope: Record<string, number>;
  byAccount: Record<string, number>;
  refused: number;
}

const emptyStats = (): Stats => ({ requests: 0, byScope: {}, byAccount: {}, refused: 0 });

export async function startTokenServer(opts: TokenServerOptions): Promise<RunningServer> {
  let stats = emptyStats();
  return listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/stats') {
      if (req.method === 'DELETE') stats = emptyStats();
      return sendJson(res, 200, stats);
    }
    if (url.pathname !== '/token' || req.method !== 'GET') return sendJson(res, 404, { details: 'not found' });
    stats.requests += 1;
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    for (const s of scopes) stats.byScope[s] = (stats.byScope[s] ?? 0) + 1;
    const who = authenticate(req, opts.users);
    if (who === false) {
      stats.refused += 1;
      return sendJson(res, 401, { details: 'incorrect username or password' });
    }
    stats.byAccount[who ?? 'anonymous'] = (stats.byAccount[who ?? 'anonymous'] ?? 0) + 1;
    if (url.searchParams.get('service') !== TOKEN_SERVICE) return sendJson(res, 400, { details: 'invalid or missing service' });
    const access = scopes.map((s) => grant(s, who)).filter((a): a is Access => a !== null && a.actions.length > 0);
    sendJson(res, 200, issue(opts, who ?? '', access));
  }, opts.port);
}

/** The user name, null for anonymous, false for wrong credentials. */
function authenticate(req: http.IncomingMessage, users: Record<string, string>): string | null | false {
  const auth = req.headers.authorization;
  if (!auth) return null;
  const m = /^Basic\s+(.+)$/i.exec(auth);
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] !== undefined && users[user] === decoded.slice(colon + 1) ? user : false;
}

/** Scope grammar: type[(class)]:name:action[,action]; the name may itself hold ':' (a port), so split at the ends. */
function grant(scope: string, who: string | null): Access | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return null;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  const name = scope.slice(first + 1, last);
  const asked = scope.slice(last + 1).split(',').filter(Boolean);
  if (type === 'registry') return { type, name, actions: who && name === 'catalog' ? asked.filter((a) => a === '*') : [] };
  if (type !== 'repository') return null;
  if (who) return { type, name, actions: asked.filter((a) => ['pull', 'push', 'delete', '*'].includes(a)) };
  return { type, name, actions: name.startsWith('public/') ? asked.filter((a) => a === 'pull') : [] };
}

function issue(opts: TokenServerOptions, sub: string, access: Access[]): Record<string, unknown> {
  // The registry checks nbf/exp on its own (real) clock: take the time from the file system, not from this
  // process, whose clock may be moved (npm run test:later runs the tests under faketime).
  const now = Math.floor(realNowMs(path.dirname(opts.signer.certFile)) / 1000);
  const claims = { iss: TOKEN_ISSUER, sub, aud: TOKEN_SERVICE, exp: now + EXPIRES_IN, nbf: now - 10, iat: now, jti: randomUUID(), access };
  const token = signJwt(claims, opts.signer.keyPem, opts.signer.certPem, opts.keyHeader ?? 'x5c');
  return { token, access_token: token, expires_in: EXPIRES_IN, issued_at: new Date(now * 1000).toISOString() };
}
