// Protocol parsers and the v2 / Hub / v1 clients against recorded data and a local fake registry:
// challenges (distribution's vector), Link headers (regclient's cases), rate-limit headers, pagination
// (relative Link, `tags: null`, no Link), manifests (Accept list, digest), Hub tags and search fixtures.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Authenticator,
  DockerHubClient,
  IndexV1Client,
  MANIFEST_ACCEPT,
  RegistryV2Client,
  Transport,
  choosePlatform,
  hubTag,
  isAttestation,
  nextLink,
  parseChallenges,
  parseLinkHeader,
  parsePlatformString,
  parseRateLimit,
  retryAfterSeconds,
} from '../../../../src/clients/registry/index';
import { parseManifest } from '../../../../src/clients/registry/manifest';
import { AppError, NotSupported } from '../../../../src/domain/errors';
import { FakeRegistry, sendJson, sha256, startServer, type TestServer } from '../../../fixtures/remote/servers';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(new URL(`../../../fixtures/vectors/hub-fixtures/${name}`, import.meta.url), 'utf8'));

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function v2For(url: string, pageSize = 1000) {
  const transport = new Transport({ timeoutMs: 2_000, sleep: async () => undefined });
  return { transport, client: new RegistryV2Client({ baseUrl: url, transport, auth: new Authenticator(transport), credential: async () => undefined, pageSize }) };
}

describe('WWW-Authenticate challenges', () => {
  it("parses distribution's test vector", () => {
    const [c] = parseChallenges('Bearer realm="https://auth.example.com/token",service="registry.example.com",other=fun,slashed="he\\"\\l\\lo"');
    expect(c).toEqual({ scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', other: 'fun', slashed: 'he"llo' } });
  });

  it('reads Docker Hub scope and error, lower-cases keys and scheme, and splits several challenges', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull",error="insufficient_scope"')[0]?.params).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/redis:pull',
      error: 'insufficient_scope',
    });
    expect(parseChallenges('BASIC Realm="x"')).toEqual([{ scheme: 'basic', params: { realm: 'x' } }]);
    expect(parseChallenges('Basic realm="a", Bearer realm="https://t/token",service="s"').map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });
});

describe('Link headers', () => {
  it('parses targets and rels (regclient cases)', () => {
    expect(parseLinkHeader('</v2/foo/tags/list?last=b&n=2>; rel="next"')).toEqual([{ url: '/v2/foo/tags/list?last=b&n=2', rel: ['next'] }]);
    expect(parseLinkHeader('<https://a/1>; rel=prev, <https://a/3>; rel="next"').map((l) => l.rel)).toEqual([['prev'], ['next']]);
    expect(parseLinkHeader('<https://a/x>; title="a;b"; rel="next last"')[0]?.rel).toEqual(['next', 'last']);
    expect(parseLinkHeader('garbage')).toEqual([]);
  });

  it('resolves a relative next link against the request URL', () => {
    expect(nextLink(['</v2/foo/tags/list?last=b&n=2>; rel="next"'], 'http://127.0.0.1:5000/v2/foo/tags/list?n=2')?.toString()).toBe('http://127.0.0.1:5000/v2/foo/tags/list?last=b&n=2');
  });
});

describe('rate limits and Retry-After', () => {
  it("reads the registry's `N;w=S` headers and the web API's X-RateLimit-*", () => {
    const registry: Record<string, string> = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' };
    expect(parseRateLimit((n) => registry[n])).toEqual({ limit: 100, remaining: 76, resetAt: null });
    const web: Record<string, string> = { 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': '179', 'x-ratelimit-reset': '1700000000' };
    expect(parseRateLimit((n) => web[n])).toEqual({ limit: 180, remaining: 179, resetAt: '2023-11-14T22:13:20.000Z' });
    expect(parseRateLimit(() => undefined)).toBeNull();
  });

  it('reads Retry-After as seconds or a date, and X-Retry-After as a unix time', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30);
    expect(retryAfterSeconds({ 'retry-after': 'Mon, 01 Jan 2024 00:02:00 GMT' }, now)).toBe(120);
    expect(retryAfterSeconds({ 'x-retry-after': String(now / 1000 + 45) }, now)).toBe(45);
    expect(retryAfterSeconds({}, now)).toBeUndefined();
  });

  it("measures a server's times against its Date when this machine's clock is off (a year ahead or behind)", () => {
    const server = Date.parse('2024-01-01T00:00:00Z');
    const date = new Date(server).toUTCString();
    const YEAR = 365 * 86_400_000;
    for (const now of [server + YEAR, server - YEAR]) {
      expect(retryAfterSeconds({ date, 'retry-after': 'Mon, 01 Jan 2024 00:02:00 GMT' }, now)).toBe(120);
      expect(retryAfterSeconds({ date, 'x-retry-after': String(server / 1000 + 45) }, now)).toBe(45);
      const web: Record<string, string> = { date, 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(server / 1000 + 600) };
      // The reset in ten minutes, on this machine's clock.
      expect(parseRateLimit((n) => web[n], now)?.resetAt).toBe(new Date(now + 600_000).toISOString());
    }
    // Clocks that agree to within the Date header's resolution and the answer's latency: taken as agreeing.
    expect(retryAfterSeconds({ date, 'retry-after': 'Mon, 01 Jan 2024 00:02:00 GMT' }, server + 900)).toBe(120);
  });
});

