// The remote services against the real test world: docker-registry 2.8 servers (plain, TLS + htpasswd,
// token), the paginating proxy, and the Docker Hub stand-in (STEVEDORE_HUB_API / STEVEDORE_HUB_REGISTRY).
// test:later: dates matter here (bearer tokens, TLS certificates, Retry-After times): npm run test:later runs this file again a year ahead.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteInspectJson, remoteListJson, tagsJson } from '../../../src/views/remote';
import { AppError } from '../../../src/domain/errors';
import { RegistryService } from '../../../src/services/registries';
import { createRemoteServices, type RemoteServices } from '../../../src/services/remote/index';
import { testDeps, type TestDeps } from '../../fixtures/remote/deps';
import { describeWorld } from '../../world/harness';
import { EVIL_DESCRIPTION, MANY_TAGS, type WorldInfo } from '../../world/index';
import { tempDir } from '../../unit/helpers';

const opened: RemoteServices[] = [];
afterAll(async () => {
  await Promise.all(opened.map((r) => r.close()));
});

/** A docker client config dir holding `auths` for the given registries. */
function dockerConfig(entries: Record<string, { username: string; password: string }>): string {
  const dir = tempDir('sd-docker-config-');
  const auths = Object.fromEntries(Object.entries(entries).map(([host, c]) => [host, { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') }]));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

function connect(world: WorldInfo, opts: { dockerConfigDir?: string; pageSize?: number; certsD?: string } = {}): { t: TestDeps; remote: RemoteServices; registries: RegistryService } {
  const env = { ...world.env, ...(opts.dockerConfigDir ? { DOCKER_CONFIG: opts.dockerConfigDir } : {}), ...(opts.certsD !== undefined ? { STEVEDORE_DOCKER_CERTS_D: opts.certsD } : {}) };
  const t = testDeps(opts.pageSize ? { pageSize: opts.pageSize } : {}, env);
  if (!opts.dockerConfigDir) t.deps.env.DOCKER_CONFIG = tempDir('sd-empty-docker-');
  const remote = createRemoteServices(t.deps);
  opened.push(remote);
  // The registry commands' service, with this side's probe (ping + certificate pinning).
  const registries = new RegistryService(t.store, world.env.STEVEDORE_HUB_REGISTRY ?? '', remote.probe);
  return { t, remote, registries };
}

const failure = (p: Promise<unknown>): Promise<AppError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      if (e instanceof AppError) return e;
      throw e;
    },
  );

describeWorld('remote side against the test world', (world) => {
  const plain = world.registries.plain;
  const tls = world.registries.tls;
  const token = world.registries.token;

  describe('private registries', () => {
    it('pings every kind of registry: v2 over http, TLS with a pinned certificate, token', async () => {
      const { registries } = connect(world);
      expect(await registries.ping(plain.url)).toBe('v2');
      expect(await registries.ping(token.url)).toBe('v2');
      expect(await registries.ping(tls.url, true)).toBe('v2');
      // The world trusts its CA the way a user does, in /etc/docker/certs.d/HOST:PORT/ca.crt: so does stevedore.
      expect(await registries.ping(tls.url)).toBe('v2');
      const elsewhere = connect(world, { certsD: '' });
      const untrusted = await failure(elsewhere.registries.ping(tls.url));
      expect(untrusted.code).toBe(495);
      expect(untrusted.describe()).toContain('--trust-cert');
    });

    it('catalog search, paged: every page of _catalog, filtered by text', async () => {
      const { remote, registries } = connect(world, { pageSize: 2 });
      await registries.add({ name: 'plain', url: plain.url });
      const out = await remote.depots.list({ category: 'private', registry: 'plain', filter: 'team/' });
      const names = out.results.map((r) => r.name);
      for (const repo of ['team/alpha', 'team/beta', 'team/many', 'team/multi', 'team/multiarch']) expect(names).toContain(`${plain.host}/${repo}`);
      expect(names.every((n) => n.includes('team/'))).toBe(true);
      const json = remoteListJson({ category: 'private', filterText: 'team/', type: '', results: out.results, warnings: out.warnings, truncated: false });
      expect(json.results[0]).toMatchObject({ repository: 'plain', type: 'docker', installed: false, downloading: false, location: `${plain.url}/${names[0]?.slice(plain.host.length + 1)}` });
    });

    it(`tags of a repository with ${MANY_TAGS} tags, paged through the paginating proxy (n=500, relative Links)`, async () => {
      const { remote, registries } = connect(world, { pageSize: 500 });
      await registries.add({ name: 'paged', url: world.paginatingProxy.url });
      const list = await remote.tags.list('team/many', { registry: 'paged' });
      expect(list.tags).toHaveLength(MANY_TAGS);
      expect(new Set(list.tags).size).toBe(MANY_TAGS);
      expect(list.tags[0]).toBe('tag-0000');
      expect(list.tags.at(-1)).toBe(`tag-${String(MANY_TAGS - 1).padStart(4, '0')}`);
      // The same list straight from the registry, which ignores n on tags/list.
      await registries.add({ name: 'plain', url: plain.url });
      expect((await remote.tags.list('team/many', { registry: 'plain' })).tags).toEqual(list.tags);
    });

    it('remote inspect of a multi-layer image', async () => {
      const { remote, registries } = connect(world);
      await registries.add({ name: 'plain', url: plain.url });
      const r = await remote.inspect.remote('team/multi:1.0', { registry: 'plain' });
      expect(r.digest).toBe(world.digests.multi);
      expect(r.manifestDigest).toBe(world.digests.multi);
      expect(r.layers).toHaveLength(4);
      expect(r.config).toMatchObject({ entrypoint: ['/data/layer-0.bin'], cmd: ['--serve'], workingDir: '/data', user: '1000:1000', exposedPorts: ['8080/tcp', '9090/udp'] });
      expect(r.config.env).toContain('APP_MODE=test');
      expect(r.config.labels).toMatchObject({ 'org.opencontainers.image.title': 'multi', maintainer: 'stevedore tests' });
      expect(r.size).toBeGreaterThan(1_500_000);
      expect(remoteInspectJson(r)).toMatchObject({ Name: `${plain.host}/team/multi`, Tag: '1.0', Digest: world.digests.multi, Config: { ExposedPorts: { '8080/tcp': {}, '9090/udp': {} } } });
    });

    it('remote inspect of a multi-platform index: index digest, chosen platform, attestation hidden', async () => {
      const { remote, registries, t } = connect(world);
      await registries.add({ name: 'plain', url: plain.url });
      t.enginePlatform = 'linux/amd64';
      const amd = await remote.inspect.remote(`${plain.host}/team/multiarch:1.0`);
      expect(amd.digest).toBe(world.digests.multiarch);
      expect(amd.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
      expect(amd.platform).toBe('linux/amd64');
      expect(amd.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      const arm = await remote.inspect.remote('team/multiarch:1.0', { registry: 'plain', platform: 'linux/arm64' });
      expect(arm.digest).toBe(world.digests.multiarch);
      expect(arm.manifestDigest).not.toBe(amd.manifestDigest);
      expect(arm).toMatchObject({ architecture: 'arm64', variant: 'v8', platform: 'linux/arm64/v8' });
      expect(arm.layers).toHaveLength(2);
    });

    it('TLS + basic registry: credentials from docker config.json (a temp DOCKER_CONFIG), certificate pinned', async () => {
      const { remote, registries } = connect(world, { dockerConfigDir: dockerConfig({ [tls.host]: { username: tls.username ?? '', password: tls.password ?? '' } }) });
      const added = await registries.add({ name: 'secure', url: tls.url, trustCert: true });
      expect(added.pinnedCertSha256).toMatch(/^[a-f0-9]{64}$/);
      const list = await remote.tags.list('secure/app', { registry: 'secure' });
      expect(list.tags).toEqual(['1.0']);
      const r = await remote.inspect.remote(world.seeded.secure ?? '');
      expect(r.digest).toBe(world.digests.secure);
      expect(r.config.labels).toEqual({ tier: 'secure' });
    });

    it('a changed certificate pin is refused with 495', async () => {
      const { remote, t } = connect(world, { dockerConfigDir: dockerConfig({ [tls.host]: { username: tls.username ?? '', password: tls.password ?? '' } }) });
      t.addRegistry('secure', tls.url, { trustCert: true, pinnedCertSha256: 'ab'.repeat(32) });
      const error = await failure(remote.tags.list('secure/app', { registry: 'secure' }));
      expect(error.code).toBe(495);
      expect(error.message).toContain('has changed since it was trusted');
      expect(error.describe()).toContain('stevedore registry edit secure --trust-cert');
    });

    it('token registry: anonymous pull of public/*, credentials from config.json for private/*', async () => {
      const anonymous = connect(world);
      expect((await anonymous.remote.tags.list(`${token.host}/public/hello`)).tags).toEqual(['1.0']);
      const refused = await failure(anonymous.remote.tags.list(`${token.host}/private/app`));
      expect(refused.code).toBe(401);
      expect(refused.message).toBe(`${token.host} needs credentials for private/app and none were found`);
      const dir = dockerConfig({ [token.host]: { username: token.username ?? '', password: token.password ?? '' } });
      const { remote } = connect(world, { dockerConfigDir: dir });
      const r = await remote.inspect.remote(`${token.host}/private/app:1.0`);
      expect(r.digest).toBe(world.digests.private);
    });

    it('a wrong password gives a 401 that names the user and where the credentials came from, never the password', async () => {
      const dir = dockerConfig({ [token.host]: { username: token.username ?? '', password: 'definitely-wrong' } });
      const { remote } = connect(world, { dockerConfigDir: dir });
      const error = await failure(remote.tags.list(`${token.host}/private/app`));
      expect(error.code).toBe(401);
      expect(error.message).toBe(`${token.host} refused the credentials of user "${token.username}" (from ${path.join(dir, 'config.json')})`);
      expect(JSON.stringify(error.toJSON())).not.toContain('definitely-wrong');
      const basic = connect(world, { dockerConfigDir: dockerConfig({ [tls.host]: { username: tls.username ?? '', password: 'nope' } }) });
      await basic.registries.add({ name: 'secure', url: tls.url, trustCert: true });
      const tlsError = await failure(basic.remote.tags.list('secure/app', { registry: 'secure' }));
      expect(tlsError.code).toBe(401);
      expect(tlsError.message).toContain(`refused the credentials of user "${tls.username}"`);
    });

    it('saved repositories: add checks access (401 on a wrong password), the saved credentials are then used', async () => {
      const { remote, registries, t } = connect(world);
      await registries.add({ name: 'tok', url: token.url });
      const wrong = await failure(remote.repositories.add(`${token.host}/private/app`, { username: token.username ?? '', password: 'bad' }));
      expect(wrong.code).toBe(401);
      expect(t.store.data.repositories).toEqual([]);
      const saved = await remote.repositories.add(`${token.host}/private/app`, { username: token.username ?? '', password: token.password ?? '' });
      expect(saved).toMatchObject({ name: `${token.host}/private/app`, registry: 'tok', inUse: false, username: token.username });
      expect((await remote.tags.list('private/app', { registry: 'tok' })).tags).toEqual(['1.0']);
      const depot = await remote.depots.list({ category: 'private', registry: 'tok' });
      expect(depot.results.map((r) => r.name)).toContain(`${token.host}/private/app`);
    });
  });

  describe('Docker Hub through the stand-in', () => {
    it('tags of crazymax/diun: every page of the Hub tags API, unknown/unknown hidden, sizes and dates', async () => {
      const { remote } = connect(world);
      const list = await remote.tags.list('crazymax/diun');
      expect(list.tags.length).toBe(13);
      expect(list.tags[0]).toBe('latest');
      const json = tagsJson(list);
      expect(json.details).toHaveLength(13);
      expect(json.details.every((d) => d.platforms.every((p) => !p.includes('unknown')))).toBe(true);
      const edge = json.details.find((d) => d.name === 'edge');
      expect(edge?.platforms.length).toBe(6);
      expect(typeof edge?.size).toBe('number');
      expect(remote.hubRateLimit()).toMatchObject({ limit: 180 });
    });

    it('official images (library/, following next) and search, with escape sequences removed', async () => {
      const { remote } = connect(world);
      const official = await remote.depots.list({ category: 'official' });
      const names = official.results.map((r) => r.name);
      for (const n of ['alpine', 'redis', 'evil', 'hello-world']) expect(names).toContain(n);
      const evil = official.results.find((r) => r.name === 'evil');
      expect(evil?.description).toBe('Totally normal image red text');
      expect(EVIL_DESCRIPTION).toContain('\u001b');
      const search = await remote.depots.list({ category: 'dockerhub', filter: 'evil' });
      expect(search.results[0]).toMatchObject({ name: 'evil', isOfficial: true, description: 'Totally normal image red text' });
      const mysql = await remote.depots.list({ category: 'dockerhub', filter: 'mysql' });
      expect(mysql.results.map((r) => r.name)).toEqual(['mysql', 'mariadb', 'phpmyadmin']);
    });

    it('remote inspect of a Docker Hub index (redis:7) through STEVEDORE_HUB_REGISTRY', async () => {
      const { remote } = connect(world);
      const r = await remote.inspect.remote('redis:7', { platform: 'linux/arm64/v8' });
      expect(r.digest).toBe(world.digests.redis);
      expect(r.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
      expect(r.config.exposedPorts).toEqual(['6379/tcp']);
      await expect(remote.inspect.remote('redis:nope')).rejects.toThrow('Tag not found: redis:nope');
    });

    it('a Hub 429 with a long Retry-After fails at once; a short one is retried', async () => {
      const { hubFault, clearHubFaults } = await import('../../world/index');
      const { remote } = connect(world);
      await hubFault(world, { pathPrefix: '/v2/repositories/library/', status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '3600' } });
      const error = await failure(remote.depots.list({ category: 'official' }));
      expect(error.code).toBe(429);
      expect(error.message).toMatch(/retry in 60 min/);
      await hubFault(world, { pathPrefix: '/v2/repositories/library/', status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '1' }, times: 1 });
      expect((await remote.depots.list({ category: 'official' })).results.length).toBeGreaterThan(0);
      await clearHubFaults(world);
    });
  });
});
