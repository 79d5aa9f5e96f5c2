// Fault tests of the HTTP layer against local misbehaving servers (node:http / node:https): every failure a
// registry can produce becomes the typed error DESIGN.md names, quickly, with a one-line message.
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProber, RegistryV2Client, Authenticator, Transport, retryAfterSeconds } from '../../../../src/clients/registry/index';
import { readObject } from '../../../../src/clients/registry/responses';
import { AppError, BadResponse, Cancelled, RateLimited, TimedOut, Unreachable, UntrustedCertificate } from '../../../../src/domain/errors';
import { selfSigned, sendJson, startServer, type SelfSigned, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
const open = async (...args: Parameters<typeof startServer>) => {
  const s = await startServer(...args);
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A transport whose waits are recorded instead of slept. */
function fastTransport(extra: ConstructorParameters<typeof Transport>[0] = {}) {
  const waits: number[] = [];
  const transport = new Transport({ timeoutMs: 2_000, sleep: async (ms) => void waits.push(ms), ...extra });
  return { transport, waits };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('HTTP faults', () => {
  it('an HTML page instead of JSON is a 502 that says so', async () => {
    const s = await open((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Login</body></html>');
    });
    const { transport } = fastTransport();
    const res = await transport.send({ url: `${s.url}/v2/_catalog` });
    const error = await failure(Promise.resolve().then(() => readObject(res, 'the repository list')));
    expect(error).toBeInstanceOf(BadResponse);
    expect(error.code).toBe(502);
    expect(error.message).toBe(`${s.host} answered a web page instead of the repository list`);
  });

  it('a 500 is retried a bounded number of times with backoff, then a 502 naming the host', async () => {
    const s = await open((_req, res) => sendJson(res, 500, { errors: [{ code: 'UNKNOWN', message: 'disk on fire' }] }));
    const { transport, waits } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const error = await failure(client.tags('team/app'));
    expect(error).toBeInstanceOf(BadResponse);
    expect(error.message).toBe(`${s.host} failed to answer for the tags of ${s.host}/team/app (HTTP 500, disk on fire)`);
    expect(s.requests).toHaveLength(3);
    expect(waits).toEqual([250, 1000]);
  });

  it('a 500 that recovers is retried transparently', async () => {
    let calls = 0;
    const s = await open((_req, res) => (++calls === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, { name: 'a', tags: ['1'] })));
    const { transport } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    expect(await client.tags('a')).toEqual(['1']);
    expect(calls).toBe(2);
  });

  it('truncated JSON (complete framing, cut document) is a 502', async () => {
    const s = await open((_req, res) => sendJson(res, 200, '{"name":"team/app","tags":["1.0","1.'));
    const { transport } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const error = await failure(client.tags('team/app'));
    expect(error.code).toBe(502);
    expect(error.message).toBe(`${s.host} sent the tags of ${s.host}/team/app that is not valid JSON (cut short?)`);
  });

  it('a body cut off before its announced length is a 502', async () => {
    const s = await open((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"name":"x","tags":[');
      setImmediate(() => res.destroy());
    });
    const { transport } = fastTransport({ maxRetries: 0 });
    const error = await failure(transport.send({ url: `${s.url}/v2/x/tags/list` }));
    expect(error).toBeInstanceOf(BadResponse);
    expect(error.message).toContain(s.host);
  });

  it('a server that never answers times out quickly with 504', async () => {
    const s = await open(() => undefined); // accepts, never answers
    const { transport } = fastTransport({ timeoutMs: 150 });
    const error = await failure(transport.send({ url: `${s.url}/v2/` }));
    // It never answers: the TimedOut naming 0.2 s is the deadline that fired.
    expect(error).toBeInstanceOf(TimedOut);
    expect(error.code).toBe(504);
    expect(error.message).toBe(`${s.host} did not answer within 0.2 s`);
  });

  it('a body that stalls hits the idle-body timeout (504)', async () => {
    const s = await open((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"tags":');
    });
    const { transport } = fastTransport({ timeoutMs: 150, maxRetries: 0 });
    const error = await failure(transport.send({ url: `${s.url}/v2/x/tags/list` }));
    expect(error).toBeInstanceOf(TimedOut);
    expect(error.message).toContain('stopped sending');
  });

  it('429 with a short Retry-After is retried after that wait', async () => {
    let calls = 0;
    const s = await open((_req, res) => (++calls === 1 ? sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': '2' }) : sendJson(res, 200, { name: 'a', tags: ['x'] })));
    const { transport, waits } = fastTransport();
    const res = await transport.send({ url: `${s.url}/v2/a/tags/list` });
    expect(res.status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it('429 with a long Retry-After fails at once with 429 and the time to retry', async () => {
    const s = await open((_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': '600' }));
    const { transport, waits } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const error = await failure(client.tags('a'));
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterSeconds).toBe(600);
    expect(error.message).toMatch(new RegExp(`^${s.host.replace(/\./g, '\\.')} is rate-limiting requests; retry in 10 min \\(after \\d\\d:\\d\\d:\\d\\d UTC\\)$`));
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('one Retry-After rule for every status: a 503 asking for an hour fails at once with 503 naming the time', async () => {
    const s = await open((_req, res) => sendJson(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] }, { 'retry-after': '3600' }));
    const { transport, waits } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    // At once: one request and no wait (the transport's sleeps are recorded in `waits`).
    const error = await failure(client.tags('a'));
    expect(error).toBeInstanceOf(Unreachable);
    expect(error.code).toBe(503);
    expect(error.message).toMatch(/\(HTTP 503, maintenance\); it asks to retry in 60 min \(after \d\d:\d\d:\d\d UTC\)$/);
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    // The version check (registry ping / add) the same, once.
    const prober = new RegistryProber(() => ({ timeoutMs: 2_000, sleep: async (ms) => void waits.push(ms) }));
    const ping = await failure(prober.ping(s.url, { trustCert: false }));
    expect(ping.code).toBe(503);
    expect(ping.message).toContain('it asks to retry in 60 min');
    expect(s.requests).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it('a 500 asking for two hours fails at once with 502 naming the time; a short wait on a 5xx is retried a bounded number of times', async () => {
    const s = await open((req, res) =>
      req.url?.includes('long') ? sendJson(res, 500, {}, { 'retry-after': '7200' }) : sendJson(res, 502, {}, { 'retry-after': '3' }),
    );
    const { transport, waits } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const long = await failure(client.tags('long'));
    expect(long).toBeInstanceOf(BadResponse);
    expect(long.message).toMatch(/\(HTTP 500\); it asks to retry in 2 h \(after \d\d:\d\d:\d\d UTC\)$/);
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    const short = await failure(client.tags('short'));
    expect(short.code).toBe(502);
    expect(s.requests).toHaveLength(4);
    expect(waits).toEqual([3000, 3000]);
  });

  it("Docker Hub's X-Retry-After (a unix time) is read too", async () => {
    const at = Math.floor(Date.now() / 1000) + 3600;
    const s = await open((_req, res) => sendJson(res, 429, { message: 'too many' }, { 'x-retry-after': String(at) }));
    const { transport } = fastTransport();
    const res = await transport.send({ url: `${s.url}/v2/repositories/library/` });
    expect(res.status).toBe(429);
    expect(s.requests).toHaveLength(1);
  });

  it('connection refused is a 503 naming the host', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const { transport } = fastTransport();
    const error = await failure(transport.send({ url: `http://127.0.0.1:${port}/v2/` }));
    expect(error).toBeInstanceOf(Unreachable);
    expect(error.code).toBe(503);
    expect(error.message).toBe(`cannot reach 127.0.0.1:${port}: connection refused`);
  });

  it('an answer larger than accepted is refused before it is parsed', async () => {
    const s = await open((_req, res) => sendJson(res, 200, { tags: Array.from({ length: 5000 }, (_, i) => `tag-${i}`) }));
    const { transport } = fastTransport();
    const error = await failure(transport.send({ url: `${s.url}/v2/x/tags/list`, maxBytes: 1024 }));
    expect(error.code).toBe(502);
    expect(error.message).toContain('more than the 1024 accepted');
  });

  it('an aborted request is Cancelled, at once', async () => {
    const s = await open(() => undefined);
    const { transport } = fastTransport({ timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = failure(transport.send({ url: `${s.url}/v2/`, signal: controller.signal }));
    setImmediate(() => controller.abort());
    expect(await pending).toBeInstanceOf(Cancelled);
  });

  it('a blob redirect to another host gets no Authorization there (but the registry got it)', async () => {
    const cdn = await open((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('{"architecture":"amd64","os":"linux","config":{}}');
    });
    const registry = await open((req, res) => {
      res.writeHead(307, { location: `${cdn.url}/blobs/abc?sig=1` });
      res.end();
    });
    const { transport } = fastTransport();
    const res = await transport.send({ url: `${registry.url}/v2/team/app/blobs/sha256:abc`, authorization: 'Bearer secret-token' });
    expect(res.status).toBe(200);
    expect(registry.requests[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('a same-origin redirect keeps Authorization; https to http is refused', async () => {
    const s = await open((req, res) => {
      if (req.url === '/first') {
        res.writeHead(302, { location: '/second' });
        return void res.end();
      }
      sendJson(res, 200, {});
    });
    const { transport } = fastTransport();
    await transport.send({ url: `${s.url}/first`, authorization: 'Basic x' });
    expect(s.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/first', 'Basic x'],
      ['/second', 'Basic x'],
    ]);
  });
});

describe('TLS: verification and pinning', () => {
  let certA: SelfSigned;
  let certB: SelfSigned;
  beforeAll(() => {
    certA = selfSigned('registry A');
    certB = selfSigned('registry B');
  });

  it('an untrusted (self-signed) certificate is a 495 whose hint names --trust-cert', async () => {
    const s = await open((_req, res) => sendJson(res, 200, {}), certA);
    const { transport } = fastTransport();
    transport.setPolicy(s.origin, { trustCert: false, trustHint: '`stevedore registry edit lab --trust-cert`' });
    const error = await failure(transport.send({ url: `${s.url}/v2/` }));
    expect(error).toBeInstanceOf(UntrustedCertificate);
    expect(error.code).toBe(495);
    expect(error.message).toBe(`the certificate of ${s.host} is not trusted: its certificate is not signed by a trusted authority`);
    expect(error.describe()).toContain('stevedore registry edit lab --trust-cert');
  });

  it('an unconfigured https host with a self-signed certificate also names --trust-cert', async () => {
    const s = await open((_req, res) => sendJson(res, 200, {}), certA);
    const { transport } = fastTransport();
    const error = await failure(transport.send({ url: `${s.url}/v2/` }));
    expect(error.code).toBe(495);
    expect(error.describe()).toContain('--trust-cert');
  });

  it('with trustCert and the right pin, the request goes through', async () => {
    const s = await open((_req, res) => sendJson(res, 200, { ok: true }), certA);
    const { transport } = fastTransport();
    transport.setPolicy(s.origin, { trustCert: true, pinnedCertSha256: certA.fingerprint });
    const res = await transport.send({ url: `${s.url}/v2/` });
    expect(res.status).toBe(200);
  });

  it('a pinned certificate that changed is refused (495) and says how to trust the new one', async () => {
    const s = await open((_req, res) => sendJson(res, 200, {}), certB);
    const { transport } = fastTransport();
    transport.setPolicy(s.origin, { trustCert: true, pinnedCertSha256: certA.fingerprint, trustHint: '`stevedore registry edit lab --trust-cert`' });
    const error = await failure(transport.send({ url: `${s.url}/v2/` }));
    expect(error).toBeInstanceOf(UntrustedCertificate);
    expect(error.message).toBe(`the certificate of ${s.host} has changed since it was trusted (pinned sha256 ${certA.fingerprint.slice(0, 12)}…, now ${certB.fingerprint.slice(0, 12)}…)`);
    expect(error.describe()).toContain('stevedore registry edit lab --trust-cert');
    expect(s.requests).toHaveLength(0); // nothing was sent over the refused connection
  });

  it('trustCert without a pinned fingerprint fails closed (495): nothing is sent, and the hint pins it again', async () => {
    const s = await open((_req, res) => sendJson(res, 200, {}), certA);
    const { transport } = fastTransport();
    transport.setPolicy(s.origin, { trustCert: true, trustHint: '`stevedore registry edit lab --trust-cert`' });
    const error = await failure(transport.send({ url: `${s.url}/v2/` }));
    expect(error).toBeInstanceOf(UntrustedCertificate);
    expect(error.code).toBe(495);
    expect(error.message).toBe(`the certificate of ${s.host} is trusted without a pinned fingerprint and does not verify; refusing to connect unverified`);
    expect(error.describe()).toContain('stevedore registry edit lab --trust-cert');
    expect(s.requests).toHaveLength(0);
  });

  it('a certificate out of its dates (expired, not valid yet) names this machine\'s clock, not --trust-cert', async () => {
    // Dates far from any clock the tests run with (npm run test:later moves it a year ahead).
    const cases = [
      { cert: selfSigned('old', { from: '2001-01-01T00:00:00Z', to: '2002-01-01T00:00:00Z' }), why: 'its certificate has expired' },
      { cert: selfSigned('future', { from: '2045-01-01T00:00:00Z', to: '2046-01-01T00:00:00Z' }), why: 'its certificate is not valid yet' },
    ];
    for (const { cert, why } of cases) {
      const s = await open((_req, res) => sendJson(res, 200, {}), cert);
      const { transport } = fastTransport();
      transport.setPolicy(s.origin, { trustCert: false, ca: cert.cert, trustHint: '`stevedore registry edit lab --trust-cert`' });
      const error = await failure(transport.send({ url: `${s.url}/v2/` }));
      expect(error.code).toBe(495);
      expect(error.message).toBe(`the certificate of ${s.host} is not trusted: ${why}`);
      expect(error.describe()).toMatch(/check this machine's date and time \(it says \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
      expect(error.describe()).not.toContain('--trust-cert');
    }
  });

  it('trustCert without a pin still connects when the certificate verifies (nothing is skipped)', async () => {
    const s = await open((_req, res) => sendJson(res, 200, { ok: true }), certA);
    const { transport } = fastTransport();
    transport.setPolicy(s.origin, { trustCert: true, ca: certA.cert });
    expect((await transport.send({ url: `${s.url}/v2/` })).status).toBe(200);
  });

  it('the probe reads the certificate fingerprint, then pings with the pin', async () => {
    const s = await open((req, res) => (req.url === '/v2/' ? sendJson(res, 401, {}, { 'www-authenticate': 'Basic realm="x"' }) : sendJson(res, 404, {})), certA);
    const prober = new RegistryProber(() => ({ timeoutMs: 2_000 }));
    const fp = await prober.certificateFingerprint(s.url);
    expect(fp).toBe(certA.fingerprint);
    expect(await prober.ping(s.url, { trustCert: true, pinnedCertSha256: fp })).toBe('v2');
    const changed = await failure(prober.ping(s.url, { trustCert: true, pinnedCertSha256: certB.fingerprint }));
    expect(changed.code).toBe(495);
    const untrusted = await failure(prober.ping(s.url, { trustCert: false }));
    expect(untrusted.code).toBe(495);
    expect(untrusted.describe()).toContain('--trust-cert');
  });
});

describe('registry ping', () => {
  it('v2 on 200 or 401 at /v2/, v1 on /v1/_ping, else a 502 that says it is no registry', async () => {
    const v2 = await open((_req, res) => sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' }));
    const v1 = await open((req, res) => (req.url === '/v1/_ping' ? sendJson(res, 200, true) : sendJson(res, 404, {})));
    const web = await open((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>nope</html>');
    });
    const prober = new RegistryProber(() => ({ timeoutMs: 2_000, sleep: async () => undefined }));
    expect(await prober.ping(v2.url, { trustCert: false })).toBe('v2');
    expect(await prober.ping(v1.url, { trustCert: false })).toBe('v1');
    const error = await failure(prober.ping(web.url, { trustCert: false }));
    expect(error.code).toBe(502);
    expect(error.message).toBe(`${web.host} is not a container registry (no answer at /v2/ or /v1/_ping)`);
  });
});

describe('proxies', () => {
  /** A CONNECT proxy that records where it was asked to go. */
  async function connectProxy() {
    const http = await import('node:http');
    const targets: string[] = [];
    const server = http.createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    server.on('connect', (req, client: net.Socket, head: Buffer) => {
      targets.push(req.url ?? '');
      const [host = '', port = '0'] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}`,
      targets,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  /** A proxy that answers every CONNECT badly: drops the connection, never answers, or answers with a status. */
  async function refusingProxy(answer: 'drop' | 'silent' | number) {
    let connects = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (data) => {
        if (!data.toString('latin1').startsWith('CONNECT ')) return socket.destroy();
        connects++;
        if (answer === 'silent') return;
        if (answer === 'drop') return socket.destroy();
        socket.end(`HTTP/1.1 ${answer} No\r\n${answer === 407 ? 'Proxy-Authenticate: Basic realm="proxy"\r\n' : ''}Content-Length: 0\r\n\r\n`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      connects: () => connects,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
  }

  it('a proxy that never answers the CONNECT is a 504 within http.timeout; the caller can cancel before that', async () => {
    const proxy = await refusingProxy('silent');
    const { transport } = fastTransport({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 300 });
    try {
      const error = await failure(transport.send({ url: 'https://registry.example.com/v2/' }));
      expect(error).toBeInstanceOf(TimedOut);
      expect(error.message).toBe(`the proxy at ${proxy.host} did not open a connection to registry.example.com within 0.3 s`);
      await transport.close();
      // Waiting for the proxy under a long http.timeout: the caller's abort ends it at once (undici alone
      // would apply the abort only once the request had a connection).
      const patient = new Transport({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 60_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = performance.now();
      expect(await failure(patient.send({ url: 'https://registry.example.com/v2/', signal: controller.signal }))).toBeInstanceOf(Cancelled);
      // Cancelled by the abort, well before the 60 s http.timeout (which would have been a TimedOut).
      expect(performance.now() - started).toBeLessThan(20_000);
      void patient.close();
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('a proxy that drops the CONNECT fails the request after the bounded retries (no reconnect loop)', async () => {
    const proxy = await refusingProxy('drop');
    const { transport, waits } = fastTransport({ env: { HTTPS_PROXY: proxy.url } });
    try {
      transport.setPolicy('https://registry.example.com', { trustCert: false });
      const cpu = process.cpuUsage();
      const error = await failure(transport.send({ url: 'https://registry.example.com/v2/' }));
      expect(error).toBeInstanceOf(Unreachable);
      expect(error.code).toBe(503);
      expect(error.message).toBe(`the proxy at ${proxy.host} refused the connection: it closed the connection when asked for registry.example.com`);
      // No reconnect loop: three connections, two (recorded, not slept) waits, little CPU.
      expect(proxy.connects()).toBe(3); // the first try and 2 retries
      expect(waits).toEqual([250, 1000]);
      const used = process.cpuUsage(cpu);
      expect((used.user + used.system) / 1000).toBeLessThan(500);
      // The same without a registry policy (the shared dispatcher), and for plain http.
      const error2 = await failure(transport.send({ url: 'https://other.example.com/v2/' }));
      expect(error2.message).toContain(`the proxy at ${proxy.host} refused the connection`);
      const plain = new Transport({ env: { HTTP_PROXY: proxy.url }, timeoutMs: 2_000, maxRetries: 0 });
      expect((await failure(plain.send({ url: 'http://registry.example.com/v2/' }))).message).toContain(`the proxy at ${proxy.host} refused the connection`);
      await plain.close();
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('a proxy asking for credentials (407) is reported as such, not as "cancelled", and not retried', async () => {
    const proxy = await refusingProxy(407);
    const { transport } = fastTransport({ env: { HTTPS_PROXY: proxy.url } });
    try {
      const error = await failure(transport.send({ url: 'https://registry.example.com/v2/' }));
      expect(error).not.toBeInstanceOf(Cancelled);
      expect(error).toBeInstanceOf(Unreachable);
      expect(error.message).toBe(`the proxy at ${proxy.host} asks for credentials (407)`);
      expect(error.describe()).toContain('HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT');
      expect(proxy.connects()).toBe(1);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('a proxy refusing the CONNECT with another status is a typed error naming the proxy and the status', async () => {
    const proxy = await refusingProxy(403);
    const { transport } = fastTransport({ env: { HTTPS_PROXY: proxy.url } });
    try {
      const error = await failure(transport.send({ url: 'https://registry.example.com/v2/' }));
      expect(error.code).toBe(503);
      expect(error.message).toBe(`the proxy at ${proxy.host} refused the connection: it answered HTTP 403 to CONNECT registry.example.com`);
      expect(proxy.connects()).toBe(1);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('a proxy that cannot be reached is named, without the credentials of its URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const { transport } = fastTransport({ env: { HTTPS_PROXY: `http://user:s3cret@127.0.0.1:${port}` } });
    try {
      const error = await failure(transport.send({ url: 'https://registry.example.com/v2/' }));
      expect(error.message).toBe(`cannot reach the proxy at 127.0.0.1:${port}: connection refused`);
      expect(JSON.stringify(error.toJSON())).not.toContain('s3cret');
    } finally {
      await transport.close();
    }
  });

  it('HTTP_PROXY / HTTPS_PROXY are used, and NO_PROXY skips them', async () => {
    const proxy = await connectProxy();
    try {
      const s = await open((_req, res) => sendJson(res, 200, { ok: true }));
      const via = new Transport({ env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, timeoutMs: 2_000 });
      expect((await via.send({ url: `${s.url}/v2/` })).status).toBe(200);
      expect(proxy.targets).toEqual([s.host]);
      await via.close();
      const direct = new Transport({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, timeoutMs: 2_000 });
      expect((await direct.send({ url: `${s.url}/v2/` })).status).toBe(200);
      expect(proxy.targets).toHaveLength(1);
      await direct.close();
    } finally {
      await proxy.close();
    }
  });

  it('a pinned https registry behind a proxy is still checked against its pin', async () => {
    const proxy = await connectProxy();
    const a = selfSigned('proxied A');
    const b = selfSigned('proxied B');
    try {
      const s = await open((_req, res) => sendJson(res, 200, {}), a);
      const ok = new Transport({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 2_000 });
      ok.setPolicy(s.origin, { trustCert: true, pinnedCertSha256: a.fingerprint });
      expect((await ok.send({ url: `${s.url}/v2/` })).status).toBe(200);
      await ok.close();
      const changed = new Transport({ env: { HTTPS_PROXY: proxy.url }, timeoutMs: 2_000, maxRetries: 0 });
      changed.setPolicy(s.origin, { trustCert: true, pinnedCertSha256: b.fingerprint });
      expect((await failure(changed.send({ url: `${s.url}/v2/` }))).code).toBe(495);
      await changed.close();
      expect(proxy.targets.length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });
});

describe('overall deadline per try', () => {
  /** Sends headers, then one byte every `every` ms for as long as the client listens. */
  function dripServer(every: number) {
    return open((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"tags":[');
      const timer = setInterval(() => res.write(' '), every);
      req.socket.on('close', () => clearInterval(timer));
    });
  }

  it('a server that sends one byte at a time (never idle long enough for the body timeout) is a 504 naming the host', async () => {
    const s = await dripServer(50);
    const { transport } = fastTransport({ timeoutMs: 200 });
    const error = await failure(transport.send({ url: `${s.url}/v2/x/tags/list` }));
    expect(transport.deadlineMs).toBe(2 * 200 + 2_000); // about twice http.timeout
    // The drip never ends: the TimedOut naming 2.4 s is the whole-answer deadline that fired.
    expect(error).toBeInstanceOf(TimedOut);
    expect(error.code).toBe(504);
    expect(error.message).toBe(`${s.host} did not finish answering within 2.4 s`);
    expect(s.requests).toHaveLength(1); // a deadline is not retried
  });

  it('the deadline covers redirects: the hops share one try', async () => {
    const s = await open((req, res) => {
      if (req.url === '/start') {
        setTimeout(() => {
          res.writeHead(302, { location: '/slow' });
          res.end();
        }, 300);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      req.socket.on('close', () => clearInterval(timer));
    });
    const { transport } = fastTransport({ timeoutMs: 2_000, deadlineMs: 600 });
    const error = await failure(transport.send({ url: `${s.url}/start` }));
    // 0.6 s for both hops together (each hop alone stays under the 2 s http.timeout): the shared deadline fired.
    expect(error).toBeInstanceOf(TimedOut);
    expect(error.message).toBe(`${s.host} did not finish answering within 0.6 s`);
  });

  it("the caller's abort during a dripping body is still Cancelled", async () => {
    const s = await dripServer(20);
    const { transport } = fastTransport({ timeoutMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await failure(transport.send({ url: `${s.url}/v2/x/tags/list`, signal: controller.signal }));
    expect(error).toBeInstanceOf(Cancelled);
  });
});

describe('Retry-After out of range', () => {
  const WEEK = 7 * 24 * 3600;

  it('a huge Retry-After fails at once with 429 and says what the server said (no "Invalid time value", no made-up week)', async () => {
    const s = await open((_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': '99999999999999999999' }));
    const { transport, waits } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const error = await failure(client.tags('a'));
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.code).toBe(429);
    expect((error as RateLimited).retryAfterSeconds).toBe(WEEK);
    expect(error.message).toMatch(/is rate-limiting requests; retry later \(it said "Retry-After: 99999999999999999999"\)$/);
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a huge X-Retry-After (unix time) too', async () => {
    const s = await open((_req, res) => sendJson(res, 429, { message: 'too many' }, { 'x-retry-after': '99999999999999999999' }));
    const { transport } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    const error = await failure(client.tags('a'));
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterSeconds).toBe(WEEK);
    expect(error.message).toContain('retry later (it said "X-Retry-After: 99999999999999999999")');
    expect(s.requests).toHaveLength(1);
  });

  it('Retry-After of three years, or the year 2100, is shown as the server said it (issue 24)', async () => {
    for (const [value, said] of [
      [String(3 * 365 * 86_400), 'Retry-After: 94608000'],
      ['Fri, 01 Jan 2100 00:00:00 GMT', 'Retry-After: Fri, 01 Jan 2100 00:00:00 GMT'],
    ] as const) {
      const s = await open((_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': value }));
      const { transport } = fastTransport();
      const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
      const error = await failure(client.tags('a'));
      expect(error.code).toBe(429);
      expect(error.message).toMatch(new RegExp(`retry later \\(it said "${said}"\\)$`));
      expect(error.message).not.toContain('7 days');
    }
    // A wait within a week keeps its time.
    const s = await open((_req, res) => sendJson(res, 429, { message: 'later' }, { 'retry-after': String(2 * 86_400) }));
    const { transport } = fastTransport();
    const client = new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });
    expect((await failure(client.tags('a'))).message).toMatch(/retry in 2 days \(after \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
  });

  it('dates far away are clamped; an X-Retry-After in the past means now', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(retryAfterSeconds({ 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, now)).toBe(WEEK);
    expect(retryAfterSeconds({ 'retry-after': '1'.repeat(400) }, now)).toBe(WEEK);
    expect(retryAfterSeconds({ 'x-retry-after': '5' }, now)).toBe(0);
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
  });
});
