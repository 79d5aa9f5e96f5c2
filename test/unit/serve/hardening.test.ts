// serve's second hardening round (issue 24), on a real socket: the login throttle under concurrency and
// by client, durations on the monotonic clock, sessions ended by a new password, Host/Origin/body-type
// checks (CSRF, DNS rebinding), connection limits, bad request targets, the access log's masking, and the
// stop deadline. The real serve process under a burst and a slow registry is in test/integration/serve.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginThrottle, clientKey } from '../../../src/serve/auth';
import { certificateNames, hostRules } from '../../../src/serve/guard';
import { createServeServer, listen, logPath, type AccessLogEntry, type RunningServer, type ServeOptions } from '../../../src/serve/server';
import { RegistryService } from '../../../src/services/registries';
import type { AppServices } from '../../../src/services/index';
import type { RegistryData } from '../../../src/store/registryStore';
import { selfSigned } from '../../fixtures/remote/servers';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

function call(base: string, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends raw bytes and returns what came back when the server closed (or after `ms`). */
function raw(port: number, bytes: string, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    const done = (): void => resolve(got);
    s.on('close', done);
    s.on('error', done);
    setTimeout(() => s.destroy(), ms).unref();
  });
}

const PASSWORD = 'correct horse battery';

/** Polls until `ok` (every 10 ms, up to 10 s). */
async function until(ok: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

function memoryRegistries(): RegistryService {
  let data: RegistryData = { registries: [], repositories: [] };
  return new RegistryService({ read: () => data, update: (change) => (data = change(data)) }, 'https://registry-1.docker.io');
}

async function start(extra: Partial<ServeOptions> = {}, verify?: ServeOptions['login']['verify']) {
  let wall = Date.parse('2030-01-01T00:00:00Z');
  let mono = 5_000;
  let stamp = 'login-1';
  const registries = memoryRegistries();
  const unused = () => Promise.reject(new Error('not used in this test'));
  const services = { registries: async () => registries, settings: unused, engine: unused, remote: unused } as unknown as AppServices;
  const log: AccessLogEntry[] = [];
  const serve = createServeServer({
    services,
    notes: { all: () => new Map(), set: () => undefined },
    clock: { now: () => wall },
    monotonic: () => mono,
    login: { verify: verify ?? (async (user, password) => user === 'admin' && password === PASSWORD), stamp: () => stamp },
    accessLog: (e) => log.push(e),
    ...extra,
  });
  const server = await listen(serve, '127.0.0.1', 0);
  running.push(server);
  const base = server.url;
  const port = Number(new URL(base).port);
  const login = async (): Promise<string> => {
    const r = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(200);
    return String(r.headers['set-cookie']).split(';')[0] ?? '';
  };
  return {
    base,
    port,
    log,
    login,
    server,
    registries,
    advance: (ms: number) => {
      wall += ms;
      mono += ms;
    },
    setWall: (ms: number) => (wall = ms),
    newPassword: () => (stamp = `login-${Math.random()}`),
  };
}

describe('serve: the login throttle', () => {
  it('verifies one login per client at a time: the rest of a burst is a 429 at once, and /healthz answers meanwhile', async () => {
    let inFlight = 0;
    let most = 0;
    let verified = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const { base, log } = await start({}, async (_user, password) => {
      inFlight += 1;
      verified += 1;
      most = Math.max(most, inFlight);
      await held;
      inFlight -= 1;
      return password === PASSWORD;
    });
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const burst = Array.from({ length: 50 }, (_, i) => call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${i === 49 ? encodeURIComponent(PASSWORD) : `guess-${i}`}`, headers: form }));
    // While the first verification is held, every other answer is already there.
    const t0 = performance.now();
    const health = await call(base, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    await until(() => log.filter((e) => e.status === 429).length === 49);
    release();
    const answers = await Promise.all(burst);
    const statuses = answers.map((a) => a.status);
    expect(verified).toBe(1);
    expect(most).toBe(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(49);
    const refused = answers.find((a) => a.status === 429);
    expect(refused?.headers['retry-after']).toBe('1');
    expect(refused?.json).toMatchObject({ error: { code: 429, message: expect.stringContaining('one at a time') } });
  });

  it('counts every loopback address as one client, an IPv6 /64 as one, and caps verifications in flight for all', () => {
    expect(clientKey('127.0.0.1')).toBe('loopback');
    expect(clientKey('127.0.0.3')).toBe('loopback');
    expect(clientKey('::ffff:127.0.0.9')).toBe('loopback');
    expect(clientKey('::1')).toBe('loopback');
    expect(clientKey('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));

    let mono = 0;
    const throttle = new LoginThrottle(() => mono, { maxInFlight: 2, globalFailures: 3, globalWindowMs: 60_000 });
    const a = throttle.begin('10.0.0.1');
    const b = throttle.begin('10.0.0.2');
    const c = throttle.begin('10.0.0.3');
    expect(a.ok && b.ok).toBe(true);
    expect(c).toMatchObject({ ok: false, reason: 'the server is busy checking other logins' });
    if (!a.ok || !b.ok) throw new Error('unreachable');
    expect(a.done('failed')).toBe(1000);
    expect(b.done('failed')).toBe(1000);
    const d = throttle.begin('10.0.0.4');
    if (!d.ok) throw new Error('a third client may try');
    d.done('failed');
    // Three failures from three addresses: the server's budget is spent, for a fourth address too.
    mono += 5_000;
    expect(throttle.begin('10.0.0.5')).toMatchObject({ ok: false, reason: 'too many failed logins on this server', retryMs: 55_000 });
    mono += 55_000;
    expect(throttle.begin('10.0.0.5').ok).toBe(true);
  });

  it('measures waits and sessions on the monotonic clock: a wall clock set back an hour changes nothing', async () => {
    const { base, login, advance, setWall } = await start();
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await call(base, 'POST', '/api/v1/login', { body: 'username=admin&password=nope', headers: form })).status).toBe(401);
    setWall(Date.parse('2030-01-01T00:00:00Z') - 3_600_000);
    const early = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}`, headers: form });
    expect(early.status).toBe(429);
    expect(early.headers['retry-after']).toBe('1');
    advance(1_001);
    const cookie = await login();
    setWall(Date.parse('2031-06-01T00:00:00Z')); // the wall clock jumps a year ahead: the session goes on
    expect((await call(base, 'GET', '/api/v1/registry', { headers: { Cookie: cookie } })).status).toBe(200);
    advance(12 * 3_600_000 + 1);
    expect((await call(base, 'GET', '/api/v1/registry', { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('ends every session when the login changes (serve passwd)', async () => {
    const { base, login, newPassword } = await start();
    const first = await login();
    const second = await login();
    for (const c of [first, second]) expect((await call(base, 'GET', '/api/v1/registry', { headers: { Cookie: c } })).status).toBe(200);
    newPassword();
    for (const c of [first, second]) expect((await call(base, 'GET', '/api/v1/registry', { headers: { Cookie: c } })).status).toBe(401);
    const fresh = await login();
    expect((await call(base, 'GET', '/api/v1/registry', { headers: { Cookie: fresh } })).status).toBe(200);
  });
});

describe('serve: requests from web pages and other names (CSRF, DNS rebinding)', () => {
  it('refuses a Host that is not a name of this server, before the login', async () => {
    const { base, port, log } = await start();
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const rebound = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}`, headers: { ...form, Host: `evil.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.json).toEqual({ error: { code: 403, message: `this server does not answer to the name "evil.example:${port}"` } });
    expect(rebound.headers['set-cookie']).toBeUndefined();
    expect((await call(base, 'GET', '/healthz', { headers: { Host: `localhost:${port}` } })).status).toBe(200);
    expect((await call(base, 'GET', '/healthz', { headers: { Host: `127.0.0.1:${port + 1}` } })).status).toBe(403);
    expect(log.at(-1)).toMatchObject({ status: 403, path: '/healthz' });
  });

  it('refuses a page of another origin (another port of the same host is another origin), and non-JSON bodies from browsers', async () => {
    const { base, port, login, registries } = await start();
    const cookie = await login();
    await registries.add({ name: 'lab', url: 'https://lab.example', username: 'u', password: 'lab-secret' });
    const edit = JSON.stringify({ method: 'edit', oldname: 'lab', url: 'http://attacker.example:9' });
    // What a page on http://127.0.0.1:8080 can send: text/plain with the cookie, Origin set by the browser.
    const fromPage = await call(base, 'POST', '/api/v1/registry', { body: edit, headers: { Cookie: cookie, 'Content-Type': 'text/plain', Origin: 'http://127.0.0.1:8080', 'Sec-Fetch-Site': 'same-site' } });
    expect(fromPage.status).toBe(403);
    // Without the browser's headers (a script), text/plain is still not JSON.
    const plain = await call(base, 'POST', '/api/v1/registry', { body: edit, headers: { Cookie: cookie, 'Content-Type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect(plain.json).toEqual({ error: { code: 415, message: 'send JSON bodies with Content-Type: application/json (got text/plain)' } });
    // A form-labelled body from a page of the same origin is not JSON either.
    const sameOriginForm = await call(base, 'POST', '/api/v1/registry', { body: edit, headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://127.0.0.1:${port}` } });
    expect(sameOriginForm.status).toBe(415);
    expect(registries.get('lab')).toMatchObject({ url: 'https://lab.example', password: 'lab-secret' });
    expect((await call(base, 'POST', '/api/v1/registry', { body: edit, headers: { Cookie: cookie, Origin: 'null', 'Content-Type': 'application/json' } })).status).toBe(403);
    // JSON as application/json from this origin, or curl's `-d` (no browser headers), is accepted.
    const sameOrigin = await call(base, 'POST', '/api/v1/registry', {
      body: JSON.stringify({ method: 'edit', oldname: 'lab', version: 'v1' }),
      headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    const curlD = await call(base, 'POST', '/api/v1/registry', { body: JSON.stringify({ method: 'edit', oldname: 'lab', version: 'v2' }), headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(curlD.status).toBe(200);
    // The login takes the seed's form, but not text/plain.
    expect((await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}`, headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
  });

  it('takes the names of its TLS certificate and --allowed-host names as its own', async () => {
    const cert = selfSigned();
    expect(certificateNames(cert.cert)).toEqual(expect.arrayContaining(['127.0.0.1']));
    const rules = hostRules('192.0.2.10', 8443, { cert: cert.cert, allowed: ['nas.example.com'] });
    expect([...rules.names]).toEqual(expect.arrayContaining(['192.0.2.10', '127.0.0.1']));
    expect(rules.secure).toBe(true);
    const any = hostRules('0.0.0.0', 8118);
    expect([...any.names]).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    const { base, port } = await start({ allowedHosts: ['nas.example.com'] });
    expect((await call(base, 'GET', '/healthz', { headers: { Host: 'nas.example.com' } })).status).toBe(200);
    expect((await call(base, 'GET', '/healthz', { headers: { Host: `NAS.example.com.:${port}` } })).status).toBe(200);
    expect((await call(base, 'GET', '/healthz', { headers: { Host: 'nas.example.com', Origin: 'https://nas.example.com' } })).status).toBe(200);
    expect((await call(base, 'GET', '/healthz', { headers: { Host: 'other.example.com' } })).status).toBe(403);
  });
});

describe('serve: connections, bad targets, the log and the stop', () => {
  it('answers a bad target (GET //[/) with 400, logs it, and reports no bug', async () => {
    const bugs: unknown[] = [];
    const { port, log } = await start({ onBug: (e) => bugs.push(e) });
    const answer = await raw(port, `GET //[/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"the request path has characters that must be percent-encoded"');
    expect(answer).not.toMatch(/at \w+ \(/); // no stack trace
    const absolute = await raw(port, `GET http://127.0.0.1:${port}/healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    const junk = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(junk).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(bugs).toEqual([]);
    expect(log.map((e) => [e.status, e.path])).toEqual([
      [400, '//[/'],
      [400, `http://127.0.0.1:${port}/healthz`],
      [400, '-'],
    ]);
  });

  it('masks credentials and secret query values in the access log', () => {
    expect(logPath('/api/v1/image/docker/user:hunter2@reg.example/app/1/inspect')).toBe('/api/v1/image/docker/***@reg.example/app/1/inspect');
    expect(logPath('/api/v1/image/docker/user%3Ahunter2%40reg.example%2Fapp/1/inspect')).toBe('/api/v1/image/docker/***@reg.example/app/1/inspect');
    expect(logPath('/api/v1/registry/ping?url=http%3A%2F%2Fu%3Ahunter2%40r.example&tls=1')).toBe('/api/v1/registry/ping?url=http://***@r.example&tls=1');
    for (const key of ['pw', 'password', 'key', 'api_key', 'apiKey', 'token', 'access_token', 'secret', 'PASS']) {
      expect(logPath(`/x?${key}=hunter2&name=redis`)).toBe(`/x?${key}=***&name=redis`);
    }
    expect(logPath('/x?filter_text=redis:7@sha256:abc')).toBe('/x?filter_text=redis:7@sha256:abc');
  });

  it('caps connections per client and closes connections that send nothing', async () => {
    const notices: string[] = [];
    const { port } = await start({ limits: { perClient: 3, total: 100, firstRequestMs: 300 }, notice: (l) => notices.push(l) });
    const sockets: Socket[] = [];
    const closed: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => closed.push(Math.round(performance.now() - t0)));
      sockets.push(s);
    }
    await until(() => closed.length === 5);
    expect(notices).toEqual(['refusing connections from loopback: it has 3 connections open, the most one client may (said once a minute)']);
    // Two were refused at once; the three taken were closed when they had sent nothing for 300 ms.
    expect(closed.filter((ms) => ms >= 290).length).toBeGreaterThanOrEqual(3);
    // A connection that sends its request in time is answered, and kept alive as usual.
    expect((await call(`http://127.0.0.1:${port}`, 'GET', '/healthz')).status).toBe(200);
  });

  it('stops within the deadline with an answer still in flight, aborting what it waits for', async () => {
    let aborted = 0;
    const never = new Promise<never>(() => undefined);
    const serve = await start({ stopDeadlineMs: 300, abortInFlight: () => (aborted += 1), services: { registries: () => never } as unknown as AppServices });
    const cookie = await serve.login();
    const pending = call(serve.base, 'GET', '/api/v1/registry', { headers: { Cookie: cookie } }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await serve.server.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(aborted).toBe(1);
    expect(await pending).toBeInstanceOf(Error); // its connection was cut
    running.splice(0);
  });
});