describe('v2 pagination', () => {
  it('follows relative Link headers through every page of tags and of the catalog', async () => {
    const fake = new FakeRegistry();
    for (let i = 0; i < 25; i++) fake.image('team/many', `t${String(i).padStart(2, '0')}`);
    fake.image('team/a', '1');
    fake.image('other/b', '1');
    const s = await fake.start();
    servers.push(s);
    const { client } = v2For(s.url, 10);
    const tags = await client.tags('team/many');
    expect(tags).toHaveLength(25);
    expect(tags[0]).toBe('t00');
    expect(tags[24]).toBe('t24');
    const pages = s.requests.filter((r) => r.url.startsWith('/v2/team/many/tags/list'));
    expect(pages.map((r) => r.url)).toEqual(['/v2/team/many/tags/list?n=10', '/v2/team/many/tags/list?last=t09&n=10', '/v2/team/many/tags/list?last=t19&n=10']);
    expect(await client.catalog({ pageSize: 2 })).toEqual(['other/b', 'team/a', 'team/many']);
  });

  it('accepts `tags: null` as no tags', async () => {
    const fake = new FakeRegistry({ nullTags: true });
    fake.repo('team/empty');
    const s = await fake.start();
    servers.push(s);
    expect(await v2For(s.url).client.tags('team/empty')).toEqual([]);
  });

  it('pages with `last` when a registry sends full pages but no Link, and stops when it ignores paging', async () => {
    const all = Array.from({ length: 5 }, (_, i) => `v${i}`);
    const s = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const n = Number(url.searchParams.get('n'));
      const last = url.searchParams.get('last');
      sendJson(res, 200, { name: 'a', tags: all.filter((t) => last === null || t > last).slice(0, n) });
    });
    servers.push(s);
    expect(await v2For(s.url, 2).client.tags('a')).toEqual(all);
    const ignoring = await startServer((_req, res) => sendJson(res, 200, { name: 'a', tags: ['a', 'b'] }));
    servers.push(ignoring);
    expect(await v2For(ignoring.url, 2).client.tags('a')).toEqual(['a', 'b']);
    expect(ignoring.requests).toHaveLength(2);
  });

  it('refuses a next link to another host', async () => {
    const s = await startServer((_req, res) => sendJson(res, 200, { repositories: ['a'] }, { link: '<https://elsewhere.example/v2/_catalog?n=1&last=a>; rel="next"' }));
    servers.push(s);
    await expect(v2For(s.url).client.catalog()).rejects.toThrow(`${s.host} sent a next-page link to another host (elsewhere.example); stopping`);
  });

  it('a missing repository is `Image not found: NAME`, a missing tag `Tag not found: NAME:TAG`', async () => {
    const fake = new FakeRegistry();
    fake.image('team/app', '1.0');
    const s = await fake.start();
    servers.push(s);
    const { client } = v2For(s.url);
    await expect(client.tags('team/nope', { display: 'reg/team/nope' })).rejects.toThrow('Image not found: reg/team/nope');
    await expect(client.manifest('team/app', '9.9', { display: 'reg/team/app' })).rejects.toThrow('Tag not found: reg/team/app:9.9');
    await expect(client.manifest('team/nope', '1.0', { display: 'reg/team/nope' })).rejects.toThrow('Image not found: reg/team/nope');
  });
});

