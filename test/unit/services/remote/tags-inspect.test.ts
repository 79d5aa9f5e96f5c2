// Tags (order, installed marks, Hub details vs registry names) and remote inspect (index -> platform,
// attestation hidden, Digest vs ManifestDigest, default platform from the setting / engine / linux/amd64),
// and REF resolution with --registry.
import { afterEach, describe, expect, it } from 'vitest';
import { orderTags, looksLikeVersion } from '../../../../src/domain/tags';
import type { TagDetail } from '../../../../src/domain/images';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { resolveRef } from '../../../../src/services/remote/refs';
import { testDeps } from '../../../fixtures/remote/deps';
import { UntrustedCertificate } from '../../../../src/domain/errors';
import { FakeRegistry, selfSigned, sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const d = (name: string, lastUpdated: string | null = null): TagDetail => ({ name, size: null, lastUpdated, digest: null, platforms: [] });

describe('tag order', () => {
  it('latest first, then versions highest first (ties by name), then the rest newest first, else by name', () => {
    const names = orderTags([
      d('edge', '2024-01-02T00:00:00Z'),
      d('1.2'),
      d('v1.10.0'),
      d('1.9.3-alpine'),
      d('1.9.3'),
      d('nightly', '2024-03-01T00:00:00Z'),
      d('latest'),
      d('2'),
      d('sha-abc'),
      d('beta'),
      d('2024.06.01'),
    ]).map((t) => t.name);
    expect(names).toEqual(['latest', '2024.06.01', '2', 'v1.10.0', '1.9.3', '1.9.3-alpine', '1.2', 'nightly', 'edge', 'beta', 'sha-abc']);
  });

  it('knows what looks like a version', () => {
    for (const v of ['1', '1.2', 'v1.2.3', '1.2.3-alpine', '20.04', '7.4-bookworm']) expect(looksLikeVersion(v)).toBe(true);
    for (const v of ['latest', 'edge', 'sha256-abc.sig', '1a2b3c', 'v', 'alpine3.19']) expect(looksLikeVersion(v)).toBe(false);
  });
});

describe('tags service', () => {
  it('lists every tag of a registry repository in order, with the installed ones', async () => {
    const fake = new FakeRegistry();
    for (const tag of ['1.0', '1.10', '1.9', 'latest', 'dev', '0.9']) fake.image('team/app', tag);
    const s = await fake.start();
    servers.push(s);
    const t = testDeps({ pageSize: 2 });
    t.addRegistry('lab', s.url);
    t.local = new Map([[`${s.host}/team/app`, new Set(['1.9', '<none>'])]]);
    const list = await createRemoteServices(t.deps).tags.list('team/app', { registry: 'lab' });
    expect(list.name).toBe(`${s.host}/team/app`);
    expect(list.tags).toEqual(['latest', '1.10', '1.9', '1.0', '0.9', 'dev']);
    expect(list.installed).toEqual(['1.9']);
    expect(list.details[0]).toEqual({ name: 'latest', size: null, lastUpdated: null, digest: null, platforms: [] });
  });

  it('Docker Hub names use the Hub tags API (size, date, platforms)', async () => {
    const hub = await startServer((req, res) =>
      req.url?.startsWith('/v2/repositories/library/redis/tags')
        ? sendJson(res, 200, {
            count: 2,
            next: null,
            results: [
              { name: '7', full_size: 1234, last_updated: '2024-06-01T00:00:00Z', digest: 'sha256:aa', images: [{ os: 'linux', architecture: 'amd64' }, { os: 'unknown', architecture: 'unknown' }] },
              { name: 'latest', full_size: 1000, last_updated: '2024-06-02T00:00:00Z', digest: 'sha256:bb', images: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }] },
            ],
          })
        : sendJson(res, 404, {}),
    );
    servers.push(hub);
    const t = testDeps({}, { STEVEDORE_HUB_API: hub.url });
    t.local = null;
    const list = await createRemoteServices(t.deps).tags.list('redis');
    expect(list).toMatchObject({ name: 'redis', fullName: 'docker.io/library/redis', tags: ['latest', '7'], installed: [] });
    expect(list.details[1]).toEqual({ name: '7', size: 1234, lastUpdated: '2024-06-01T00:00:00Z', digest: 'sha256:aa', platforms: ['linux/amd64'], sameAs: [] });
    expect(list.warnings).toContain('cannot reach the engine: "installed" marks are unknown');
  });

  it('a name with a tag is a 400; an unknown repository is `Image not found`', async () => {
    const fake = new FakeRegistry();
    const s = await fake.start();
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const remote = createRemoteServices(t.deps);
    await expect(remote.tags.list('team/app:1.0', { registry: 'lab' })).rejects.toMatchObject({ code: 400 });
    await expect(remote.tags.list('team/nope', { registry: 'lab' })).rejects.toThrow(`Image not found: ${s.host}/team/nope`);
  });
});

