// Registry authentication (distribution's token spec, as docker and containerd do it):
// - the challenge of a registry (from `/v2/` or any 401) is remembered per registry origin;
// - Basic: the credentials go with each request;
// - Bearer: a token from the realm (anonymous, or with Basic credentials and `account=`, or an identity
//   token through the OAuth2 refresh-token grant), cached per realm/service/scopes/credential for its
//   `expires_in` (at least 60 s, timed on this machine's clock); `insufficient_scope` asks again with the scope the registry names;
// - the realm is validated (realm.ts) before anything is sent to it: https only (http only for a plain-http registry),
//   and no loopback / private / link-local address (IP literal in any spelling, IPv4 inside IPv6, or
//   localhost) unless it is the registry's own host (SSRF guard); a host name is resolved and every address
//   it resolves to is held to the same rule, and the request then connects to the address that was checked.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BadResponse, Unauthorized, Unreachable } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { parseChallenges, type Challenge } from './headers';
import { bareHost, isInternalAddress, validateRealm } from './realm';
import { isRecord, num, str } from './json';
import { errorDetail, isSuccess, readJson, statusError } from './responses';
import { headerValue, headerValues, sha256Hex, type HttpResponse, type Transport } from './transport';

/** Credentials for one registry (the shape of src/store/credentials.ts Credential). */
export type RegistryCredential =
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'identitytoken'; username: string; token: string; source: string };

const TOKEN_BODY_LIMIT = 64 * 1024;
const MIN_TOKEN_SECONDS = 60;
const CLOCK_SKEW_MS = 5_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Resolves a host name to every address (as `dns.lookup` with `all: true`). */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface AuthenticatorOptions {
  now?: () => number;
  /** How realm host names are resolved (default: the system resolver, as connections do). */
  resolve?: Resolver;
  /** Client id sent with the OAuth2 grant. */
  clientId?: string;
}

export class Authenticator {
  private readonly challenges = new Map<string, Challenge>();
  /** Registry origins whose challenge came over https (a redirect from http): their realm must be https. */
  private readonly secure = new Set<string>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly now: () => number;

