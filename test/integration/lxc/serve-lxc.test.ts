// `stevedore serve` with `type=lxc` (issue 14b) against the world's real LXD and simplestreams server: the
// lists answer what `image list --type lxc --json` says, inspect local/remote, a download queued over HTTP runs
// through the worker to `complete` and shows in `downloadstatus`, DELETE removes it from LXD, bad parameters
// are 400s naming the field, and without LXD the answer is the CLI's 501 naming the sockets looked at.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../fixtures/remote/servers';
import { describeWorld } from '../../world/harness.js';
import type { LxdWorldInfo } from '../../world/lxd.js';
import { BIN, assertBuilt, json, run, session, until, workerGone, type Session } from '../engine/helpers.js';

const PASSWORD = 'lxc-serve-pw-2291';

interface Served {
  child: ChildProcess;
  base: string;
  cookie: string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const s = await startServer(() => undefined);
  const port = s.port;
  await s.close();
  return port;
}

/** `serve` on a free loopback port, logged in. */
async function serve(s: Session): Promise<Served> {
  const passwd = await run(s, ['serve', 'passwd', '--password-stdin'], `${PASSWORD}\n`);
  expect(passwd.code, passwd.stderr).toBe(0);
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await until(async () => log, (t) => t.includes('listening on') || child.exitCode !== null, 30_000, 'serve to listen');
  if (child.exitCode !== null) throw new Error(`serve exited: ${log}`);
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${PASSWORD}`,
    signal: AbortSignal.timeout(10_000),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { child, base, cookie, exited };
}

async function call(s: Served, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: { cookie: s.cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function stop(s: Served | undefined): Promise<void> {
  if (!s) return;
  s.child.kill('SIGTERM');
  await s.exited;
}

interface LxcList {
  category: string;
  type: string;
  results: Array<{ name: string; fingerprint: string; installed: boolean | null; type: string; repository: string }>;
  total_count: number;
}

describeWorld('stevedore serve with type=lxc', (world) => {
  let lxd: LxdWorldInfo;
  let s: Session;
  let served: Served | undefined;
  let none: Session | undefined;
  let servedNone: Served | undefined;

  beforeAll(async () => {
    if (!world.lxd) throw new Error(`the world's LXD did not start: ${world.lxdError ?? 'unknown reason'}`);
    lxd = world.lxd;
    assertBuilt();
    s = session(world, lxd.env);
    const added = await run(s, ['lxd-server', 'add', 'world', '--url', lxd.serverUrl]);
    expect(added.code, added.stderr).toBe(0);
    served = await serve(s);
  });

  afterAll(async () => {
    await stop(served);
    await stop(servedNone);
    if (s) {
      await workerGone(s);
      rmSync(s.configDir, { recursive: true, force: true });
    }
    if (none) rmSync(none.configDir, { recursive: true, force: true });
  });

  it('lists local and remote LXC images as `image list --type lxc --json` does', async () => {
    const http = served as Served;
    const local = await call(http, 'GET', '/api/v1/image/?category=local&type=lxc');
    expect(local.status).toBe(200);
    const cli = await json<LxcList & { warnings: string[] }>(s, ['image', 'list', '--type', 'lxc']);
    expect(local.body).toEqual(cli);
    expect((local.body as LxcList).results.find((r) => r.fingerprint === lxd.localFingerprint)).toMatchObject({ name: lxd.localAlias, type: 'lxc', repository: 'local', installed: true });

    const remote = await call(http, 'GET', '/api/v1/image/?category=remote&type=lxc&server=world');
    expect(remote.status).toBe(200);
    const cliRemote = await json<LxcList>(s, ['image', 'list', '--type', 'lxc', '--category', 'remote', '--server', 'world']);
    expect(remote.body).toEqual(cliRemote);
    expect((remote.body as LxcList).results.map((r) => r.name).sort()).toEqual(['world/fast', 'world/slow', 'world/stuck']);
    // The seed's parameter name works too.
    const seedName = await call(http, 'GET', '/api/v1/image/?category=remote&type=lxc&registry_name=world&filter_text=fast');
    expect((seedName.body as LxcList).results.map((r) => r.name)).toEqual(['world/fast']);

    const bad = await call(http, 'GET', '/api/v1/image/?category=remote&type=lxc&server=bad%20name');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('field \\"server\\"');
    const unknown = await call(http, 'GET', '/api/v1/image/?category=remote&type=lxc&server=nope');
    expect(unknown).toEqual({ status: 404, body: { error: { code: 404, message: expect.stringContaining('LXD image server not found: nope') } } });
    const official = await call(http, 'GET', '/api/v1/image/?category=official&type=lxc');
    expect(official.status).toBe(400);
  });

  it('inspects a local LXC image (LXD\'s JSON) and a remote one (its versions)', async () => {
    const http = served as Served;
    const [first, second] = lxd.localAlias.split('/');
    const local = await call(http, 'GET', `/api/v1/image/lxc/${first}/${second}/latest/inspect`);
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ fingerprint: lxd.localFingerprint });
    const remote = await call(http, 'GET', '/api/v1/image/lxc/world/fast/latest/remote_inspect?server=world');
    expect(remote.status).toBe(200);
    const cli = await json(s, ['image', 'inspect', '--type', 'lxc', 'world/fast', '--server', 'world']);
    expect(remote.body).toEqual(cli);
    const older = lxd.products.fast.serials[0] ?? '';
    const bySerial = await call(http, 'GET', `/api/v1/image/lxc/world/fast/${encodeURIComponent(older)}/remote_inspect?server=world`);
    expect(bySerial.body).toMatchObject({ serial: older, fingerprint: lxd.products.fast.fingerprints[older] });
    const missing = await call(http, 'GET', '/api/v1/image/lxc/world/nope/latest/remote_inspect?server=world');
    expect(missing.status).toBe(404);
  });

  it('downloads through the worker (downloadstatus to complete), then DELETE removes it from LXD', async () => {
    const http = served as Served;
    const newest = lxd.products.fast.serials[lxd.products.fast.serials.length - 1] ?? '';
    const fingerprint = lxd.products.fast.fingerprints[newest] ?? '';
    const queued = await call(http, 'POST', '/api/v1/image/world/lxc/world/fast/latest/download', { description: 'fast one', location: 'lab', icon: '' });
    expect(queued).toEqual({ status: 200, body: expect.objectContaining({ id: expect.any(String), name: 'world:world/fast' }) });
    const status = await until(
      async () => (await call(http, 'GET', '/api/v1/image/downloadstatus')).body as Array<{ name: string; status: string; percent: number; description?: string }>,
      (list) => list.some((d) => d.name === 'world:world/fast' && ['complete', 'failed', 'cancelled'].includes(d.status)),
      60_000,
      'the LXC download to end',
    );
    expect(status.find((d) => d.name === 'world:world/fast')).toMatchObject({ status: 'complete', percent: 100, description: 'fast one', location: 'lab' });
    const local = await call(http, 'GET', '/api/v1/image/?category=local&type=lxc&filter_text=fast');
    expect((local.body as LxcList).results.map((r) => r.fingerprint)).toEqual([fingerprint]);

    const removed = await call(http, 'DELETE', '/api/v1/image/local/lxc/world/fast');
    expect(removed).toEqual({ status: 200, body: { name: 'world/fast', untagged: expect.arrayContaining(['world/fast']), deleted: [fingerprint] } });
    const again = await call(http, 'DELETE', '/api/v1/image/local/lxc/world/fast');
    expect(again).toEqual({ status: 404, body: { error: { code: 404, message: 'Image not found: world/fast' } } });
    const unknownServer = await call(http, 'POST', '/api/v1/image/nope/lxc/world/fast/latest/download', {});
    expect(unknownServer.status).toBe(404);
  });

  it('lists the catalog\'s LXC entries for category=qnap&type=lxc; a download from `selected` uses the entry\'s server', async () => {
    const http = served as Served;
    const file = join(s.configDir, 'catalog.json');
    writeFileSync(file, JSON.stringify({ images: [{ name: 'redis' }, { type: 'lxc', name: 'world/fast', server: 'world', title: 'World fast' }] }));
    const set = await run(s, ['config', 'set', 'catalog', file]);
    expect(set.code, set.stderr).toBe(0);
    const list = await call(http, 'GET', '/api/v1/image/?category=qnap&type=lxc');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ category: 'qnap', type: 'lxc', total_count: 1, results: [{ name: 'world/fast', type: 'lxc', server: 'world', repository: 'selected', installed: false, title: 'World fast' }] });
    const queued = await call(http, 'POST', '/api/v1/image/selected/lxc/world/fast/latest/download', {});
    expect(queued).toEqual({ status: 200, body: expect.objectContaining({ id: expect.any(String), name: 'world:world/fast' }) });
    await until(
      async () => (await call(http, 'GET', '/api/v1/image/?category=qnap&type=lxc')).body as LxcList,
      (l) => l.results[0]?.installed === true,
      60_000,
      'the selected LXC entry to be installed',
    );
    expect((await call(http, 'DELETE', '/api/v1/image/local/lxc/world/fast')).status).toBe(200);
  });

  it('answers 501 naming the sockets looked at when there is no LXD, as the CLI does', async () => {
    none = session(world, { LXD_DIR: '/nonexistent/lxd' });
    servedNone = await serve(none);
    for (const [method, path] of [
      ['GET', '/api/v1/image/?category=local&type=lxc'],
      ['GET', '/api/v1/image/lxc/world/local/latest/inspect'],
      ['POST', '/api/v1/image/images/lxc/debian/12/latest/download'],
      ['DELETE', '/api/v1/image/local/lxc/world/local'],
    ] as const) {
      const r = await call(servedNone, method, path, method === 'POST' ? {} : undefined);
      expect(r.status, path).toBe(501);
      expect((r.body as { error: { message: string } }).error.message, path).toContain('no LXD or Incus socket found (looked at /nonexistent/lxd/unix.socket');
    }
    const cli = await run(none, ['image', 'list', '--type', 'lxc', '--json']);
    const http = await call(servedNone, 'GET', '/api/v1/image/?category=local&type=lxc');
    expect(http.body).toEqual(JSON.parse(cli.stdout));
  });
});
