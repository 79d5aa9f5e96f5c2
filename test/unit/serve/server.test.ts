// `stevedore serve`'s HTTP layer on a real socket: login and cookie, one test per safety rule (no cookie →
// 401, failed logins slowed per client, oversize body → 413, bodies validated with the field named, no
// password in any answer), routing (404/405) and the access log. The registry routes run over the real
// RegistryService on an in-memory registry file; the engine and registry clients are not needed here
// (test/integration/serve covers them against the test world).
import { request } from 'node:http';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServeServer, listen, logPath, type AccessLogEntry, type RunningServer } from '../../../src/serve/server';
import { isLoopback, parseListen } from '../../../src/serve/command';
import { RegistryService } from '../../../src/services/registries';
import type { AppServices } from '../../../src/services/index';
import { ServeLoginStore, verifyLogin } from '../../../src/store/serveLogin';
import type { RegistryData } from '../../../src/store/registryStore';
import { selfSigned } from '../../fixtures/remote/servers';
import { tempDir } from '../helpers';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

function call(base: string, method: string, path: string, options: { body?: string | Buffer; cookie?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: { ...(options.cookie ? { Cookie: options.cookie } : {}), ...options.headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const PASSWORD = 'correct horse battery';
const REGISTRY_SECRET = 'reg-secret-pw-42';

function memoryRegistries(): RegistryService {
  let data: RegistryData = { registries: [], repositories: [] } as unknown as RegistryData;
  return new RegistryService({ read: () => data, update: (change) => (data = change(data)) }, 'https://registry-1.docker.io');
}

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function start(options: { bodyLimit?: number } = {}) {
  let now = Date.parse('2030-01-01T00:00:00Z');
  let mono = 1_000;
  const clock = { now: () => now };
  const registries = memoryRegistries();
  const unused = () => Promise.reject(new Error('not used in this test'));
  const services = { registries: async () => registries, settings: unused, engine: unused, remote: unused } as unknown as AppServices;
  const log: AccessLogEntry[] = [];
  const serve = createServeServer({
    services,
    notes: { all: () => new Map(), set: () => undefined },
    clock,
    monotonic: () => mono,
    login: { verify: async (user, password) => user === 'admin' && password === PASSWORD },
    accessLog: (e) => log.push(e),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  const server = await listen(serve, '127.0.0.1', 0);
  running.push(server);
  const base = server.url;
  const login = async (): Promise<string> => {
    const r = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}` });
    expect(r.status).toBe(200);
    const setCookie = String(r.headers['set-cookie']);
    return setCookie.split(';')[0] ?? '';
  };
  const advance = (ms: number): void => {
    now += ms;
    mono += ms;
  };
  return { base, log, login, advance, registries, setWall: (ms: number) => (now = ms) };
}

describe('stevedore serve: login and safety', () => {
  it('answers /healthz without a login, and every API route with 401 without the cookie', async () => {
    const { base } = await start();
    expect((await call(base, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
    for (const [method, path] of [
      ['GET', '/api/v1/image/?category=local'],
      ['GET', '/api/v1/registry'],
      ['POST', '/api/v1/registry'],
      ['GET', '/api/repo/v1/repository/'],
      ['GET', '/api/v1/image/downloadstatus'],
      ['GET', '/api/v1/no-such-route'],
    ] as const) {
      const r = await call(base, method, path, { cookie: 'stevedore_session=forged' });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.json).toMatchObject({ error: { code: 401 } });
    }
  });

  it('logs in with the seed example form fields: an HttpOnly, SameSite=Strict cookie that expires; logout ends it', async () => {
    const { base, login, advance } = await start();
    const r = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}` });
    expect(r.status).toBe(200);
    expect(r.json).not.toHaveProperty('error');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/^stevedore_session=[\w-]{40,}; Path=\/; Max-Age=43200; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('Secure'); // plain HTTP on loopback
    const session = cookie.split(';')[0] ?? '';
    expect((await call(base, 'GET', '/api/v1/registry', { cookie: session })).status).toBe(200);
    // JSON bodies log in too
    expect((await call(base, 'POST', '/api/v1/login', { body: JSON.stringify({ username: 'admin', password: PASSWORD }) })).status).toBe(200);
    // expiry
    advance(12 * 60 * 60 * 1000 + 1);
    expect((await call(base, 'GET', '/api/v1/registry', { cookie: session })).status).toBe(401);
    // logout
    const fresh = await login();
    const out = await call(base, 'POST', '/api/v1/logout', { cookie: fresh });
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await call(base, 'GET', '/api/v1/registry', { cookie: fresh })).status).toBe(401);
  });

  it('slows failed logins per client: after a wrong password the next try waits (429 + Retry-After), doubling', async () => {
    const { base, advance } = await start();
    const wrong = await call(base, 'POST', '/api/v1/login', { body: 'username=admin&password=nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // Even the right password is refused inside the window.
    const early = await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}` });
    expect(early.status).toBe(429);
    expect(early.headers['retry-after']).toBe('1');
    advance(1_001);
    expect((await call(base, 'POST', '/api/v1/login', { body: 'username=admin&password=again-wrong' })).status).toBe(401);
    const second = await call(base, 'POST', '/api/v1/login', { body: 'username=admin&password=x' });
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('2');
    advance(2_001);
    expect((await call(base, 'POST', '/api/v1/login', { body: `username=admin&password=${encodeURIComponent(PASSWORD)}` })).status).toBe(200);
  });

  it('refuses a body over the limit with 413 (declared or streamed), before reading it', async () => {
    const { base, login } = await start({ bodyLimit: 1024 });
    const cookie = await login();
    const big = Buffer.alloc(4096, 'a');
    const declared = await call(base, 'POST', '/api/v1/registry', { cookie, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ error: { code: 413, message: 'the body is larger than 1024 bytes' } });
    const chunked = await call(base, 'POST', '/api/v1/registry', { cookie, body: big, headers: { 'Transfer-Encoding': 'chunked' } });
    expect(chunked.status).toBe(413);
    // also without a session, and on the login route
    expect((await call(base, 'POST', '/api/v1/login', { body: big })).status).toBe(413);
  });

  it('validates bodies with the field named (400), and keeps the seed rules (403 Docker Hub, 409 duplicate)', async () => {
    const { base, login } = await start();
    const cookie = await login();
    const post = (body: unknown) => call(base, 'POST', '/api/v1/registry', { cookie, body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect((await post('{not json')).json).toEqual({ error: { code: 400, message: 'the body is not valid JSON' } });
    expect((await post({ method: 'remove', name: 'x' })).json).toMatchObject({ error: { code: 400, message: expect.stringContaining('field "method"') } });
    expect((await post({ method: 'add', name: 'test', url: 'http://r.example', version: 'v2' })).json).toEqual({
      error: { code: 400, message: 'field "enable_trust_cert" is required' },
    });
    expect((await post({ method: 'add', name: 'test', url: 'http://r.example', version: 'v2', enable_trust_cert: 'yes' })).json).toMatchObject({
      error: { code: 400, message: expect.stringContaining('field "enable_trust_cert": must be true or false') },
    });
    const add = { method: 'add', name: 'test', enable_trust_cert: false, version: 'v1', url: 'http://test.registry.example', username: 'my_user', password: REGISTRY_SECRET };
    const added = await post(add);
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ name: 'test', url: 'http://test.registry.example', enable_trust_cert: false, username: 'my_user', password: '********', version: 'v1' });
    expect((await post(add)).json).toMatchObject({ error: { code: 409 } });
    expect((await post({ method: 'edit', oldname: 'Docker Hub', name: 'x' })).json).toMatchObject({ error: { code: 403 } });
    expect((await call(base, 'DELETE', '/api/v1/registry/Docker%20Hub', { cookie })).json).toMatchObject({ error: { code: 403 } });
    const edited = await post({ method: 'edit', oldname: 'test', name: 'new_test', password: '********' });
    expect(edited.json).toMatchObject({ name: 'new_test', password: '********', username: 'my_user' });
    // No answer carries the secret, and the list masks it.
    const list = await call(base, 'GET', '/api/v1/registry', { cookie });
    expect(list.json).toEqual([
      { name: 'Docker Hub', url: 'https://registry-1.docker.io', enable_trust_cert: false, username: '', password: '', version: 'v2' },
      { name: 'new_test', url: 'http://test.registry.example', enable_trust_cert: false, username: 'my_user', password: '********', version: 'v1' },
    ]);
    for (const r of [added, edited, list]) expect(r.text).not.toContain(REGISTRY_SECRET);
    expect((await call(base, 'DELETE', '/api/v1/registry/new_test', { cookie })).json).toMatchObject({ name: 'new_test', password: '********' });
    expect((await call(base, 'DELETE', '/api/v1/registry/new_test', { cookie })).json).toMatchObject({ error: { code: 404 } });
  });

  it('takes ca_file (the CLI\'s --ca-file) on add and edit: checked as the CLI checks it, one-line 400s, null drops it', async () => {
    const { base, login, registries } = await start();
    const cookie = await login();
    const post = (body: unknown) => call(base, 'POST', '/api/v1/registry', { cookie, body: JSON.stringify(body) });
    const dir = tempDir();
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, selfSigned('serve test CA').cert);
    const add = { method: 'add', name: 'lab', url: 'https://lab.example', version: 'v2', enable_trust_cert: false };
    for (const [body, message] of [
      [{ ...add, ca_file: join(dir, 'missing.pem') }, /^cannot read ca_file .*missing\.pem \(ENOENT\)$/],
      [{ ...add, ca_file: junk }, /^ca_file .*junk\.pem holds no PEM certificate/],
      [{ ...add, ca_file: pem, enable_trust_cert: true }, /^enable_trust_cert and ca_file go one or the other/],
      [{ ...add, ca_file: '' }, /field "ca_file": must be the path of a PEM file/],
    ] as const) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect((r.json as { error: { message: string } }).error.message).toMatch(message);
      expect(registries.list().some((x) => x.name === 'lab')).toBe(false);
    }
    expect((await post({ ...add, ca_file: pem })).status).toBe(200);
    expect(registries.list().find((x) => x.name === 'lab')?.caCert).toContain('-----BEGIN CERTIFICATE-----');
    expect((await post({ method: 'edit', oldname: 'lab', ca_file: junk })).status).toBe(400);
    expect(registries.list().find((x) => x.name === 'lab')?.caCert).toContain('-----BEGIN CERTIFICATE-----');
    expect((await post({ method: 'edit', oldname: 'lab', ca_file: null })).status).toBe(200);
    expect(registries.list().find((x) => x.name === 'lab')?.caCert).toBeUndefined();
  });

  it('answers unknown routes 404 and wrong methods 405 (with Allow), in the error shape', async () => {
    const { base, login } = await start();
    const cookie = await login();
    expect((await call(base, 'GET', '/api/v1/nothing', { cookie })).json).toEqual({ error: { code: 404, message: 'no such route: GET /api/v1/nothing' } });
    const wrong = await call(base, 'PUT', '/api/v1/registry', { cookie });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect((await call(base, 'GET', '/api/v1/login')).status).toBe(405);
  });

  it('logs each request without cookies, passwords or bodies', async () => {
    const { base, login, log } = await start();
    const cookie = await login();
    await call(base, 'GET', '/api/v1/registry/ping?url=https://user:hunter2@r.example&password=hunter2', { cookie });
    const text = JSON.stringify(log);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(cookie.split('=')[1] ?? 'x');
    expect(log.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/registry/ping?url=https://***@r.example&password=***', user: 'admin', client: '127.0.0.1' });
    expect(logPath('/a?b=\u001b[31mred')).toBe('/a?b=red');
  });
});

describe('stevedore serve: listen address and login file', () => {
  it('parses --listen and tells loopback from other addresses', () => {
    expect(parseListen('127.0.0.1:8118')).toEqual({ host: '127.0.0.1', port: 8118 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListen('8118')).toThrow('--listen must be HOST:PORT');
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'nas.local', '10.0.0.1']) expect(isLoopback(h)).toBe(false);
  });

  it('keeps a scrypt hash (never the password) in a 0600 file, and checks it', async () => {
    const dir = tempDir();
    const store = new ServeLoginStore(dir);
    expect(store.read()).toBeNull();
    await store.set('admin', PASSWORD);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    const record = store.read() as NonNullable<ReturnType<ServeLoginStore['read']>>;
    expect(JSON.stringify(record)).not.toContain(PASSWORD);
    expect(record.scrypt).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(await verifyLogin(record, 'admin', PASSWORD)).toBe(true);
    expect(await verifyLogin(record, 'admin', 'wrong')).toBe(false);
    expect(await verifyLogin(record, 'root', PASSWORD)).toBe(false);
    await expect(store.set('admin', 'short')).rejects.toThrow('at least 8 characters');
  });
});



