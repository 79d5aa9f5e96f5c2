// Ping-level checks of every part of the test world, so that a broken world shows up here, by part,
// rather than as puzzling failures in the product's integration tests.
// test:later: dates matter here (token lifetimes, certificate validity, Retry-After): npm run test:later runs this file again a year ahead.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWorld } from '../world/harness.js';
import {
  clearHubFaults, docker, dockerLogin, EVIL_DESCRIPTION, header, httpRequest, hubFault, loadBulkImages, MANIFEST_ACCEPT,
  MANY_TAGS, parseChallenge, removeAllImages, resetTokenStats, setThrottle, DEFAULT_THROTTLE, tokenStats, type WorldInfo,
} from '../world/index.js';
import { libtrustKeyId, signJwt, type KeyHeader } from '../world/jwt.js';
import { makeTokenSigner } from '../world/certs.js';
import { realNowMs } from '../world/clock.js';
import { isRecord } from '../world/http.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/vectors/hub-fixtures', import.meta.url));
const recordedTagsPage = fs.readFileSync(path.join(fixtureDir, 'hub-tags-page.json'), 'utf8');
const recordedSearch = fs.readFileSync(path.join(fixtureDir, 'v1-search-page.json'), 'utf8');

function obj(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw new Error(`expected an object, got ${JSON.stringify(v)}`);
  return v;
}

function list(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
}

/** Real Hub gives absolute https://hub.docker.com links; a client re-bases them on STEVEDORE_HUB_API. */
const rebase = (world: WorldInfo, link: string): string => {
  const u = new URL(link);
  expect(u.origin).toBe('https://hub.docker.com');
  return `${world.hubApi}${u.pathname}${u.search}`;
};

async function tokenFor(world: WorldInfo, scopes: string[], auth: boolean): Promise<string> {
  const url = new URL(`${world.tokenServer}/token`);
  url.searchParams.set('service', 'stevedore-test');
  for (const s of scopes) url.searchParams.append('scope', s);
  const { username, password } = world.registries.token;
  const headers = auth ? { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } : undefined;
  const res = await httpRequest(url.toString(), { headers });
  expect(res.status).toBe(200);
  const body = obj(res.json());
  expect(body).toMatchObject({ expires_in: 300 });
  expect(typeof body.issued_at).toBe('string');
  expect(body.access_token).toBe(body.token);
  return String(body.token);
}

