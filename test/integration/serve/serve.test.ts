// `stevedore serve` (the built bin) against the real test world, driven the way the seed documents it:
// the seed's own curl examples, taken from its .rst and run unchanged by bash (login with -c cookies.txt,
// then -b cookies.txt; QIP/QPORT point at the server), their answers checked against the shapes of the
// rendered seed; Docker Cloud's repository routes on the world's TLS registry; a download queued over
// HTTP seen by `image downloads`; the listen rules, TLS, a graceful stop with an answer in flight, and no
// secret in any answer.
// test:later: dates matter here (login sessions and their cookies, TLS certificates, Retry-After): npm run test:later runs this file again a year ahead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { selfSigned, sendJson, startServer, type TestServer } from '../../fixtures/remote/servers';
import { describeWorld } from '../../world/harness';
import type { WorldInfo } from '../../world/index';
import { BIN, assertBuilt, json, run, session, until, workerGone, type Session } from '../engine/helpers';

const SEED = readFileSync(new URL('../../fixtures/seeds/container-station-image-api.rst', import.meta.url), 'utf8');
const QPASSWORD = 'qnap-admin-pw-7781';

/** The seed's example requests, in order: the login of its `exec` block, then every `sourcecode:: bash` block. */
function seedExamples(rst: string): string[] {
  const login = /check_output\('([^']+)'/.exec(rst)?.[1];
  if (!login) throw new Error('the seed has no login example');
  const lines = rst.split('\n');
  const out = [login];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\.\. sourcecode:: bash\s*$/.test(lines[i] ?? '')) continue;
    let j = i + 1;
    while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
    const block: string[] = [];
    for (; j < lines.length && (lines[j] ?? '').trim() !== ''; j++) block.push((lines[j] ?? '').trim());
    out.push(block.join('\n').replace(/^\$ /, ''));
  }
  return out;
}

interface Served {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const s = await startServer(() => undefined);
  const port = s.port;
  await s.close();
  return port;
}

async function serve(s: Session, args: string[] = []): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`, ...args], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await until(
    async () => err + out,
    (t) => t.includes('listening on') || child.exitCode !== null,
    30_000,
    'serve to listen',
  );
  if (child.exitCode !== null) throw new Error(`serve exited: ${err}`);
  return { child, port, stderr: () => err, stdout: () => out, exited };
}

function bash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const parse = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} answered no JSON: ${text}`);
  }
};

const errorShape = (code: number) => ({ error: { code, message: expect.any(String) } });