describe('manifests', () => {
  it('asks with the full Accept list and takes the digest from Docker-Content-Digest, else from the bytes', async () => {
    const fake = new FakeRegistry({ noDigestHeader: true });
    const pushed = fake.image('team/app', '1.0');
    const s = await fake.start();
    servers.push(s);
    const got = await v2For(s.url).client.manifest('team/app', '1.0');
    expect(got.digest).toBe(pushed.digest);
    expect(got.manifest.kind).toBe('image');
    const accept = String(s.requests.find((r) => r.url.includes('/manifests/'))?.headers.accept);
    expect(accept).toBe(MANIFEST_ACCEPT);
    for (const t of ['manifest.v2+json', 'manifest.list.v2+json', 'oci.image.manifest.v1+json', 'oci.image.index.v1+json']) expect(accept).toContain(t);
  });

  it('checks a manifest fetched by digest against that digest', async () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: sha256('x'), size: 1 }, layers: [] }));
    const s = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(body);
    });
    servers.push(s);
    const { client } = v2For(s.url);
    expect((await client.manifest('a', sha256(body))).digest).toBe(sha256(body));
    await expect(client.manifest('a', sha256('something else'))).rejects.toThrow('whose content does not match its digest');
  });

  it('reads indexes, hides attestations, and matches platforms (arm64 = arm64/v8)', () => {
    const m = parseManifest(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'x', digest: sha256('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'x', digest: sha256('b'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: 'x', digest: sha256('c'), size: 1, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
        ],
      },
      'application/vnd.oci.image.index.v1+json',
      'test',
    );
    if (m.kind !== 'index') throw new Error('expected an index');
    expect(m.manifests.filter(isAttestation)).toHaveLength(1);
    expect(choosePlatform(m.manifests, parsePlatformString('linux/arm64'))?.digest).toBe(sha256('b'));
    expect(choosePlatform(m.manifests, parsePlatformString('linux/arm64/v8'))?.digest).toBe(sha256('b'));
    expect(choosePlatform(m.manifests, parsePlatformString('linux/s390x'))).toBeUndefined();
    expect(choosePlatform(m.manifests, parsePlatformString('unknown/unknown'))).toBeUndefined();
  });

  it('refuses schema 1 manifests with a 501', () => {
    expect(() => parseManifest({ schemaVersion: 1, name: 'a', fsLayers: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'reg: a:1')).toThrow(NotSupported);
  });
});

describe('Docker Hub web API and search', () => {
  it('reads the recorded tags page: sizes, dates, platforms without unknown/unknown', () => {
    const page = fixture('hub-tags-page.json') as { results: Record<string, unknown>[] };
    const tags = page.results.map(hubTag);
    const edge = tags.find((t) => t?.name === 'edge');
    expect(edge?.platforms).toEqual(['linux/386', 'linux/amd64', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm64', 'linux/ppc64le']);
    expect(edge?.size).toBeGreaterThan(0);
    expect(edge?.digest).toMatch(/^sha256:/);
    expect(tags.every((t) => t && !t.platforms.some((p) => p.includes('unknown')))).toBe(true);
  });

  it('follows `next` re-based on the configured base and never calls hub.docker.com', async () => {
    const page = fixture('hub-tags-page.json') as { results: unknown[]; next: string };
    const s = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.searchParams.get('page') === '2') return sendJson(res, 200, { count: 11, next: null, previous: null, results: [{ name: 'old', images: [] }] });
      sendJson(res, 200, { ...page, count: 11 }, { 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': '170', 'x-ratelimit-reset': '1700000000' });
    });
    servers.push(s);
    let limit: unknown = null;
    const hub = new DockerHubClient({ baseUrl: s.url, transport: new Transport({ timeoutMs: 2_000 }), onRateLimit: (l) => (limit = l) });
    const tags = await hub.tags('crazymax', 'diun');
    expect(tags).toHaveLength(11);
    expect(s.requests.map((r) => r.url)).toEqual(['/v2/repositories/crazymax/diun/tags?page_size=100', '/v2/repositories/crazymax/diun/tags?page=2']);
    expect(limit).toEqual({ limit: 180, remaining: 170, resetAt: '2023-11-14T22:13:20.000Z' });
  });

  it('reads the recorded v1 search page', async () => {
    const s = await startServer((_req, res) => sendJson(res, 200, fixture('v1-search-page.json')));
    servers.push(s);
    const found = await new IndexV1Client({ baseUrl: s.url, transport: new Transport({ timeoutMs: 2_000 }) }).search('mysql', { limit: 25 });
    expect(found[0]).toMatchObject({ name: 'mysql', isOfficial: true });
    expect(found.length).toBeGreaterThan(1);
    expect(s.requests[0]?.url).toBe('/v1/search?q=mysql&n=25');
    await expect(new IndexV1Client({ baseUrl: s.url, transport: new Transport() }).search('x', { limit: 500 })).rejects.toBeInstanceOf(AppError);
  });
});
