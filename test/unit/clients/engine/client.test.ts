// EngineClient against a small fake engine on a unix socket (the real engine is in the integration tests),
// directly and through the ssh connection helper (a fake `ssh` on PATH that bridges to the socket).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimedOut, Unreachable } from '../../../../src/domain/errors';
import { EngineClient, EngineRequestError } from '../../../../src/clients/engine/client';
import { parseHost } from '../../../../src/clients/engine/endpoint';
import { sshArgs } from '../../../../src/clients/engine/ssh';

let dir: string;
let socket: string;
let server: http.Server;
const seen: Array<{ method: string; url: string; auth: string | undefined }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sd-client-'));
  socket = join(dir, 'engine.sock');
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers['x-registry-auth'] as string | undefined });
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/_ping') return void res.end('OK');
    if (url.pathname === '/images/json')
      return json(200, [
        { Id: 'sha256:aa', RepoTags: ['redis:7', 'redis:latest'], RepoDigests: ['redis@sha256:bb'], Created: 1700000000, Size: 1234 },
        { Id: 'sha256:cc', RepoTags: null, RepoDigests: null, Created: 1600000000, Size: 5 },
        { Id: 'sha256:dd', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Created: 1, VirtualSize: 7 },
      ]);
    if (url.pathname === '/containers/json') return json(200, [{ Id: 'c1', Names: ['/web'], Image: 'redis:7', ImageID: 'sha256:aa', State: 'exited' }]);
    if (url.pathname === '/images/missing/json') return json(404, { message: 'No such image: missing' });
    if (url.pathname === '/images/redis:7' && req.method === 'DELETE')
      return json(409, { message: 'conflict: unable to remove repository reference "redis:7" (must force) - container c1 is using its referenced image aa' });
    if (url.pathname === '/images/prune') return json(200, { ImagesDeleted: [{ Untagged: 'a:1' }, { Deleted: 'sha256:ee' }], SpaceReclaimed: 99 });
    if (url.pathname === '/images/create') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"Pulling from library/redis","id":"7"}\r\n');
      if (url.searchParams.get('tag') === 'slow') return; // never ends: for abort
      if (url.searchParams.get('tag') === 'split') {
        // A status with multi-byte characters whose bytes are cut in the middle of one, sent as two reads.
        const line = Buffer.from('{"status":"Téléchargé ✓ 日本","id":"7"}\r\n');
        const cut = line.indexOf(Buffer.from('日')) + 1;
        res.write(line.subarray(0, cut));
        setTimeout(() => res.end(line.subarray(cut)), 50);
        return;
      }
      res.end('{"errorDetail":{"message":"boom after 200"},"error":"boom after 200"}\r\n');
      return;
    }
    json(500, { message: 'unexpected' });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  // A fake ssh: records its arguments, then bridges stdin/stdout to the engine socket.
  writeFileSync(
    join(dir, 'ssh'),
    `#!/bin/sh\necho "$@" >> "${dir}/ssh-args"\nexec "${process.execPath}" -e "const s=require('net').connect(process.env.FAKE_ENGINE);process.stdin.pipe(s);s.pipe(process.stdout);s.on('end',()=>process.exit(0))"\n`,
  );
  chmodSync(join(dir, 'ssh'), 0o755);
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const unix = () => new EngineClient(parseHost(`unix://${socket}`, 'DOCKER_HOST', null));