  constructor(
    private readonly transport: Transport,
    private readonly options: AuthenticatorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Remembers the scheme a registry asked for (from `/v2/` or a 401). */
  remember(origin: string, res: HttpResponse): Challenge | undefined {
    const challenge = pickChallenge(headerValues(res.headers, 'www-authenticate').flatMap(parseChallenges));
    if (challenge) this.challenges.set(origin, challenge);
    if (challenge && res.url.startsWith('https:')) this.secure.add(origin);
    return challenge;
  }

  known(origin: string): Challenge | undefined {
    return this.challenges.get(origin);
  }

  /**
   * The Authorization value to send up front, from the remembered challenge (undefined when none is known
   * or nothing can be sent). `force` skips the token cache.
   */
  async authorization(origin: string, scopes: string[], credential: RegistryCredential | undefined, signal?: AbortSignal, force = false): Promise<string | undefined> {
    const challenge = this.challenges.get(origin);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return basicHeader(credential);
    if (challenge.scheme === 'bearer') {
      const realm = challenge.params.realm;
      if (!realm) throw new BadResponse(`${new URL(origin).host} asks for a token without saying where to get it (no realm)`);
      const wanted = mergeScopes(scopes, challenge.params.scope);
      return `Bearer ${await this.token(origin, realm, challenge.params.service, wanted, credential, signal, force)}`;
    }
    return undefined;
  }

  /**
   * After a 401: learns the challenge and returns the Authorization to retry with (a fresh token, with the
   * scope the registry named on `insufficient_scope`), or undefined when there is nothing else to try.
   */
  async answer(origin: string, res: HttpResponse, scopes: string[], credential: RegistryCredential | undefined, sent: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const challenge = this.remember(origin, res);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const header = basicHeader(credential);
      return header && header !== sent ? header : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const realm = challenge.params.realm;
    if (!realm) throw new BadResponse(`${new URL(origin).host} asks for a token without saying where to get it (no realm)`);
    const wanted = mergeScopes(scopes, challenge.params.scope);
    const header = `Bearer ${await this.token(origin, realm, challenge.params.service, wanted, credential, signal, sent !== undefined)}`;
    return header !== sent ? header : undefined;
  }

  /** A token for these scopes, from the cache or the realm. */
  private async token(origin: string, realm: string, service: string | undefined, scopes: string[], credential: RegistryCredential | undefined, signal: AbortSignal | undefined, force: boolean): Promise<string> {
    // A registry reached over https (even through a redirect from http) never sends credentials to an http realm.
    const reached = this.secure.has(origin) ? origin.replace(/^http:/, 'https:') : origin;
    const realmUrl = await this.checkRealm(validateRealm(realm, reached), origin);
    const key = [realmUrl.toString(), service ?? '', [...scopes].sort().join(' '), identity(credential)].join('|');
    if (!force) {
      const cached = this.tokens.get(key);
      if (cached && cached.expiresAt > this.now()) return cached.token;
      const pending = this.inflight.get(key);
      if (pending) return pending;
    }
    const promise = this.fetchToken(origin, realmUrl, service, scopes, credential, signal).then(
      ({ token, expiresAt }) => {
        this.tokens.set(key, { token, expiresAt });
        this.inflight.delete(key);
        return token;
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      },
    );
    this.inflight.set(key, promise);
    return promise;
  }

  private async fetchToken(origin: string, realm: URL, service: string | undefined, scopes: string[], credential: RegistryCredential | undefined, signal?: AbortSignal): Promise<CachedToken> {
    const registryHost = new URL(origin).host;
    let res: HttpResponse;
    if (credential?.kind === 'identitytoken') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.token, client_id: this.options.clientId ?? 'stevedore' });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.sendToRealm(origin, realm, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (credential?.kind === 'basic' && credential.username) url.searchParams.set('account', credential.username);
      res = await this.sendToRealm(origin, url, { method: 'GET', authorization: basicHeader(credential), signal });
    }
    if (res.status === 401 || res.status === 403) {
      throw refusedCredentials(registryHost, credential);
    }
    if (!isSuccess(res)) throw statusError(res, { what: 'an access token' });
    const body = readJson(res, 'an access token');
    if (!isRecord(body)) throw new BadResponse(`the token server of ${registryHost} sent an unexpected answer`);
    const token = str(body.access_token) || str(body.token);
    if (!token) throw new BadResponse(`the token server of ${registryHost} sent no token`);
    const expiresIn = Math.max(MIN_TOKEN_SECONDS, num(body.expires_in) ?? MIN_TOKEN_SECONDS);
    // Timed from receipt on this machine's clock: `issued_at` is on the token server's, and with the two
    // clocks apart (a NAS whose clock is off) it would make every token look expired, or last for ever.
    return { token, expiresAt: this.now() + expiresIn * 1000 - CLOCK_SKEW_MS };
  }

  /**
   * A realm named by a host name: resolved, and refused when any address it resolves to is internal (the
   * rule validateRealm applies to literals; the registry's own host is exempt, as there). The transport then
   * connects that origin to the address checked, so a second DNS answer cannot go elsewhere.
   */
  private async checkRealm(url: URL, origin: string): Promise<URL> {
    const registry = new URL(origin);
    const host = bareHost(url.hostname);
    if (isIP(host) !== 0 || host === bareHost(registry.hostname)) return url;
    let addresses: Array<{ address: string; family: number }>;
    try {
      addresses = await (this.options.resolve ?? ((h) => dnsLookup(h, { all: true, verbatim: true })))(host);
    } catch {
      throw new Unreachable(`cannot resolve the token server of ${registry.host} (${sanitizeLine(url.host)})`, { hint: 'check the registry and your DNS' });
    }
    const internal = addresses.find((a) => isInternalAddress(a.address));
    if (internal) throw new BadResponse(`${registry.host} named a token server on an internal address (${sanitizeLine(url.host)} is ${internal.address}); refusing`);
    const first = addresses[0];
    if (!first) throw new Unreachable(`cannot resolve the token server of ${registry.host} (${sanitizeLine(url.host)})`);
    this.transport.pinAddress(url.origin, first.address);
    return url;
  }

  /** Sends to the realm, following redirects only to realms that pass the same checks. */
  private async sendToRealm(origin: string, url: URL, req: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; authorization?: string | undefined; signal?: AbortSignal | undefined }): Promise<HttpResponse> {
    let target = url;
    for (let hop = 0; hop < 4; hop++) {
      const res = await this.transport.send({
        url: target,
        method: req.method,
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.authorization && target.origin === url.origin ? { authorization: req.authorization } : {}),
        signal: req.signal,
        maxBytes: TOKEN_BODY_LIMIT,
        followRedirects: false,
        retry: req.method === 'GET',
      });
      const location = headerValue(res.headers, 'location');
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      target = await this.checkRealm(validateRealm(new URL(location, target).toString(), origin), origin);
    }
    throw new BadResponse(`the token server of ${new URL(origin).host} redirected too many times`);
  }
}