describeWorld('test world', (world) => {
  afterAll(async () => {
    await removeAllImages(world);
  });

  describe('dockerd', () => {
    it('answers _ping and docker version, and starts with no images', async () => {
      const ping = await httpRequest('http://docker/_ping', { socketPath: world.dockerSocket });
      expect(ping.status).toBe(200);
      expect(ping.text()).toBe('OK');
      const version = await docker(world, ['version', '--format', '{{.Server.Version}}']);
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+/);
      const images = await docker(world, ['images', '--all', '--quiet']);
      expect(images.stdout.trim()).toBe('');
      expect(world.env.DOCKER_HOST).toBe(world.dockerHost);
    });

    it('loads many tiny images at once (for big local listings)', async () => {
      await loadBulkImages(world, 50, 'worldcheck/bulk');
      const out = await docker(world, ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=worldcheck/*']);
      expect(out.stdout.trim().split('\n')).toHaveLength(50);
      await removeAllImages(world);
    });
  });

  describe('plain registry', () => {
    it('answers /v2/ with 200 and pages _catalog with a relative Link', async () => {
      const v2 = await httpRequest(`${world.registries.plain.url}/v2/`);
      expect(v2.status).toBe(200);
      expect(header(v2, 'docker-distribution-api-version')).toBe('registry/2.0');
      // Other test files may add repositories to the shared world: check the paging, not the exact list.
      const page = await httpRequest(`${world.registries.plain.url}/v2/_catalog?n=2`);
      const repos = list(obj(page.json()).repositories).map(String);
      expect(repos).toHaveLength(2);
      const last = encodeURIComponent(repos[1] ?? '');
      expect(header(page, 'link')).toBe(`</v2/_catalog?last=${last}&n=2>; rel="next"`);
    });
  });

  describe('tls registry', () => {
    const reg = world.registries.tls;
    const basic = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;

    it('listens on the non-loopback address with a certificate from the per-run CA', async () => {
      expect(reg.host.startsWith(`${world.eth0}:`)).toBe(true);
      await expect(httpRequest(`${reg.url}/v2/`)).rejects.toThrow(/certificate/i);
      expect(fs.readFileSync(`/etc/docker/certs.d/${reg.host}/ca.crt`, 'utf8')).toBe(reg.caCertPem);
    });

    it('wants Basic credentials, and accepts the right ones', async () => {
      const anonymous = await httpRequest(`${reg.url}/v2/`, { ca: reg.caCertPem });
      expect(anonymous.status).toBe(401);
      expect(parseChallenge(header(anonymous, 'www-authenticate') ?? '').scheme).toBe('basic');
      const wrong = await httpRequest(`${reg.url}/v2/`, { ca: reg.caCertPem, headers: { authorization: 'Basic eDp5' } });
      expect(wrong.status).toBe(401);
      const ok = await httpRequest(`${reg.url}/v2/`, { ca: reg.caCertPem, headers: { authorization: basic } });
      expect(ok.status).toBe(200);
    });
  });

  describe('token registry', () => {
    const reg = world.registries.token;

    it('challenges with Bearer and serves the catalog with a catalog-scoped token', async () => {
      const v2 = await httpRequest(`${reg.url}/v2/`);
      expect(v2.status).toBe(401);
      const challenge = parseChallenge(header(v2, 'www-authenticate') ?? '');
      expect(challenge).toEqual({ scheme: 'bearer', params: { realm: `${world.tokenServer}/token`, service: 'stevedore-test' } });
      const token = await tokenFor(world, ['registry:catalog:*'], true);
      const catalog = await httpRequest(`${reg.url}/v2/_catalog`, { headers: { authorization: `Bearer ${token}` } });
      expect(catalog.status).toBe(200);
      expect(obj(catalog.json()).repositories).toEqual(expect.arrayContaining(['private/app', 'public/hello']));
    });

    it('gives anonymous pull on public/* only', async () => {
      const token = await tokenFor(world, ['repository:public/hello:pull', 'repository:private/app:pull', 'registry:catalog:*'], false);
      const get = (repo: string): Promise<number> =>
        httpRequest(`${reg.url}/v2/${repo}/manifests/1.0`, { headers: { authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT } }).then((r) => r.status);
      expect(await get('public/hello')).toBe(200);
      expect(await get('private/app')).toBe(401);
      const catalog = await httpRequest(`${reg.url}/v2/_catalog`, { headers: { authorization: `Bearer ${token}` } });
      expect(catalog.status).toBe(401);
    });

    it('refuses wrong credentials and counts requests per scope', async () => {
      await resetTokenStats(world);
      const bad = await httpRequest(`${world.tokenServer}/token?service=stevedore-test&scope=registry:catalog:*`, { headers: { authorization: 'Basic eDp5' } });
      expect(bad.status).toBe(401);
      await tokenFor(world, ['repository:public/hello:pull'], false);
      await tokenFor(world, ['repository:public/hello:pull'], false);
      const stats = await tokenStats(world);
      expect(stats.byScope['repository:public/hello:pull']).toBe(2);
      expect(stats.refused).toBe(1);
      expect(stats.requests).toBe(3);
    });

    it('trusts tokens whose key is named by x5c or by a libtrust kid, and no other signer', async () => {
      const dir = path.join(world.root, 'certs', 'token');
      const own = { keyPem: fs.readFileSync(path.join(dir, 'token-signer.key'), 'utf8'), certPem: fs.readFileSync(path.join(dir, 'token-signer.crt'), 'utf8') };
      const stranger = await makeTokenSigner(fs.mkdtempSync(path.join(world.root, 'stranger-')));
      // The registry's clock is the real one (this process's may be moved: npm run test:later).
      const now = Math.floor(realNowMs(dir) / 1000);
      const claims = { iss: 'stevedore-test-issuer', sub: 'probe', aud: 'stevedore-test', exp: now + 60, nbf: now - 10, iat: now, jti: `probe-${now}`, access: [{ type: 'registry', name: 'catalog', actions: ['*'] }] };
      const status = async (signer: { keyPem: string; certPem: string }, how: KeyHeader): Promise<number> =>
        (await httpRequest(`${reg.url}/v2/_catalog`, { headers: { authorization: `Bearer ${signJwt(claims, signer.keyPem, signer.certPem, how)}` } })).status;
      expect(await status(own, 'x5c')).toBe(200);
      expect(await status(own, 'kid')).toBe(200);
      expect(await status(stranger, 'x5c')).toBe(401);
      expect(await status(stranger, 'kid')).toBe(401);
      expect(libtrustKeyId(own.certPem)).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    });
  });

  describe('Docker Hub stand-in', () => {
    const recorded = obj(JSON.parse(recordedTagsPage));
    const recordedTag = obj(list(recorded.results)[0]);
    const recordedImage = obj(list(recordedTag.images)[0]);

    it('serves tags pages shaped like the recorded one, computed from the hub registry', async () => {
      const res = await httpRequest(`${world.hubApi}/v2/namespaces/library/repositories/redis/tags?page_size=5`);
      expect(res.status).toBe(200);
      for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(header(res, h)).toMatch(/^\d+$/);
      const page = obj(res.json());
      expect(page).toMatchObject({ count: 1, next: null, previous: null });
      const tag = obj(list(page.results)[0]);
      expect(Object.keys(tag).sort()).toEqual(Object.keys(recordedTag).sort());
      expect(tag).toMatchObject({ name: '7', digest: world.digests.redis, media_type: 'application/vnd.oci.image.index.v1+json' });
      const images = list(tag.images).map(obj);
      for (const image of images) expect(Object.keys(image).sort()).toEqual(Object.keys(recordedImage).sort());
      expect(images.map((i) => `${String(i.os)}/${String(i.architecture)}`)).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown']);
    });

    it('pages official images with absolute hub.docker.com next links', async () => {
      const first = obj((await httpRequest(`${world.hubApi}/v2/repositories/library/?page_size=2`)).json());
      expect(first).toMatchObject({ previous: null, next: 'https://hub.docker.com/v2/repositories/library/?page=2&page_size=2' });
      const results = list(first.results).map(obj);
      for (let next = first.next; typeof next === 'string'; ) {
        const page = obj((await httpRequest(rebase(world, next))).json());
        results.push(...list(page.results).map(obj));
        next = page.next;
      }
      expect(results).toHaveLength(Number(first.count));
      expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(['alpine', 'evil', 'hello-world', 'redis']));
      expect(results.every((r) => r.namespace === 'library' && r.is_private === false && r.repository_type === 'image')).toBe(true);
      const evil = results.find((r) => r.name === 'evil');
      expect(evil?.description).toBe(EVIL_DESCRIPTION);
      expect(String(evil?.description)).toContain('\u001b]0;pwned\u0007');
    });

    it('serves the recorded crazymax/diun page verbatim, then a last page', async () => {
      const page1 = await httpRequest(`${world.hubApi}/v2/repositories/crazymax/diun/tags`);
      expect(page1.text()).toBe(recordedTagsPage);
      const page2 = obj((await httpRequest(rebase(world, String(recorded.next)))).json());
      expect(page2.next).toBeNull();
      expect(list(page2.results).length).toBeGreaterThan(0);
    });

    it('answers v1 search (recorded for mysql) and 404s like Hub for unknown repositories', async () => {
      expect((await httpRequest(`${world.hubApi}/v1/search?q=mysql&n=25`)).text()).toBe(recordedSearch);
      const alp = obj((await httpRequest(`${world.hubApi}/v1/search?q=alpine`)).json());
      expect(list(alp.results).map((r) => obj(r).name)).toEqual(['alpine']);
      expect((await httpRequest(`${world.hubApi}/v1/search?q=x&n=101`)).status).toBe(400);
      const missing = await httpRequest(`${world.hubApi}/v2/repositories/nobody/nothing/tags`);
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ message: 'httperror 404: object not found', errinfo: {} });
    });

    it('fails on demand (/__fault)', async () => {
      await hubFault(world, { pathPrefix: '/v2/repositories/library/', status: 429, headers: { 'retry-after': '7' }, times: 1 });
      const limited = await httpRequest(`${world.hubApi}/v2/repositories/library/`);
      expect(limited.status).toBe(429);
      expect(header(limited, 'retry-after')).toBe('7');
      expect((await httpRequest(`${world.hubApi}/v2/repositories/library/`)).status).toBe(200);
      await clearHubFaults(world);
    });
  });

  describe('proxies', () => {
    it(`pages team/many (${MANY_TAGS} tags) in pages of 1000 with relative Links`, async () => {
      const tags: string[] = [];
      const links: string[] = [];
      let next: string | null = '/v2/team/many/tags/list?n=1000';
      while (next) {
        const res = await httpRequest(new URL(next, world.paginatingProxy.url).toString());
        expect(res.status).toBe(200);
        tags.push(...list(obj(res.json()).tags).map(String));
        const link = header(res, 'link');
        if (link) links.push(link);
        next = link ? (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? null) : null;
      }
      expect(links).toEqual(['</v2/team/many/tags/list?last=tag-0999&n=1000>; rel="next"', '</v2/team/many/tags/list?last=tag-1999&n=1000>; rel="next"']);
      expect(tags).toHaveLength(MANY_TAGS);
      expect(new Set(tags).size).toBe(MANY_TAGS);
      expect([...tags].sort()).toEqual(tags);
    });

    describe('throttling', () => {
      const rate = 200_000;
      beforeAll(async () => setThrottle(world, rate));
      afterAll(async () => setThrottle(world, DEFAULT_THROTTLE));

      it('slows blob bodies to the set rate', async () => {
        const manifest = obj((await httpRequest(`${world.registries.plain.url}/v2/team/multi/manifests/1.0`, { headers: { accept: MANIFEST_ACCEPT } })).json());
        const smallest = list(manifest.layers).map(obj).sort((a, b) => Number(a.size) - Number(b.size))[0];
        const size = Number(smallest?.size);
        expect(size).toBeGreaterThan(90_000);
        const t0 = performance.now();
        const blob = await httpRequest(`${world.throttlingProxy.url}/v2/team/multi/blobs/${String(smallest?.digest)}`);
        expect(blob.body.length).toBe(size);
        expect(performance.now() - t0).toBeGreaterThanOrEqual((size / rate) * 1000 * 0.8);
        const control = obj((await httpRequest(world.throttlingProxy.control)).json());
        expect(control.bytesPerSecond).toBe(rate);
      });
    });
  });

  describe('pulls by the engine', () => {
    it('pulls alpine:3.19 from the hub registry through --registry-mirror', async () => {
      const pull = await docker(world, ['pull', 'alpine:3.19']);
      expect(pull.code, pull.stderr).toBe(0);
      expect(pull.stdout).toContain(`Digest: ${world.digests.alpine}`);
    });

    it('pulls from the TLS registry and the token registry after docker login', async () => {
      // A private client config: credentials must not leak into DOCKER_CONFIG, which later tests share.
      const configDir = fs.mkdtempSync(path.join(world.root, 'docker-config-'));
      for (const [reg, name] of [[world.registries.tls, 'secure'], [world.registries.token, 'private']] as const) {
        await dockerLogin(world, reg, configDir);
        const pull = await docker(world, ['pull', world.seeded[name] ?? ''], { configDir });
        expect(pull.code, pull.stderr).toBe(0);
        expect(pull.stdout).toContain(`Digest: ${world.digests[name]}`);
      }
      fs.rmSync(configDir, { recursive: true, force: true });
    });

    it('refuses the private token-registry image to an anonymous pull', async () => {
      const pull = await docker(world, ['pull', world.seeded.private ?? '']);
      expect(pull.code).not.toBe(0);
      expect(pull.stderr).toMatch(/denied|unauthorized/i);
    });

    it('pulls through the paginating and the throttling proxies', async () => {
      for (const proxy of [world.paginatingProxy.host, world.throttlingProxy.host]) {
        const pull = await docker(world, ['pull', `${proxy}/team/multiarch:1.0`]);
        expect(pull.code, pull.stderr).toBe(0);
        expect(pull.stdout).toContain(`Digest: ${world.digests.multiarch}`);
      }
    });

    it('removes what was pulled, leaving the engine empty', async () => {
      await removeAllImages(world);
      const images = await docker(world, ['images', '--all', '--quiet']);
      expect(images.stdout.trim()).toBe('');
    });
  });
});
