// Token and Basic authentication against a local registry + token server pair: anonymous and credentialed
// tokens, the token cache (per realm/service/scope, honouring expires_in), insufficient_scope, realm
// validation, and 401 messages that name the credentials tried but never their secret.
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, RegistryV2Client, Transport, validateRealm, type RegistryCredential } from '../../../../src/clients/registry/index';
import { isInternalAddress } from '../../../../src/clients/registry/auth';
import { AppError, BadResponse, Unauthorized } from '../../../../src/domain/errors';
import { sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const USER = 'alice';
const PASSWORD = 'pa55-Secret!';

/** A token registry: anonymous pull on public/*, alice everything; tokens are `tok:<account>:<scopes>`. */
async function tokenWorld(opts: { expiresIn?: number; scopeInChallenge?: boolean; issuedAt?: () => string } = {}) {
  const tokenServer = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    let who = 'anonymous';
    if (auth) {
      const [u, p] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().split(':');
      if (u !== USER || p !== PASSWORD) return sendJson(res, 401, { details: 'incorrect username or password' });
      who = u;
    }
    const scopes = url.searchParams.getAll('scope').join(' ');
    sendJson(res, 200, { token: `tok:${who}:${scopes}`, expires_in: opts.expiresIn ?? 300, issued_at: opts.issuedAt?.() ?? new Date().toISOString() });
  });
  const registry = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const repo = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1];
    const challenge = (scope?: string, error?: string) =>
      `Bearer realm="${tokenServer.url}/token",service="test"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`;
    const token = /^Bearer tok:([^:]+):(.*)$/.exec(req.headers.authorization ?? '');
    if (!repo) return token ? sendJson(res, 200, {}) : sendJson(res, 401, {}, { 'www-authenticate': challenge() });
    const need = `repository:${repo}:pull`;
    const allowed = token && token[2]?.split(' ').includes(need) && (token[1] === USER || repo.startsWith('public/'));
    if (!allowed) {
      return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': challenge(opts.scopeInChallenge === false ? undefined : need, token ? 'insufficient_scope' : undefined) });
    }
    sendJson(res, 200, { name: repo, tags: ['1.0'] });
  });
  servers.push(tokenServer, registry);
  return { tokenServer, registry };
}

function client(url: string, credential: RegistryCredential | undefined, now?: () => number) {
  const transport = new Transport({ timeoutMs: 2_000, sleep: async () => undefined });
  const auth = new Authenticator(transport, now ? { now } : {});
  return new RegistryV2Client({ baseUrl: url, transport, auth, credential: async () => credential });
}

const alice: RegistryCredential = { kind: 'basic', username: USER, password: PASSWORD, source: 'registry "lab"' };