describe('remote strings in results are sanitised', () => {
  // An OSC title, a CSI, an 8-bit CSI (U+009B) and a right-to-left override (U+202E).
  const HOSTILE = '\u001b]0;PWNED\u0007\u001b[31m\u009b2J\u202e';
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('Docker Hub tags: a hostile name left out, digest kept only when it is a digest, last_updated and platforms cleaned', async () => {
    const good = `sha256:${'b'.repeat(64)}`;
    const hub = await startServer((req, res) =>
      req.url?.startsWith('/v2/repositories/library/redis/tags')
        ? sendJson(res, 200, {
            next: null,
            results: [
              { name: `7${HOSTILE}`, full_size: 1, last_updated: `2024-06-01T00:00:00Z${HOSTILE}`, digest: `sha256:aa${HOSTILE}`, images: [{ os: `linux${HOSTILE}`, architecture: 'amd64', variant: `\u009b2J${HOSTILE}` }] },
              { name: 'latest', full_size: 2, last_updated: HOSTILE, digest: good, images: [{ os: 'linux', architecture: 'arm64' }] },
            ],
          })
        : sendJson(res, 404, {}),
    );
    servers.push(hub);
    const t = testDeps({}, { STEVEDORE_HUB_API: hub.url });
    const list = await createRemoteServices(t.deps).tags.list('redis');
    expect(JSON.stringify(list)).not.toMatch(CONTROL);
    // A name with control characters is not a tag: left out (not rewritten into `7`, which may not exist), counted.
    expect(list.details).toEqual([{ name: 'latest', size: 2, lastUpdated: null, digest: good, platforms: ['linux/arm64'], sameAs: [] }]);
    expect(list.warnings).toEqual(['redis: left out 1 tag the registry sent that is not a valid tag name (empty, control characters, or over 128 characters)']);
  });

  it('inspect of an index: Platforms and Platform cleaned', async () => {
    const fake = new FakeRegistry();
    fake.index('team/app', '1.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: `linux${HOSTILE}`, architecture: `riscv64${HOSTILE}` },
      { os: 'linux', architecture: 'arm64', variant: `v8${HOSTILE}` },
    ]);
    const s = await fake.start();
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const r = await createRemoteServices(t.deps).inspect.remote('team/app:1.0', { registry: 'lab', platform: 'linux/arm64' });
    expect(r.platforms).toEqual(['linux/amd64', 'linux/riscv64', 'linux/arm64/v8']);
    expect(r.platform).toBe('linux/arm64/v8');
    expect(JSON.stringify(r)).not.toMatch(CONTROL);
  });
});

describe('trustCert without a pinned fingerprint', () => {
  it('a configured registry saved with trustCert but no pin fails closed (495) and says how to pin it', async () => {
    const cert = selfSigned('unpinned');
    const s = await startServer((_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['1'] }), cert);
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url, { trustCert: true });
    const error = await createRemoteServices(t.deps)
      .tags.list('team/app', { registry: 'lab' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedCertificate);
    expect((error as UntrustedCertificate).describe()).toContain('(pin it with `stevedore registry edit lab --trust-cert`)');
    expect(s.requests).toHaveLength(0);
    // Pinned, it works.
    t.store.update((d) => ({ ...d, registries: d.registries.map((r) => ({ ...r, pinnedCertSha256: cert.fingerprint })) }));
    expect((await createRemoteServices(t.deps).tags.list('team/app', { registry: 'lab' })).tags).toEqual(['1']);
  });
});