/** The challenge to answer: bearer or basic first (as ggcr picks), else the first. */
export function pickChallenge(list: Challenge[]): Challenge | undefined {
  return list.find((c) => c.scheme === 'bearer') ?? list.find((c) => c.scheme === 'basic') ?? list[0];
}

function basicHeader(credential: RegistryCredential | undefined): string | undefined {
  if (credential?.kind !== 'basic') return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/** Identifies a credential in cache keys without keeping its secret. */
function identity(credential: RegistryCredential | undefined): string {
  if (!credential) return 'anonymous';
  const secret = credential.kind === 'basic' ? credential.password : credential.token;
  return `${credential.kind}:${credential.username}:${sha256Hex(secret).slice(0, 16)}`;
}

/** Our scopes plus the one the registry named (its scope may be wider, e.g. on insufficient_scope). */
export function mergeScopes(ours: string[], theirs: string | undefined): string[] {
  const all = [...ours, ...(theirs ? theirs.split(' ') : [])].filter(Boolean);
  return [...new Set(all)];
}

/** 401 for credentials a registry or its token server refused, naming the user and where they came from. */
export function refusedCredentials(host: string, credential: RegistryCredential | undefined, what?: string, problem?: string): Unauthorized {
  if (!credential && problem) {
    // Not "none were found": the helper that should have said failed.
    return new Unauthorized(`${host} needs credentials${what ? ` for ${what}` : ''}, and ${sanitizeLine(problem)}`, {
      hint: 'fix the credential helper (see `credsStore`/`credHelpers` in docker\'s config.json), or save credentials with `stevedore registry edit NAME --username U --password-stdin`',
    });
  }
  if (!credential) {
    return new Unauthorized(`${host} needs credentials${what ? ` for ${what}` : ''} and none were found`, {
      hint: 'save them with `stevedore repo add HOST/REPO --username U --password-stdin`, on the registry with `stevedore registry edit NAME --username U --password-stdin`, or with `docker login`',
    });
  }
  const user = credential.username ? `user "${sanitizeLine(credential.username)}"` : 'the saved token';
  return new Unauthorized(`${host} refused the credentials of ${user} (from ${sanitizeLine(credential.source)})`, {
    hint: 'check the user name and password',
  });
}

/** 401 when the credentials were accepted but give no access to the repository. */
export function noAccess(host: string, credential: RegistryCredential | undefined, what: string, res?: HttpResponse): Unauthorized {
  if (!credential) return refusedCredentials(host, credential, what);
  const detail = res ? errorDetail(res) : undefined;
  const user = credential.username ? `user "${sanitizeLine(credential.username)}"` : 'the saved token';
  return new Unauthorized(`${host} gives ${user} (from ${sanitizeLine(credential.source)}) no access to ${what}${detail?.message ? `: ${detail.message}` : ''}`);
}

export { isInternalAddress, isInternalHost, validateRealm } from './realm';