describe('token auth', () => {
  it('gets an anonymous token for a public repository (no Authorization to the realm)', async () => {
    const { tokenServer, registry } = await tokenWorld();
    expect(await client(registry.url, undefined).tags('public/hello')).toEqual(['1.0']);
    expect(tokenServer.requests).toHaveLength(1);
    expect(tokenServer.requests[0]?.headers.authorization).toBeUndefined();
    expect(tokenServer.requests[0]?.url).toBe('/token?service=test&scope=repository%3Apublic%2Fhello%3Apull');
  });

  it('gets a token with Basic credentials and account=, then caches it per scope for expires_in', async () => {
    let now = Date.now();
    const { tokenServer, registry } = await tokenWorld({ expiresIn: 120 });
    const c = client(registry.url, alice, () => now);
    expect(await c.tags('private/app')).toEqual(['1.0']);
    expect(await c.tags('private/app')).toEqual(['1.0']);
    expect(tokenServer.requests).toHaveLength(1);
    expect(tokenServer.requests[0]?.url).toContain('account=alice');
    expect(tokenServer.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    // Another scope needs another token.
    await c.tags('private/other');
    expect(tokenServer.requests).toHaveLength(2);
    // After expires_in the token is fetched again.
    now += 121_000;
    await c.tags('private/app');
    expect(tokenServer.requests).toHaveLength(3);
  });

  it('times expires_in on its own clock: a token server whose clock differs (issued_at a year off) does not defeat the cache', async () => {
    const YEAR = 365 * 86_400_000;
    for (const offset of [-YEAR, YEAR]) {
      let now = Date.now();
      const { tokenServer, registry } = await tokenWorld({ expiresIn: 120, issuedAt: () => new Date(now + offset).toISOString() });
      const c = client(registry.url, alice, () => now);
      await c.tags('private/app');
      now += 100_000;
      await c.tags('private/app');
      expect(tokenServer.requests, `issued_at ${offset > 0 ? 'ahead' : 'behind'}`).toHaveLength(1);
      now += 21_000;
      await c.tags('private/app');
      expect(tokenServer.requests, `issued_at ${offset > 0 ? 'ahead' : 'behind'}`).toHaveLength(2);
    }
  });

  it('treats expires_in below 60 s as 60 s', async () => {
    let now = Date.now();
    const { tokenServer, registry } = await tokenWorld({ expiresIn: 5 });
    const c = client(registry.url, alice, () => now);
    await c.tags('private/app');
    now += 30_000;
    await c.tags('private/app');
    expect(tokenServer.requests).toHaveLength(1);
  });

  it('answers insufficient_scope with the scope the registry names', async () => {
    const wider = 'repository:private/app:pull,metadata_read';
    const tokens = await startServer((req, res) => sendJson(res, 200, { token: `tok:${new URL(req.url ?? '/', 'http://x').searchParams.getAll('scope').join(' ')}`, expires_in: 300 }));
    const registry = await startServer((req, res) => {
      const granted = (req.headers.authorization ?? '').replace(/^Bearer tok:/, '').split(' ');
      const challenge = `Bearer realm="${tokens.url}/token",service="test",scope="${wider}"`;
      if (!req.headers.authorization) return sendJson(res, 401, {}, { 'www-authenticate': challenge.replace(`,scope="${wider}"`, '') });
      if (!granted.includes(wider)) return sendJson(res, 401, {}, { 'www-authenticate': `${challenge},error="insufficient_scope"` });
      sendJson(res, 200, { name: 'private/app', tags: ['1.0'] });
    });
    servers.push(tokens, registry);
    const c = client(registry.url, alice);
    await c.ping(); // learns the challenge, as `/v2/` does
    expect(await c.tags('private/app')).toEqual(['1.0']);
    expect(tokens.requests.map((r) => new URL(r.url, 'http://x').searchParams.getAll('scope'))).toEqual([
      ['repository:private/app:pull'],
      ['repository:private/app:pull', wider],
    ]);
  });

  it('wrong credentials: 401 naming the user and where they came from, never the password', async () => {
    const { registry } = await tokenWorld();
    const wrong: RegistryCredential = { kind: 'basic', username: USER, password: 'nope-wrong', source: '/tmp/docker/config.json' };
    const error = await client(registry.url, wrong)
      .tags('private/app')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unauthorized);
    const e = error as AppError;
    expect(e.message).toBe(`${registry.host} refused the credentials of user "alice" (from /tmp/docker/config.json)`);
    expect(JSON.stringify(e.toJSON())).not.toContain('nope-wrong');
  });

  it('no credentials for a private repository: 401 saying none were found and how to add them', async () => {
    const { registry } = await tokenWorld();
    const error = (await client(registry.url, undefined)
      .tags('private/app')
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe(401);
    expect(error.message).toBe(`${registry.host} needs credentials for private/app and none were found`);
    expect(error.describe()).toContain('docker login');
  });
});

describe('basic auth', () => {
  it('sends Basic credentials after the challenge; wrong ones are a 401 naming the user', async () => {
    const s = await startServer((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) {
        return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': 'Basic realm="lab"' });
      }
      sendJson(res, 200, { name: 'team/app', tags: ['1'] });
    });
    servers.push(s);
    expect(await client(s.url, alice).tags('team/app')).toEqual(['1']);
    const error = (await client(s.url, { ...alice, password: 'bad' })
      .tags('team/app')
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe(401);
    expect(error.message).toBe(`${s.host} refused the credentials of user "alice" (from registry "lab")`);
  });
});

describe('realm validation', () => {
  it('accepts https realms, and http only for a plain-http registry', () => {
    expect(validateRealm('https://auth.docker.io/token', 'https://registry-1.docker.io').host).toBe('auth.docker.io');
    expect(validateRealm('http://127.0.0.1:9000/token', 'http://127.0.0.1:5000').port).toBe('9000');
    expect(() => validateRealm('http://auth.example.com/token', 'https://registry.example.com')).toThrow(BadResponse);
  });

  it('refuses internal address literals that are not the registry host (SSRF guard)', () => {
    expect(() => validateRealm('https://169.254.169.254/latest/meta-data', 'https://registry.example.com')).toThrow('internal address');
    expect(() => validateRealm('https://10.0.0.5/token', 'https://registry.example.com')).toThrow('internal address');
    expect(() => validateRealm('https://[::1]/token', 'https://registry.example.com')).toThrow('internal address');
    expect(validateRealm('https://10.0.0.5:8443/token', 'https://10.0.0.5:5000').hostname).toBe('10.0.0.5');
    expect(() => validateRealm('https://user:pw@auth.example.com/token', 'https://r.example.com')).toThrow('credentials');
    expect(isInternalAddress('192.168.1.1')).toBe(true);
    expect(isInternalAddress('8.8.8.8')).toBe(false);
  });

  it('refuses every spelling of an internal address, localhost and *.localhost; allows public ones', () => {
    const registry = 'https://registry.example.com';
    const refused = [
      'https://[::ffff:7f00:1]/token', // IPv4-mapped loopback as the URL parser writes it
      'https://[::ffff:127.0.0.1]/token',
      'https://[::127.0.0.1]/token', // IPv4-compatible
      'https://[::ffff:0:a9fe:a9fe]/token', // IPv4-translated metadata address
      'https://localhost/token',
      'https://LOCALHOST./token',
      'https://auth.localhost:8443/token',
      'https://[fec0::1]/token', // site-local
      'https://[fd12:3456::1]/token', // unique-local
      'https://[fe80::1]/token',
      'https://[::]/token',
      'https://0.0.0.0/token',
      'https://169.254.169.254/latest/meta-data', // cloud metadata
      'https://169.254.1.1/token',
      'https://172.31.255.255/token',
      'https://[64:ff9b::a00:1]/token', // NAT64 of 10.0.0.1
      'https://[64:ff9b::192.168.1.1]/token',
      'https://[64:ff9b:1::a9fe:a9fe]/token', // local-use NAT64 of 169.254.169.254
      'https://[2002:c0a8:101::1]/token', // 6to4 of 192.168.1.1
      'https://2130706433/token', // 127.0.0.1 as one number
      'https://0x7f.1/token',
    ];
    for (const realm of refused) expect(() => validateRealm(realm, registry), realm).toThrow('internal address');
    for (const realm of ['https://auth.example.com/token', 'https://8.8.8.8/token', 'https://[64:ff9b::808:808]/token', 'https://[::ffff:808:808]/token', 'https://[2001:db8::1]/token', 'https://172.32.0.1/token', 'https://notlocalhost/token']) {
      expect(validateRealm(realm, registry).protocol, realm).toBe('https:');
    }
    expect(isInternalAddress('::ffff:7f00:1')).toBe(true);
    expect(isInternalAddress('fec0::1')).toBe(true);
    expect(isInternalAddress('2001:4860:4860::8888')).toBe(false);
  });

  it("the registry's own host stays allowed, and http realms only for http registries", () => {
    expect(validateRealm('http://localhost:6000/token', 'http://localhost:5000').host).toBe('localhost:6000');
    expect(validateRealm('https://[::1]:6000/token', 'https://[::1]:5000').host).toBe('[::1]:6000');
    expect(validateRealm('https://192.168.1.10/token', 'https://192.168.1.10:5000').host).toBe('192.168.1.10');
    expect(() => validateRealm('http://localhost:6000/token', 'https://localhost:5000')).toThrow('not https');
    expect(() => validateRealm('http://127.0.0.1:6000/token', 'http://localhost:5000')).toThrow('internal address');
  });

  it('a realm on localhost or a hex-mapped loopback address gets nothing sent there', async () => {
    const tokens = await startServer((_req, res) => sendJson(res, 200, { token: 'stolen', expires_in: 300 }));
    servers.push(tokens);
    for (const realm of [`http://localhost:${tokens.port}/token`, `http://[::ffff:7f00:1]:${tokens.port}/token`, `http://[::ffff:127.0.0.1]:${tokens.port}/token`]) {
      const s = await startServer((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${realm}",service="x"` }));
      servers.push(s);
      const error = (await client(s.url, alice)
        .tags('a')
        .catch((e: unknown) => e)) as AppError;
      expect(error.code, realm).toBe(502);
      expect(error.message, realm).toContain('internal address');
    }
    expect(tokens.requests).toHaveLength(0);
  });

  it('a registry naming a bad realm gets nothing sent there', async () => {
    const s = await startServer((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': 'Bearer realm="https://169.254.169.254/token",service="x"' }));
    servers.push(s);
    const error = (await client(s.url, alice)
      .tags('a')
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe(502);
    expect(error.message).toContain('internal address');
  });
});
