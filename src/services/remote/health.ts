// `stevedore doctor`'s registry checks: each configured registry answers (with its TLS policy: pinned
// certificate for trusted ones) and accepts the credentials stevedore would send (a login with no scope at the
// registry's token server, or Basic on /v2/, then /v2/ with it); Docker Hub answers and says how many pulls
// are left (a HEAD of ratelimitpreview/test, which Docker documents as not counting against the limit).
import { isAppError } from '../../domain/errors';
import { registryHost, type Registry } from '../../domain/registry';
import { sanitizeLine } from '../../domain/sanitize';
import { parseRateLimit, type RegistryCredential } from '../../clients/registry/index';
import { fail, pass, type Check } from '../doctor/types';
import { type Connections, quoteName } from './connections';

const RATE_LIMIT_REPO = 'ratelimitpreview/test';

type Login = { ok: true; text: string } | { ok: false; text: string; fix: string };

export async function checkRegistry(connections: Connections, registry: Registry, signal?: AbortSignal): Promise<Check> {
  const id = `registry.${registry.name}`;
  const title = `registry ${sanitizeLine(registry.name)}`;
  const where = `${registry.url} (${registry.version}${registry.trustCert ? ', certificate pinned' : ''})`;
  if (registry.version === 'v1') {
    try {
      const res = await connections.http().send({ url: `${registry.url}/v1/_ping`, signal, maxBytes: 64 * 1024 });
      if (res.status !== 200) return fail(id, title, `${where} answered ${res.status} at /v1/_ping`, 'check the URL: `stevedore registry edit NAME --url URL`');
      return pass(id, title, `${where} answers (v1: the login is checked when you search)`);
    } catch (error) {
      return failure(id, title, where, error);
    }
  }
  try {
    const login = await checkLogin(connections, registryHost(registry.url), signal);
    if (login.ok) return pass(id, title, `${where} answers; ${login.text}`);
    return fail(id, title, `${where} answers, but ${login.text}`, login.fix.replace('NAME', quoteName(registry.name)).replace('HOST', registryHost(registry.url)));
  } catch (error) {
    return failure(id, title, where, error);
  }
}

export async function checkDockerHub(connections: Connections, signal?: AbortSignal): Promise<Check> {
  const id = 'dockerhub';
  const title = 'Docker Hub';
  const endpoint = connections.endpoint('docker.io');
  try {
    const login = await checkLogin(connections, 'docker.io', signal);
    if (!login.ok) return fail(id, title, `${endpoint.baseUrl} answers, but ${login.text}`, "`docker login` again (stevedore takes Docker Hub's login from docker's config)");
    const limit = await rateLimit(connections, signal);
    if (!limit) return pass(id, title, `${endpoint.baseUrl} answers; ${login.text}; no pull limit reported`);
    const reset = limit.resetAt ? ` (resets ${limit.resetAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})` : '';
    const text = `${limit.remaining} of ${limit.limit} pulls left${limit.window ? ` per ${limit.window}` : ''}${reset}`;
    if (limit.remaining <= 0) return fail(id, title, `${endpoint.baseUrl} answers; ${login.text}; ${text}`, 'wait for the window to reset, or `docker login` (accounts get more pulls)');
    return pass(id, title, `${endpoint.baseUrl} answers; ${login.text}; ${text}`);
  } catch (error) {
    return failure(id, title, endpoint.baseUrl, error);
  }
}

function failure(id: string, title: string, where: string, error: unknown): Check {
  if (isAppError(error)) return fail(id, title, `${where}: ${sanitizeLine(error.message)}`, error.hint ? sanitizeLine(error.hint) : 'check the URL, the network and any proxy (HTTPS_PROXY)');
  return fail(id, title, `${where}: ${sanitizeLine(error instanceof Error ? error.message : String(error))}`);
}

/** GET /v2/ without, then with the credentials stevedore would use for this host. */
async function checkLogin(connections: Connections, host: string, signal?: AbortSignal): Promise<Login> {
  const client = connections.v2(host);
  const ping = await client.ping({ signal });
  const credential = await connections.credential(host);
  if (ping.status !== 401) {
    if (ping.status >= 300) throw new Error(`/v2/ answered ${ping.status}`);
    return { ok: true, text: credential ? `no login asked (credentials for ${credential.username || 'a token'} not needed)` : 'no login needed' };
  }
  if (!credential) {
    // Docker Hub and other registries with anonymous tokens: an anonymous token must be granted.
    const header = await connections.authenticator().authorization(client.origin, [], undefined, signal);
    if (header && (await getV2(connections, client.origin, header, signal)) === 200) return { ok: true, text: 'anonymous (no login saved)' };
    return { ok: false, text: 'it asks for a login and none is saved', fix: 'save one: `stevedore registry edit NAME --username USER --password-stdin` (or `docker login HOST`)' };
  }
  const who = describe(credential);
  try {
    const header = await connections.authenticator().authorization(client.origin, [], credential, signal, true);
    const status = header ? await getV2(connections, client.origin, header, signal) : 401;
    if (status === 200) return { ok: true, text: `login accepted for ${who}` };
    return { ok: false, text: `the login for ${who} is refused (${status})`, fix: 'fix it: `stevedore registry edit NAME --username USER --password-stdin` (or `docker login HOST`)' };
  } catch (error) {
    if (isAppError(error) && error.code === 401) {
      return { ok: false, text: `the login for ${who} is refused`, fix: 'fix it: `stevedore registry edit NAME --username USER --password-stdin` (or `docker login HOST`)' };
    }
    throw error;
  }
}

function describe(credential: RegistryCredential): string {
  const user = credential.username ? sanitizeLine(credential.username) : 'an identity token';
  return `${user} (from ${sanitizeLine(credential.source)})`;
}

async function getV2(connections: Connections, origin: string, authorization: string, signal?: AbortSignal): Promise<number> {
  const res = await connections.http().send({ url: `${origin}/v2/`, authorization, signal, maxBytes: 64 * 1024 });
  return res.status;
}

/** Docker Hub's pull limit for this client (anonymous: per IP; logged in: per account). */
async function rateLimit(connections: Connections, signal?: AbortSignal): Promise<{ limit: number; remaining: number; resetAt: string | null; window: string | null } | null> {
  const endpoint = connections.endpoint('docker.io');
  const origin = new URL(endpoint.baseUrl).origin;
  const url = `${origin}/v2/${RATE_LIMIT_REPO}/manifests/latest`;
  const credential = await connections.credential('docker.io', RATE_LIMIT_REPO);
  const scope = [`repository:${RATE_LIMIT_REPO}:pull`];
  let authorization = await connections.authenticator().authorization(origin, scope, credential, signal);
  let res = await connections.http().send({ url, method: 'HEAD', signal, ...(authorization ? { authorization } : {}), headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  if (res.status === 401) {
    authorization = await connections.authenticator().answer(origin, res, scope, credential, authorization, signal);
    if (authorization) res = await connections.http().send({ url, method: 'HEAD', signal, authorization, headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  }
  const get = (name: string): string | undefined => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = parseRateLimit(get);
  if (!parsed) return null;
  const w = /w=(\d+)/.exec(get('ratelimit-limit') ?? '')?.[1];
  const window = w ? (Number(w) % 3600 === 0 ? `${Number(w) / 3600} h` : `${w} s`) : null;
  return { ...parsed, window };
}