describe('remote inspect', () => {
  async function world() {
    const fake = new FakeRegistry();
    const single = fake.image('team/multi', '1.0', { layers: [10, 20, 30, 40], config: { Cmd: ['--serve'], Entrypoint: ['/app'], Env: ['A=1'], ExposedPorts: { '8080/tcp': {} }, Labels: { title: 'multi\u001b[31m' }, WorkingDir: '/data', User: '1000' } });
    const index = fake.index('team/multiarch', '1.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const s = await fake.start();
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    return { s, t, single, index, remote: createRemoteServices(t.deps) };
  }

  it('a single-platform image: its config, layers and compressed size', async () => {
    const { s, single, remote } = await world();
    const r = await remote.inspect.remote('team/multi:1.0', { registry: 'lab' });
    expect(r).toMatchObject({ name: `${s.host}/team/multi`, tag: '1.0', digest: single.digest, manifestDigest: single.digest, platform: 'linux/amd64', platforms: ['linux/amd64'], created: '2024-05-01T10:00:00Z', os: 'linux', architecture: 'amd64', variant: null });
    expect(r.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(r.config).toEqual({ cmd: ['--serve'], entrypoint: ['/app'], env: ['A=1'], exposedPorts: ['8080/tcp'], labels: { title: 'multi' }, workingDir: '/data', user: '1000' });
    expect(r.layers).toHaveLength(4);
    expect(r.size).toBe(single.config.size + single.layers.reduce((a, l) => a + l.size, 0));
  });

  it("an index: Digest is the index's, ManifestDigest the chosen platform's; attestations hidden", async () => {
    const { index, remote, t } = await world();
    t.enginePlatform = 'linux/arm64/v8';
    const arm = await remote.inspect.remote(`${new URL(t.registries.get('lab').url).host}/team/multiarch:1.0`);
    expect(arm.digest).toBe(index.digest);
    expect(arm.manifestDigest).toBe(index.children[1]?.digest);
    expect(arm.platform).toBe('linux/arm64/v8');
    expect(arm.platforms).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(arm.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const amd = await remote.inspect.remote('team/multiarch:1.0', { registry: 'lab', platform: 'linux/amd64' });
    expect(amd.manifestDigest).toBe(index.children[0]?.digest);
    t.settings = { ...t.settings, platform: 'linux/amd64' };
    expect((await remote.inspect.remote('team/multiarch:1.0', { registry: 'lab' })).platform).toBe('linux/amd64');
    t.settings = { ...t.settings, platform: '' };
    t.enginePlatform = null;
    expect((await remote.inspect.remote('team/multiarch:1.0', { registry: 'lab' })).platform).toBe('linux/amd64');
  });

  it('a platform the index lacks is a 404 listing what it has; a bad platform a 400', async () => {
    const { remote } = await world();
    const error = await remote.inspect.remote('team/multiarch:1.0', { registry: 'lab', platform: 'linux/s390x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 404 });
    expect((error as Error).message).toMatch(/^Image not found: .*team\/multiarch:1.0 for platform linux\/s390x$/);
    await expect(remote.inspect.remote('team/multiarch:1.0', { registry: 'lab', platform: 'unknown' })).rejects.toMatchObject({ code: 400 });
  });

  it('a missing tag is `Tag not found: NAME:TAG`; latest is the default tag', async () => {
    const { s, remote } = await world();
    await expect(remote.inspect.remote('team/multi:9', { registry: 'lab' })).rejects.toThrow(`Tag not found: ${s.host}/team/multi:9`);
    await expect(remote.inspect.remote('team/multi', { registry: 'lab' })).rejects.toThrow(`Tag not found: ${s.host}/team/multi:latest`);
  });
});

describe('REF with --registry', () => {
  it('resolves short names against the registry, library/ only on docker.io, and refuses another host', () => {
    const t = testDeps();
    t.addRegistry('lab', 'http://127.0.0.1:5000');
    expect(resolveRef('app', t.registries, 'lab').familiar).toBe('127.0.0.1:5000/app');
    expect(resolveRef('team/app:1', t.registries, 'lab').familiar).toBe('127.0.0.1:5000/team/app:1');
    expect(resolveRef('127.0.0.1:5000/team/app', t.registries, 'lab').path).toBe('team/app');
    expect(resolveRef('redis', t.registries, 'Docker Hub').path).toBe('library/redis');
    expect(resolveRef('redis', t.registries).domain).toBe('docker.io');
    expect(() => resolveRef('ghcr.io/org/app', t.registries, 'lab')).toThrow(/names registry ghcr.io, not lab/);
    expect(() => resolveRef('app', t.registries, 'nope')).toThrow('Registry not found: nope');
  });
});