describeWorld('stevedore serve against the test world', (world: WorldInfo) => {
  let s: Session;
  let server: Served;
  let cwd: string;
  const answers: string[] = [];
  const curlEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, QIP: '127.0.0.1', QPORT: String(server.port), QPASSWORD });
  const curl = async (command: string): Promise<unknown> => {
    const r = await bash(command, cwd, curlEnv());
    answers.push(r.stdout);
    return parse(r.stdout, command);
  };

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    cwd = mkdtempSync(join(tmpdir(), 'sd-serve-curl-'));
    const passwd = await run(s, ['serve', 'passwd', '--password-stdin'], `${QPASSWORD}\n`);
    expect(passwd.code, passwd.stderr).toBe(0);
    // The seed inspects a local ubuntu: pull it first, as a person following the seed would have.
    const pulled = await run(s, ['image', 'pull', 'ubuntu:latest', '--json']);
    expect(pulled.code, pulled.stderr).toBe(0);
    server = await serve(s);
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await run(s, ['image', 'prune', '--all', '--yes']);
    await workerGone(s);
    rmSync(cwd, { recursive: true, force: true });
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it("runs the seed's curl examples unchanged and gets the rendered seed's shapes", async () => {
    const examples = seedExamples(SEED);
    expect(examples.length).toBe(16);
    const byUrl = new Map<string, unknown>();
    for (const example of examples) {
      const r = await bash(example, cwd, curlEnv());
      expect(r.code, `${example}\n${r.stderr}`).toBe(0);
      answers.push(r.stdout);
      const url = /"?(https?:\/\/\$\{QIP\}:\$\{QPORT\}[^"\s]*)"?\s*$/.exec(example)?.[1] ?? example;
      const method = /-X(\w+)/.exec(example)?.[1] ?? 'GET';
      byUrl.set(`${method} ${url.replace('http://${QIP}:${QPORT}', '')}`, parse(r.stdout, example));
    }
    const get = (key: string): unknown => {
      expect([...byUrl.keys()]).toContain(key);
      return byUrl.get(key);
    };

    expect(get('POST /api/v1/login')).toEqual({ username: 'admin', expires: expect.any(String) });
    expect(readFileSync(join(cwd, 'cookies.txt'), 'utf8')).toMatch(/#HttpOnly_127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d+\tstevedore_session\t/);

    const local = get('GET /api/v1/image/?category=local') as { results: Record<string, unknown>[] };
    expect(local).toMatchObject({ category: 'local', filter_text: '', type: '', total_count: local.results.length });
    expect(local.results.find((r) => r.name === 'ubuntu')).toMatchObject({
      description: '',
      downloading: false,
      icon: '',
      installed: true,
      is_latest: ['latest'],
      name: 'ubuntu',
      repository: 'local',
      size: [expect.any(Number)],
      tags: ['latest'],
      type: 'docker',
    });

    const qnap = get('GET /api/v1/image/?category=qnap') as { results: Record<string, unknown>[]; total_count: number };
    expect(qnap).toMatchObject({ category: 'qnap', filter_text: '', type: '' });
    expect(qnap.total_count).toBe(qnap.results.length);
    expect(qnap.results[0]).toMatchObject({ arch: expect.any(Array), description: expect.any(String), downloading: false, installed: expect.any(Boolean), name: expect.any(String), title: expect.any(String), type: 'docker', version: expect.any(String) });

    const official = get('GET /api/v1/image/?category=official') as { results: Record<string, unknown>[] };
    expect(official).toMatchObject({ category: 'official', filter_text: '', type: '' });
    expect(official.results.find((r) => r.name === 'nginx')).toMatchObject({
      description: expect.any(String),
      downloading: false,
      installed: false,
      location: 'https://hub.docker.com/_/nginx',
      name: 'nginx',
      repository: 'dockerhub',
      title: 'nginx',
      type: 'docker',
      version: 'latest',
    });
    expect(official.results.find((r) => r.name === 'ubuntu')).toMatchObject({ installed: true });

    const search = get('GET /api/v1/image/?category=dockerhub&filter_text=dorowu') as { results: Record<string, unknown>[] };
    expect(search).toMatchObject({ category: 'dockerhub', filter_text: 'dorowu', type: '', total_count: 1 });
    expect(search.results[0]).toEqual({
      description: '',
      downloading: false,
      installed: false,
      is_official: false,
      is_trusted: false,
      location: 'https://hub.docker.com/r/dorowu/ubuntu-desktop-lxde-vnc',
      name: 'dorowu/ubuntu-desktop-lxde-vnc',
      repository: 'dockerhub',
      star_count: 0,
      type: 'docker',
    });

    expect(get('GET /api/v1/image/docker/ubuntu/latest/inspect')).toMatchObject({ Architecture: expect.any(String), Config: { Cmd: ['/bin/bash'] }, Id: expect.stringMatching(/^sha256:/), Os: 'linux' });
    // The rendered seed shows this example failing; here redis has no `latest` tag: the error shape, 404.
    expect(get('GET /api/v1/image/docker/redis/latest/remote_inspect')).toEqual({ error: { code: 404, message: 'Tag not found: redis:latest' } });
    expect(get('GET /api/v1/image/nginx/tags?registry=Docker%20Hub')).toMatchObject({ name: 'nginx', installed: [], tags: ['latest', '1.27', '1.26'] });
    expect(await curl('curl -sq -b cookies.txt "http://${QIP}:${QPORT}/api/v1/image/docker/redis/7/remote_inspect?platform=linux/arm64/v8"')).toMatchObject({ Name: 'redis', Tag: '7', Platform: 'linux/arm64/v8', Architecture: 'arm64' });
    // The older tags route the rendered seed shows (`dockerhub/docker/{is_official}/{name}/tags`).
    expect(await curl('curl -sq -XGET -b cookies.txt "http://${QIP}:${QPORT}/api/v1/image/dockerhub/docker/1/redis/tags"')).toMatchObject({ installed: [], tags: ['7'] });

    // The seed answers `{}`; here the queued download comes back with its id (to cancel it), engine and status.
    expect(get('POST /api/v1/image/dockerhub/docker/lgsd/diamond/latest/download')).toMatchObject({ id: expect.any(String), engine: expect.any(String), name: 'lgsd/diamond:latest' });
    const status = get('GET /api/v1/image/downloadstatus') as Record<string, unknown>[];
    expect(status).toContainEqual(
      expect.objectContaining({
        name: 'lgsd/diamond:latest',
        status: expect.stringMatching(/^(waiting|downloading|extracting|complete)$/),
        description: 'I am description.',
        location: 'https://registry.hub.docker.com/u/lgsd/diamond/',
        icon: 'http://download.qnap.com/QPKG/images/QPKG/container_icon.png',
      }),
    );
    // The seed removed it while it was still downloading (404 "Image not found: lgsd/diamond"); here it may have finished.
    const removed = get('DELETE /api/v1/image/local/docker/lgsd/diamond') as Record<string, unknown>;
    if ('error' in removed) expect(removed).toEqual({ error: { code: 404, message: 'Image not found: lgsd/diamond' } });
    else expect(removed).toMatchObject({ name: 'lgsd/diamond', untagged: expect.arrayContaining(['lgsd/diamond:latest']) });

    expect(get('GET /api/v1/registry')).toEqual([
      { name: 'Docker Hub', url: world.env.STEVEDORE_HUB_REGISTRY, enable_trust_cert: false, username: '', password: '', version: 'v2' },
    ]);
    // The seed's example hosts (registry.hub.docker.com, test.registry.com) do not exist in the test world:
    // ping and add answer the error shape, as the seed's "Example response when error occurred" does.
    expect(get('GET /api/v1/registry/ping?url=https://registry.hub.docker.com&tls=true')).toEqual(errorShape(503));
    expect(get('POST /api/v1/registry')).toEqual(errorShape(404)); // the edit of "test", which could not be added
    expect(get('DELETE /api/v1/registry/new_test')).toEqual({ error: { code: 404, message: 'Registry not found: new_test (see `stevedore registry list`)' } });
  });

  it("adds, edits and deletes a registry with the seed's bodies on the world's registries; Docker Hub 403, duplicates 409", async () => {
    const plain = world.registries.plain.url;
    const other = world.paginatingProxy.url;
    const post = (body: string) => curl(`curl -sq -XPOST -b cookies.txt -d '${body}' http://\${QIP}:\${QPORT}/api/v1/registry`);
    const add = `{"method": "add", "name": "test", "enable_trust_cert": true, "version": "v1", "url": "${plain}", "username": "my_user", "password": "my_pass"}`;
    expect(await post(add)).toEqual({ name: 'test', url: plain, enable_trust_cert: true, username: 'my_user', password: '********', version: 'v1' });
    expect(await post(add)).toEqual({ error: { code: 409, message: 'a registry named "test" already exists' } });
    const edit = `{"method": "edit", "oldname": "test", "name": "new_test", "enable_trust_cert": false, "url": "${other}", "username": "my_new_user", "password": "my_new_pass"}`;
    expect(await post(edit)).toEqual({ name: 'new_test', url: other, enable_trust_cert: false, username: 'my_new_user', password: '********', version: 'v2' });
    expect(await post('{"method": "edit", "oldname": "Docker Hub", "name": "x"}')).toMatchObject(errorShape(403));
    expect(await post('{"method": "add", "name": "x"}')).toEqual({ error: { code: 400, message: 'field "url" is required' } });
    expect(await curl(`curl -sq -XGET -b cookies.txt "http://\${QIP}:\${QPORT}/api/v1/registry/ping?url=${other}&tls=false"`)).toEqual({ version: 'v2' });
    expect(await curl('curl -sq -XDELETE -b cookies.txt http://${QIP}:${QPORT}/api/v1/registry/new_test')).toMatchObject({ name: 'new_test', password: '********' });
    expect(await curl('curl -sq -XDELETE -b cookies.txt "http://${QIP}:${QPORT}/api/v1/registry/Docker%20Hub"')).toMatchObject(errorShape(403));
  });

  it("Docker Cloud's external repositories: list, add (credentials checked), show, update, remove on the TLS registry", async () => {
    const tls = world.registries.tls;
    const base = 'http://${QIP}:${QPORT}/api/repo/v1/repository/';
    const post = await curl(
      `curl -sq -XPOST -b cookies.txt -H 'Content-Type: application/json' -d '{"method": "add", "name": "secure", "enable_trust_cert": true, "version": "v2", "url": "${tls.url}"}' http://\${QIP}:\${QPORT}/api/v1/registry`,
    );
    expect(post).toMatchObject({ name: 'secure', enable_trust_cert: true });
    const name = `${tls.host}/secure/app`;
    const object = { in_use: false, name, registry: `/api/repo/v1/registry/${tls.host}/`, resource_uri: `/api/repo/v1/repository/${name}/` };
    const wrong = await curl(`curl -sq -XPOST -b cookies.txt -H 'Content-Type: application/json' -d '{"name": "${name}", "username": "${tls.username}", "password": "wrong-pw"}' "${base}"`);
    expect(wrong).toMatchObject(errorShape(401));
    const added = await bash(
      `curl -sq -w '\\n%{http_code}' -XPOST -b cookies.txt -H 'Content-Type: application/json' -d '{"name": "${name}", "username": "${tls.username}", "password": "${tls.password}"}' "${base}"`,
      cwd,
      curlEnv(),
    );
    answers.push(added.stdout);
    const [body, code] = added.stdout.trim().split('\n').reduce<[string, string]>((acc, line, i, all) => (i === all.length - 1 ? [acc[0], line] : [`${acc[0]}${line}\n`, acc[1]]), ['', '']);
    expect(code).toBe('201');
    expect(parse(body, 'add')).toEqual(object);
    expect(await curl(`curl -sq -b cookies.txt "${base}"`)).toEqual({ meta: { limit: 1, next: null, offset: 0, previous: null, total_count: 1 }, objects: [object] });
    expect(await curl(`curl -sq -b cookies.txt "${base}?registry=/api/repo/v1/registry/${tls.host}/"`)).toMatchObject({ objects: [object] });
    expect(await curl(`curl -sq -b cookies.txt "${base}?name=nothing-like-it"`)).toMatchObject({ objects: [] });
    expect(await curl(`curl -sq -b cookies.txt "${base}${name}/"`)).toEqual(object);
    expect(await curl(`curl -sq -XPATCH -b cookies.txt -d '{"username": "${tls.username}", "password": "bad"}' "${base}${name}/"`)).toMatchObject(errorShape(401));
    expect(await curl(`curl -sq -XPATCH -b cookies.txt -d '{"username": "${tls.username}", "password": "${tls.password}"}' "${base}${name}/"`)).toEqual(object);
    // The registry cannot go while a saved repository uses it (409).
    expect(await curl('curl -sq -XDELETE -b cookies.txt http://${QIP}:${QPORT}/api/v1/registry/secure')).toMatchObject(errorShape(409));
    expect(await curl(`curl -sq -XDELETE -b cookies.txt "${base}${name}/"`)).toEqual(object);
    expect(await curl(`curl -sq -b cookies.txt "${base}${name}/"`)).toMatchObject(errorShape(404));
    expect(await curl('curl -sq -XDELETE -b cookies.txt http://${QIP}:${QPORT}/api/v1/registry/secure')).toMatchObject({ name: 'secure' });
  });

  it('a download queued over HTTP shows in downloadstatus and in `image downloads`', async () => {
    expect(await curl(`curl -sq -XPOST -b cookies.txt -d '{}' "http://\${QIP}:\${QPORT}/api/v1/image/dockerhub/docker/library/hello-world/latest/download"`)).toMatchObject({ id: expect.any(String), name: 'hello-world:latest' });
    const cli = await until(
      () => json<Array<{ name: string; status: string }>>(s, ['image', 'downloads']),
      (list) => list.some((d) => d.name === 'hello-world:latest' && d.status === 'complete'),
      60_000,
      'hello-world to complete',
    );
    expect(cli.find((d) => d.name === 'hello-world:latest')).toMatchObject({ status: 'complete', percent: 100, error: null });
    const status = (await curl('curl -sq -b cookies.txt -XGET "http://${QIP}:${QPORT}/api/v1/image/downloadstatus"')) as Array<Record<string, unknown>>;
    expect(status).toContainEqual(
      expect.objectContaining({ id: expect.any(String), engine: expect.any(String), name: 'hello-world:latest', percent: 100, status: 'complete', error: null, description: '', location: '', icon: '' }),
    );
    // The server keeps the local list warm; the engine's events (or a few seconds) bring the new image in,
    // and its own delete drops the image at once.
    const names = async () => ((await curl('curl -sq -b cookies.txt "http://${QIP}:${QPORT}/api/v1/image/?category=local"')) as { results: Array<{ name: string }> }).results.map((r) => r.name);
    await until(names, (list) => list.includes('hello-world'), 30_000, 'hello-world in the local list');
    expect(await curl('curl -sq -b cookies.txt -XDELETE "http://${QIP}:${QPORT}/api/v1/image/local/docker/hello-world:latest"')).toMatchObject({ name: 'hello-world:latest' });
    expect(await names()).not.toContain('hello-world');
    // an unknown registry as the repository is a 404 before anything is queued
    expect(await curl(`curl -sq -XPOST -b cookies.txt "http://\${QIP}:\${QPORT}/api/v1/image/nowhere/docker/app/1.0/download"`)).toEqual({
      error: { code: 404, message: 'Registry not found: nowhere (see `stevedore registry list`)' },
    });
  });

  it('safety: no cookie 401, wrong password slowed, oversize body 413, and no password in any answer or log line', async () => {
    expect(await curl('curl -sq "http://${QIP}:${QPORT}/api/v1/image/?category=local"')).toMatchObject(errorShape(401));
    expect(await curl('curl -sq http://${QIP}:${QPORT}/healthz')).toEqual({ status: 'ok' });
    const big = join(cwd, 'big.json');
    writeFileSync(big, JSON.stringify({ method: 'add', name: 'x'.repeat(100_000) }));
    expect(await curl(`curl -sq -XPOST -b cookies.txt --data-binary @${big} http://\${QIP}:\${QPORT}/api/v1/registry`)).toEqual({
      error: { code: 413, message: 'the body is larger than 65536 bytes' },
    });
    // A wrong password from this client: 401, then even the right one must wait (429 with Retry-After). Both in
    // one curl (`--next`), so the second comes within the 1 s wait even on a loaded machine (two curl processes
    // spawned one after the other could take longer than that, and then the right password was let in).
    const login = (password: string): string => `-sq -i -XPOST -c other.txt -d "username=admin&password=${password}" http://\${QIP}:\${QPORT}/api/v1/login`;
    const pair = await bash(`curl ${login('not-it')} --next ${login('${QPASSWORD}')}`, cwd, curlEnv());
    answers.push(pair.stdout);
    const [wrong = '', early = ''] = pair.stdout.split(/(?=^HTTP\/1\.1 )/m);
    expect(wrong).toMatch(/^HTTP\/1\.1 401/);
    expect(JSON.parse(wrong.slice(wrong.indexOf('{')))).toMatchObject(errorShape(401));
    expect(early).toMatch(/^HTTP\/1\.1 429/);
    expect(early).toMatch(/retry-after: \d+/i);
    for (const text of [...answers, server.stderr(), server.stdout()]) {
      for (const secret of [QPASSWORD, 'my_pass', 'my_new_pass', world.registries.tls.password ?? 'none']) expect(text).not.toContain(secret);
    }
    // the session cookie is not in the log either
    const token = /stevedore_session\t(\S+)/.exec(readFileSync(join(cwd, 'cookies.txt'), 'utf8'))?.[1] ?? 'missing';
    expect(server.stderr()).not.toContain(token);
    expect(server.stderr()).toMatch(/127\.0\.0\.1 admin "GET \/api\/v1\/image\/\?category=local" 200 \d+ [\d.]+ms/);
  });
});