describe('EngineClient', () => {
  it('narrows the image and container lists', async () => {
    const c = unix();
    expect(await c.listImages()).toEqual([
      { id: 'sha256:aa', repoTags: ['redis:7', 'redis:latest'], repoDigests: ['redis@sha256:bb'], created: 1700000000, size: 1234 },
      { id: 'sha256:cc', repoTags: [], repoDigests: [], created: 1600000000, size: 5 },
      { id: 'sha256:dd', repoTags: [], repoDigests: [], created: 1, size: 7 },
    ]);
    expect(await c.listContainers()).toEqual([{ id: 'c1', names: ['web'], image: 'redis:7', imageId: 'sha256:aa', state: 'exited' }]);
    expect(seen.some((s) => s.url === '/containers/json?all=1')).toBe(true);
  });

  it('says "cannot reach the engine at …" in one line when nothing listens', async () => {
    const c = new EngineClient(parseHost(`unix://${join(dir, 'nothing.sock')}`, 'DOCKER_HOST', null));
    const error = await c.listImages().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unreachable);
    expect((error as Unreachable).message).toBe(`cannot reach the engine at unix://${join(dir, 'nothing.sock')}`);
    expect((error as Unreachable).hint).toMatch(/is dockerd running\?/);
    expect((error as Unreachable).code).toBe(503);
  });

  it('passes HTTP errors on with the engine message and status', async () => {
    const c = unix();
    const e404 = await c.inspectImage('missing').catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(EngineRequestError);
    expect(e404).toMatchObject({ statusCode: 404, message: 'No such image: missing' });
    const e409 = await c.removeImage('redis:7', false).catch((e: unknown) => e);
    expect(e409).toMatchObject({ statusCode: 409 });
    expect((e409 as Error).message).toMatch(/container c1 is using/);
    expect(await c.pruneImages(true)).toEqual({ untagged: ['a:1'], deleted: ['sha256:ee'], spaceReclaimed: 99 });
    expect(seen.find((s) => s.url.startsWith('/images/prune'))?.url).toContain(encodeURIComponent('{"dangling":["false"]}'));
  });

  it('pulls with a tag, the platform and the auth header, and yields errors that come after the 200', async () => {
    const c = unix();
    const lines = await c.pull({ fromImage: 'redis', tag: '7', platform: 'linux/arm64', registryAuth: 'e30=' }, new AbortController().signal);
    const got: unknown[] = [];
    for await (const l of lines) got.push(l);
    expect(got).toEqual([{ status: 'Pulling from library/redis', id: '7' }, { errorDetail: { message: 'boom after 200' }, error: 'boom after 200' }]);
    const req = seen.find((s) => s.url.startsWith('/images/create'));
    expect(req?.url).toBe('/images/create?fromImage=redis&tag=7&platform=linux%2Farm64');
    expect(req?.auth).toBe('e30=');
  });

  it('keeps a multi-byte character whole when its bytes come in two reads', async () => {
    const lines = await unix().pull({ fromImage: 'redis', tag: 'split' }, new AbortController().signal);
    const got: unknown[] = [];
    for await (const l of lines) got.push(l);
    expect(got).toEqual([{ status: 'Pulling from library/redis', id: '7' }, { status: 'Téléchargé ✓ 日本', id: '7' }]);
  });

  it('ends a pull stream when its signal aborts', async () => {
    const c = unix();
    const ctl = new AbortController();
    const lines = await c.pull({ fromImage: 'redis', tag: 'slow' }, ctl.signal);
    const reading = (async () => {
      for await (const l of lines) {
        void l;
        ctl.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reaches an ssh:// engine through the system ssh running docker system dial-stdio', async () => {
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_ENGINE: socket };
    const c = new EngineClient(parseHost('ssh://admin@nas:2222', 'DOCKER_HOST', null), env);
    expect((await c.listImages()).length).toBe(3);
    expect(readFileSync(join(dir, 'ssh-args'), 'utf8')).toContain('-o ConnectTimeout=30 -o BatchMode=yes -T -l admin -p 2222 -- nas docker system dial-stdio');
  });

  it('reports what ssh said when it cannot connect', async () => {
    const bin = join(dir, 'bad');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(join(bin, 'ssh'), '#!/bin/sh\necho "ssh: Could not resolve hostname nas: Name or service not known" >&2\nexit 255\n');
    chmodSync(join(bin, 'ssh'), 0o755);
    const c = new EngineClient(parseHost('ssh://nas', 'DOCKER_HOST', null), { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
    const error = await c.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unreachable);
    expect((error as Unreachable).describe()).toMatch(/^cannot reach the engine at ssh:\/\/nas \(.*Could not resolve hostname nas/);
  });

  it('builds the ssh command docker builds (with a remote socket)', () => {
    expect(sshArgs({ host: 'nas', user: null, port: null, remoteSocket: '/run/docker.sock' })).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-o',
      'BatchMode=yes',
      '-T',
      '--',
      'nas',
      'docker',
      '--host',
      'unix:///run/docker.sock',
      'system',
      'dial-stdio',
    ]);
  });

  it('exports TimedOut for a ping that never answers', () => {
    expect(new TimedOut('x').code).toBe(504);
  });
});

// An engine that accepts connections and never answers, and one whose streams break half-way.
describe('EngineClient timeouts and broken connections', () => {
  let silentSocket: string;
  let silent: net.Server;
  const held = new Set<net.Socket>();
  let brokenSocket: string;
  let broken: http.Server;

  beforeAll(async () => {
    silentSocket = join(dir, 'silent.sock');
    silent = net.createServer((s) => {
      held.add(s);
      s.on('error', () => undefined);
      s.on('close', () => held.delete(s));
    });
    await new Promise<void>((r) => silent.listen(silentSocket, r));
    brokenSocket = join(dir, 'broken.sock');
    broken = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/_ping') return void res.end('OK');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (url.pathname === '/events') res.write('{"Type":"image","Action":"pull"}\n');
      else if (url.pathname === '/images/create' && url.searchParams.get('tag') === 'slow') {
        // A long pull that keeps talking: slower in total (1.8 s) than the request timeout (1 s), and that is fine.
        let n = 0;
        const tick = setInterval(() => {
          res.write(`{"status":"Downloading","id":"l","n":${++n}}\r\n`);
          if (n === 6) {
            clearInterval(tick);
            res.end();
          }
        }, 300);
        return;
      } else res.write('{"status":"Pulling from library/redis","id":"7"}\r\n');
      setTimeout(() => req.socket.destroy(), 30);
    });
    await new Promise<void>((r) => broken.listen(brokenSocket, r));
  });

  afterAll(async () => {
    for (const s of held) s.destroy();
    await Promise.all([new Promise((r) => silent.close(r)), new Promise((r) => broken.close(r))]);
  });

  const silentClient = (env: NodeJS.ProcessEnv = {}, options: { timeoutMs?: number; slowTimeoutMs?: number } = { timeoutMs: 150, slowTimeoutMs: 150 }) =>
    new EngineClient(parseHost(`unix://${silentSocket}`, 'DOCKER_HOST', null), env, options);

  it('gives up on a listing the engine never answers: TimedOut (504) naming the engine and the wait', async () => {
    const started = Date.now();
    const error = await silentClient().listImages().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimedOut);
    expect((error as TimedOut).code).toBe(504);
    // The engine never answers: the TimedOut naming the 0.15 s wait is the deadline that fired.
    expect((error as TimedOut).message).toBe(`the engine at unix://${silentSocket} did not answer within 0.15 s`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  }, 30_000);

  it('times out every request that answers once: containers, version, inspect, remove, prune, df, ping', async () => {
    const c = silentClient();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['containers', () => c.listContainers()],
      ['version', () => c.version()],
      ['inspect', () => c.inspectImage('redis:7')],
      ['remove', () => c.removeImage('redis:7', false)],
      ['prune', () => c.pruneImages(false)],
      ['df', () => c.diskUsage()],
      ['ping', () => c.ping()],
    ];
    for (const [what, call] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(TimedOut);
    }
  }, 10_000);

  it('reads DOCKER_CLIENT_TIMEOUT (seconds) from its environment', async () => {
    const c = silentClient({ DOCKER_CLIENT_TIMEOUT: '0.2' }, {});
    expect(c.timeoutMs).toBe(200);
    const error = await c.listImages().catch((e: unknown) => e);
    expect((error as TimedOut).message).toMatch(/did not answer within 0\.2 s$/);
    expect(new EngineClient(parseHost(`unix://${silentSocket}`, 'DOCKER_HOST', null), { DOCKER_CLIENT_TIMEOUT: 'soon' }).timeoutMs).toBe(30_000);
  }, 5000);

  it("ends sooner with the caller's own cancellation (an AbortError, not a timeout)", async () => {
    const ctl = new AbortController();
    const pending = silentClient({}, { timeoutMs: 5000 }).listImages(ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  }, 3000);

  it('reports an events stream the engine never starts, so the watch can retry', async () => {
    const error = await silentClient()
      .events(() => undefined, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimedOut);
  }, 3000);

  it('fails an events stream whose connection breaks', async () => {
    const seenEvents: string[] = [];
    // 1 s for an answer to start: a loaded machine meets it with margin (100 ms it did not, now and then).
    const c = new EngineClient(parseHost(`unix://${brokenSocket}`, 'DOCKER_HOST', null), {}, { timeoutMs: 1_000 });
    const error = await c.events((e) => seenEvents.push(e.action), new AbortController().signal).catch((e: unknown) => e);
    expect(seenEvents).toEqual(['pull']);
    expect(error).toBeInstanceOf(Unreachable);
    expect((error as Unreachable).message).toBe(`the connection to the engine at unix://${brokenSocket} broke during the events`);
  }, 30_000);

  it('fails a pull stream whose connection breaks, and lets a long pull run past the request timeout', async () => {
    // 1 s for an answer to start: a loaded machine meets it with margin (100 ms it did not, now and then).
    const c = new EngineClient(parseHost(`unix://${brokenSocket}`, 'DOCKER_HOST', null), {}, { timeoutMs: 1_000 });
    const got: unknown[] = [];
    const reading = (async () => {
      for await (const line of await c.pull({ fromImage: 'redis', tag: '7' }, new AbortController().signal)) got.push(line);
    })();
    const error = await reading.catch((e: unknown) => e);
    expect(got).toEqual([{ status: 'Pulling from library/redis', id: '7' }]);
    expect(error).toBeInstanceOf(Unreachable);
    expect((error as Unreachable).message).toBe(`the connection to the engine at unix://${brokenSocket} broke during the pull`);

    const long: unknown[] = [];
    for await (const line of await c.pull({ fromImage: 'redis', tag: 'slow' }, new AbortController().signal)) long.push(line);
    expect(long).toHaveLength(6);
  }, 30_000);
});
