// One model behind every surface (issue 20): the same questions asked through the built CLI's `--json` and
// through `stevedore serve` give the same objects — local list (with update and download marks), remote lists
// (selected, official, a private registry), tags, local and remote inspect, downloads and registries — and with
// the download worker stopped (SIGSTOP) both still answer the lists, with `downloading: null` and a warning.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../fixtures/remote/servers';
import { describeWorld } from '../../world/harness';
import { DEFAULT_THROTTLE, removeAllImages, setThrottle } from '../../world/index';
import type { WorldInfo } from '../../world/types';
import { BIN, alive, assertBuilt, json, run, session, until, workerGone, workerPid, type Session } from '../engine/helpers';

const PASSWORD = 'contract-pw-5521';
const DEADLINE_MS = 1500;

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

async function serve(s: Session): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await until(async () => text, (t) => t.includes('listening on') || child.exitCode !== null, 30_000, 'serve to listen');
  if (child.exitCode !== null) throw new Error(`serve exited: ${text}`);
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password: PASSWORD }).toString(),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { child, base, cookie, exited };
}

describeWorld('one model: --json and serve answer the same objects', (world: WorldInfo) => {
  let s: Session;
  let server: Served;
  const plain = world.registries.plain;
  const slow = world.throttlingProxy.host;
  const get = async (path: string): Promise<unknown> => {
    const r = await fetch(`${server.base}${path}`, { headers: { cookie: server.cookie } });
    return r.json();
  };
  /** The same question both ways. */
  const both = async (args: string[], path: string): Promise<{ cli: unknown; served: unknown }> => {
    const [cli, served] = await Promise.all([json(s, args), get(path)]);
    return { cli, served };
  };

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
    s = session(world, { STEVEDORE_WORKER_DEADLINE_MS: String(DEADLINE_MS) });
    expect((await run(s, ['serve', 'passwd', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0);
    expect((await run(s, ['registry', 'add', 'plain', '--url', plain.url])).code).toBe(0);
    const pulled = await run(s, ['image', 'pull', `${plain.host}/team/multi:1.0`, '--json']);
    expect(pulled.code, pulled.stderr).toBe(0);
    // The update marks come from the last check (the cache): both surfaces read the same one.
    expect((await run(s, ['image', 'updates', '--json'])).code).toBe(0);
    server = await serve(s);
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await setThrottle(world, DEFAULT_THROTTLE);
    await workerGone(s);
    await removeAllImages(world);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('local, remote, tags, inspect, downloads and registries: the same objects', async () => {
    const local = await both(['image', 'list'], '/api/v1/image/?category=local');
    expect(local.served).toEqual(local.cli);
    const entry = (local.cli as { results: Array<{ name: string; images: Array<{ update: unknown }> }> }).results.find((r) => r.name === `${plain.host}/team/multi`);
    // The marks are there on both (the check ran above): not null as serve answered before.
    expect(entry?.images[0]?.update).toBe('up_to_date');

    for (const [args, path] of [
      [['image', 'list', '--category', 'selected'], '/api/v1/image/?category=selected'],
      [['image', 'list', '--category', 'official'], '/api/v1/image/?category=official'],
      [['image', 'list', '--category', 'private', '--registry', 'plain'], '/api/v1/image/?category=private&registry_name=plain'],
      [['image', 'tags', 'team/multi', '--registry', 'plain'], '/api/v1/image/team/multi/tags?registry=plain'],
      [['image', 'inspect', `${plain.host}/team/multi:1.0`], `/api/v1/image/docker/${plain.host}/team/multi/1.0/inspect`],
      [['image', 'inspect', '--remote', 'team/multi:1.0', '--registry', 'plain'], '/api/v1/image/docker/team/multi/1.0/remote_inspect?registry=plain'],
      [['image', 'downloads'], '/api/v1/image/downloadstatus'],
      [['registry', 'list'], '/api/v1/registry'],
    ] as const) {
      const { cli, served } = await both([...args], path);
      expect(served, `${args.join(' ')} vs ${path}`).toEqual(cli);
    }
    // Downloads carry their id and engine on both.
    const downloads = (await get('/api/v1/image/downloadstatus')) as Array<Record<string, unknown>>;
    expect(downloads[0]).toMatchObject({ id: expect.any(String), engine: expect.any(String), name: `${plain.host}/team/multi:1.0`, status: 'complete' });
  });

  it('with the worker stopped, both answer the lists with `downloading: null` and the same warning', async () => {
    // 160 kB of layers no image here has, at 5 kB/s: the engine is still pulling while we ask (stopping the
    // worker does not stop the engine's pull), so the local list does not change under the two questions.
    await setThrottle(world, 5 * 1024);
    const started = await json<{ id: string }>(s, ['image', 'pull', `${slow}/team/multiarch:1.0`, '--detach']);
    expect(started.id).toEqual(expect.any(String));
    const pid = workerPid(s);
    expect(pid).not.toBeNull();
    process.kill(pid ?? 0, 'SIGSTOP');
    try {
      for (const [args, path] of [
        [['image', 'list'], '/api/v1/image/?category=local'],
        [['image', 'list', '--category', 'private', '--registry', 'plain'], '/api/v1/image/?category=private&registry_name=plain'],
      ] as const) {
        const { cli, served } = await both([...args], path);
        const answer = served as { results: Array<{ downloading: unknown }>; warnings: string[] };
        expect(answer.results.length, path).toBeGreaterThan(0);
        expect(answer.results.every((r) => r.downloading === null), path).toBe(true);
        expect(answer.warnings.join('\n')).toMatch(/cannot read the running downloads: the download worker is not answering/);
        expect(served, path).toEqual(cli);
      }
    } finally {
      process.kill(pid ?? 0, 'SIGKILL');
      await until(async () => alive(pid ?? 0), (a) => !a, 10_000, 'the stopped worker to go');
    }
  });
});
