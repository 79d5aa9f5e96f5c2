// The token realm check by resolved address, against a real registry and token server: a realm named by a
// host name that resolves to a loopback address gets nothing (the same rule as for literals), connections
// go to the address that was checked, and a registry reached over https never sends credentials to http.
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, RegistryV2Client, Transport, type RegistryCredential } from '../../../../src/clients/registry/index';
import type { Resolver } from '../../../../src/clients/registry/auth';
import type { AppError } from '../../../../src/domain/errors';
import { selfSigned, sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const open = async (...args: Parameters<typeof startServer>) => {
  const s = await startServer(...args);
  servers.push(s);
  return s;
};

const alice: RegistryCredential = { kind: 'basic', username: 'alice', password: 'pa55-Secret!', source: 'registry "lab"' };

/** Name → addresses, as an /etc/hosts entry would answer (`vm` → 127.0.0.1). */
const hosts =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const list = table[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

function client(url: string, resolve: Resolver, transport = new Transport({ timeoutMs: 2_000, sleep: async () => undefined })) {
  return new RegistryV2Client({ baseUrl: url, transport, auth: new Authenticator(transport, { resolve }), credential: async () => alice });
}

async function tokenServer(): Promise<TestServer> {
  return open((_req, res) => sendJson(res, 200, { token: 'tok', expires_in: 300 }));
}

describe('realm check by resolved address', () => {
  it('a realm host name that resolves to 127.0.0.1 (an /etc/hosts entry) gets no credentials, like `localhost`', async () => {
    const tokens = await tokenServer();
    for (const [name, addresses] of [
      ['vm', ['127.0.0.1']],
      ['mixed.example', ['203.0.113.7', '10.1.2.3']],
      ['v6.example', ['::ffff:127.0.0.1']],
    ] as const) {
      const registry = await open((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${name}:${tokens.port}/token",service="x"` }));
      const t0 = Date.now();
      const error = (await client(registry.url, hosts({ [name]: [...addresses] }))
        .tags('team/app')
        .catch((e: unknown) => e)) as AppError;
      // Refused from the resolved addresses, before any connection (and no token request, below): a connection
      // attempt to the unroutable 203.0.113.7 would cost the client's whole 2 s timeout.
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(error.code, name).toBe(502);
      expect(error.message, name).toMatch(new RegExp(`named a token server on an internal address \\(${name}:${tokens.port} is [0-9a-f:.]+\\); refusing$`));
    }
    expect(tokens.requests).toHaveLength(0);
  });

  it('a realm that does not resolve is a 503 naming it; nothing is sent', async () => {
    const registry = await open((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': 'Bearer realm="http://nowhere.invalid/token",service="x"' }));
    const error = (await client(registry.url, hosts({}))
      .tags('a')
      .catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe(503);
    expect(error.message).toBe(`cannot resolve the token server of ${registry.host} (nowhere.invalid)`);
  });

  it('connections to a checked origin go to the address that was checked, whatever DNS says later', async () => {
    const target = await open((_req, res) => sendJson(res, 200, { ok: true }));
    const transport = new Transport({ timeoutMs: 2_000 });
    // `realm.invalid` resolves nowhere (RFC 6761): only the pinned address can answer.
    transport.pinAddress(`http://realm.invalid:${target.port}`, '127.0.0.1');
    const res = await transport.send({ url: `http://realm.invalid:${target.port}/token` });
    expect(res.status).toBe(200);
    expect(target.requests[0]?.headers.host).toBe(`realm.invalid:${target.port}`);
    await transport.close();
  });

  it('a registry reached over https never sends credentials to an http realm (also after an http → https redirect)', async () => {
    const tokens = await tokenServer();
    const cert = selfSigned();
    const realm = `http://127.0.0.1:${tokens.port}/token`;
    const secure = await open((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${realm}",service="x"` }), cert);
    const transport = new Transport({ timeoutMs: 2_000, sleep: async () => undefined });
    transport.setPolicy(secure.origin, { trustCert: true, pinnedCertSha256: cert.fingerprint });
    const direct = (await client(secure.url, hosts({}), transport)
      .tags('a')
      .catch((e: unknown) => e)) as AppError;
    expect(direct.code).toBe(502);
    expect(direct.message).toContain('not https');
    // An http registry URL that redirects to the https one.
    const redirecting = await open((req, res) => {
      res.writeHead(307, { location: `${secure.url}${req.url ?? '/'}` });
      res.end();
    });
    const viaRedirect = (await client(redirecting.url, hosts({}), transport)
      .tags('a')
      .catch((e: unknown) => e)) as AppError;
    expect(viaRedirect.code).toBe(502);
    expect(viaRedirect.message).toContain('not https');
    expect(tokens.requests).toHaveLength(0);
    await transport.close();
  });
});