describeWorld('stevedore serve: listening rules, TLS and a graceful stop', (world: WorldInfo) => {
  let s: Session;
  let gate: TestServer;
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    const passwd = await run(s, ['serve', 'passwd', '--user', 'ops', '--password-stdin'], 'ops-password-1\n');
    expect(passwd.code, passwd.stderr).toBe(0);
    // A registry whose catalog answers only when the test says so: a request that is in flight on purpose.
    gate = await startServer(async (req, res) => {
      if (req.url?.startsWith('/v2/_catalog')) {
        entered();
        await new Promise<void>((r) => (release = r));
        return sendJson(res, 200, { repositories: ['slow/app'] });
      }
      sendJson(res, 200, {});
    });
    const add = await run(s, ['registry', 'add', 'gate', '--url', gate.url, '--api', 'v2']);
    expect(add.code, add.stderr).toBe(0);
  });

  afterAll(async () => {
    release();
    await gate?.close();
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('refuses plain HTTP on a non-loopback address, and a start without a login', async () => {
    const refused = await run(s, ['serve', '--listen', `${world.eth0}:0`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: refusing plain HTTP on ${world.eth0}: other addresses than loopback need --tls-cert FILE --tls-key FILE (or listen on 127.0.0.1:8118 and put a TLS proxy in front)\n`);
    expect((await run(s, ['serve', '--listen', '0.0.0.0:8118'])).code).toBe(1);
    const junk = join(s.configDir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    const badTls = await run(s, ['serve', '--listen', `${world.eth0}:0`, '--tls-cert', junk, '--tls-key', junk]);
    expect(badTls.code).toBe(1);
    expect(badTls.stderr).toMatch(/^error: --tls-cert\/--tls-key are not a usable PEM certificate and private key: .+\n$/);
    expect((await run(s, ['serve', '--tls-cert', junk])).stderr).toBe('error: --tls-cert and --tls-key go together\n');
    const bare = session(world);
    const none = await run(bare, ['serve', '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toEqual({ error: { code: 400, message: 'no login is set for stevedore serve (run `stevedore serve passwd` first)' } });
    rmSync(bare.configDir, { recursive: true, force: true });
  });

  it('serves HTTPS on a non-loopback address with --tls-cert/--tls-key; the cookie is Secure', async () => {
    const cert = selfSigned(); // for localhost: curl reaches the eth0 address under that name (--resolve)
    const dir = mkdtempSync(join(tmpdir(), 'sd-serve-tls-'));
    writeFileSync(join(dir, 'cert.pem'), cert.cert);
    writeFileSync(join(dir, 'key.pem'), cert.key, { mode: 0o600 });
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--listen', `${world.eth0}:${port}`, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--json'], {
      env: s.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await until(async () => out, (t) => t.includes('"listening"'), 30_000, 'serve over TLS');
      expect(JSON.parse(out.split('\n')[0] ?? '')).toMatchObject({ event: 'listening', url: `https://${world.eth0}:${port}` });
      const login = await bash(
        `curl -sq -i --cacert ${join(dir, 'cert.pem')} --resolve localhost:${port}:${world.eth0} -XPOST -d "username=ops&password=ops-password-1" https://localhost:${port}/api/v1/login`,
        dir,
        { PATH: process.env.PATH },
      );
      expect(login.stdout).toMatch(/^HTTP\/1\.1 200/);
      expect(login.stdout).toMatch(/set-cookie: stevedore_session=[^\r\n]*; HttpOnly; SameSite=Strict; Secure/i);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
    // --json log lines: one JSON object per line, the request among them, no password
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'request', method: 'POST', path: '/api/v1/login', status: 200, user: 'ops' }));
    expect(out).not.toContain('ops-password-1');
  });

  it('stops gracefully on SIGTERM: the answer in flight finishes, new connections are refused, exit 0', async () => {
    const served = await serve(s);
    const env = { PATH: process.env.PATH, QIP: '127.0.0.1', QPORT: String(served.port) };
    const dir = mkdtempSync(join(tmpdir(), 'sd-serve-stop-'));
    try {
      const login = await bash('curl -sq -XPOST -c cookies.txt -d "username=ops&password=ops-password-1" http://${QIP}:${QPORT}/api/v1/login', dir, env);
      expect(login.stdout).toContain('"username": "ops"');
      const inside = new Promise<void>((r) => (entered = r));
      const slow = bash('curl -sq -b cookies.txt "http://${QIP}:${QPORT}/api/v1/image/?category=private&registry_name=gate"', dir, env);
      await inside;
      served.child.kill('SIGTERM');
      await until(async () => served.stderr(), (t) => t.includes('SIGTERM: finishing the answers in flight'), 10_000, 'the stop to begin');
      const refused = await bash('curl -sq -o /dev/null -w "%{http_code}" http://${QIP}:${QPORT}/healthz', dir, env);
      expect(refused.stdout).toBe('000');
      release();
      const answer = parse((await slow).stdout, 'the request in flight') as { results: Array<{ name: string }> };
      expect(answer.results.map((r) => r.name)).toEqual([`${gate.host}/slow/app`]);
      expect(await served.exited).toBe(0);
      expect(served.stderr()).toMatch(/stopped\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
