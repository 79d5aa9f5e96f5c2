// The remote depots against local stand-ins: the selected catalog (shipped, and a user's file with bad and
// hostile entries), Docker Hub official images (paged, next links re-based), Docker Hub search (escape
// sequences in descriptions sanitised), a private registry (catalog paged + saved repositories), and the
// installed/downloading marks, including an unreachable engine.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../../src/domain/catalog';
import { NotSupported } from '../../../../src/domain/errors';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { testDeps, ASSETS_DIR } from '../../../fixtures/remote/deps';
import { FakeRegistry, sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';
import { tempDir } from '../../helpers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const EVIL = 'Totally normal image \u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b[0m text';

async function hubStandIn() {
  const repos = Array.from({ length: 5 }, (_, i) => ({ name: `img${i}`, namespace: 'library', description: i === 2 ? EVIL : `Image ${i}`, star_count: 10 * i, pull_count: 1000 + i }));
  const s = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/repositories/library/') {
      const size = Number(url.searchParams.get('page_size'));
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = page * size < repos.length ? `https://hub.docker.com/v2/repositories/library/?page=${page + 1}&page_size=${size}` : null;
      return sendJson(res, 200, { count: repos.length, next, previous: null, results: repos.slice((page - 1) * size, page * size) });
    }
    if (url.pathname === '/v1/search') {
      return sendJson(res, 200, {
        query: url.searchParams.get('q'),
        results: [
          { name: 'evil', description: EVIL, star_count: 3, is_official: true, is_automated: false, is_trusted: false },
          { name: 'someone/evil-tool', description: 'tool', star_count: 1, is_official: false, is_automated: false },
          { name: 'Not A Valid Name', description: 'skipped' },
        ],
      });
    }
    sendJson(res, 404, { message: 'not found' });
  });
  servers.push(s);
  return s;
}

describe('selected depot', () => {
  it('the shipped catalog has at least 25 valid, real images', () => {
    const doc: unknown = JSON.parse(fs.readFileSync(path.join(ASSETS_DIR, 'catalog.json'), 'utf8'));
    const catalog = parseCatalog(doc, 'assets/catalog.json');
    expect(catalog.problems).toEqual([]);
    expect(catalog.entries.length).toBeGreaterThanOrEqual(25);
    for (const name of ['jellyfin/jellyfin', 'pihole/pihole', 'homeassistant/home-assistant', 'nextcloud', 'mariadb', 'postgres', 'traefik']) {
      expect(catalog.entries.map((e) => e.name)).toContain(name);
    }
    expect(catalog.entries.every((e) => e.arch.length > 0 && (e.type === 'lxc' || e.version) && e.group && e.description)).toBe(true);
  });

  it('lists the catalog with installed and downloading marks, filtered by text', async () => {
    const t = testDeps();
    t.local = new Map([['docker.io/library/postgres', new Set(['16'])]]);
    t.downloads = new Set(['docker.io/jellyfin/jellyfin']);
    const remote = createRemoteServices(t.deps);
    const all = await remote.depots.list({ category: 'selected' });
    expect(all.warnings).toEqual([]);
    const pg = all.results.find((r) => r.name === 'postgres');
    expect(pg).toMatchObject({ installed: true, downloading: false, source: 'selected', location: 'https://hub.docker.com/_/postgres', fullName: 'docker.io/library/postgres' });
    expect(all.results.find((r) => r.name === 'jellyfin/jellyfin')).toMatchObject({ installed: false, downloading: true, location: 'https://hub.docker.com/r/jellyfin/jellyfin' });
    const media = await remote.depots.list({ category: 'selected', filter: 'MEDIA' });
    expect(media.results.length).toBeGreaterThan(1);
    expect(media.results.every((r) => r.group === 'Media' || /media/i.test(`${r.name} ${r.description} ${r.title ?? ''}`))).toBe(true);
    expect((await remote.depots.list({ category: 'selected', limit: 3 })).results).toHaveLength(3);
  });

  it('still answers when the engine cannot be reached: installed null and a warning', async () => {
    const t = testDeps();
    t.local = null;
    const out = await createRemoteServices(t.deps).depots.list({ category: 'selected' });
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.every((r) => r.installed === null)).toBe(true);
    expect(out.warnings).toEqual(['cannot reach the engine: "installed" marks are unknown']);
  });

  it("reads a user's catalog file: hostile text sanitised, bad entries skipped with a warning", async () => {
    const dir = tempDir('sd-cat-');
    const file = path.join(dir, 'catalog.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        images: [
          { name: 'team/app', title: 'App\u001b[2J', description: EVIL, version: '1.2', arch: ['amd64', 'arm/v7'], group: 'Mine' },
          { name: 'NOT/valid name' },
          { name: 'redis:7' },
          { name: 'x/y', version: 'bad tag!' },
          { name: 'x/z', arch: ['amd64; rm -rf'] },
        ],
      }),
    );
    const t = testDeps();
    t.settings = { ...t.settings, catalog: file };
    const out = await createRemoteServices(t.deps).depots.list({ category: 'selected' });
    expect(out.results.map((r) => r.name)).toEqual(['team/app']);
    expect(out.results[0]?.title).toBe('App');
    expect(out.results[0]?.description).toBe('Totally normal image red text');
    expect(out.warnings).toHaveLength(4);
    expect(out.warnings.join('\n')).not.toMatch(/\u001b/);
  });

  it('LXC entries (issue 14b): type lxc with their server, marks from LXD; bad entries skipped; old catalogs still valid', () => {
    const catalog = parseCatalog(
      {
        version: 1,
        images: [
          { name: 'redis', version: '7' },
          { type: 'docker', name: 'team/app' },
          { type: 'lxc', name: 'debian/12', title: 'Debian', arch: ['amd64'], group: 'System' },
          { type: 'lxc', name: 'world/fast', server: 'world' },
          { type: 'lxc', name: 'debian/12' },
          { type: 'lxc', name: 'debian/12', server: 'world' },
          { type: 'lxc', name: 'alpine/3.20', version: '3.20' },
          { type: 'lxc', name: 'alpine:3.20' },
          { type: 'lxc', name: 'alpine/3.20', server: 'bad server!' },
          { type: 'lxc', name: '\u001b[2Jevil' },
          { type: 'lxc' },
          { type: 'vm', name: 'x' },
          { name: 'nginx', server: 'images' },
        ],
      },
      'cat.json',
    );
    expect(catalog.entries.map((e) => [e.type, e.name, e.server])).toEqual([
      ['docker', 'redis', undefined],
      ['docker', 'team/app', undefined],
      ['lxc', 'debian/12', 'images'],
      ['lxc', 'world/fast', 'world'],
      ['lxc', 'debian/12', 'world'],
    ]);
    expect(catalog.entries[2]).toMatchObject({ title: 'Debian', version: '', arch: ['amd64'], group: 'System' });
    expect(catalog.problems).toEqual([
      'catalog cat.json: entry 5 skipped: debian/12 is listed twice',
      'catalog cat.json: entry 7 skipped: alpine/3.20: "version" is for Docker images; an LXC download takes the newest serial',
      'catalog cat.json: entry 8 skipped: "alpine:3.20" is not a simplestreams alias (like debian/12 or alpine/3.20)',
      'catalog cat.json: entry 9 skipped: alpine/3.20: "server" is the name of an LXD image server (see `stevedore lxd-server list`)',
      'catalog cat.json: entry 10 skipped: "evil" is not a simplestreams alias (like debian/12 or alpine/3.20)',
      'catalog cat.json: entry 11 skipped: no "name"',
      'catalog cat.json: entry 12 skipped: "type" must be "docker" or "lxc"',
      'catalog cat.json: entry 13 skipped: nginx: "server" is for entries of type "lxc"',
    ]);
    expect(catalog.problems.join('\n')).not.toMatch(/\u001b/);
  });

  it('lists LXC entries with type, server and LXD marks, or says why they cannot be downloaded', async () => {
    const dir = tempDir('sd-cat-');
    const file = path.join(dir, 'catalog.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ images: [{ name: 'redis' }, { type: 'lxc', name: 'world/fast', server: 'world', group: 'System' }, { type: 'lxc', name: 'world/slow', server: 'world' }] }),
    );
    const t = testDeps();
    t.settings = { ...t.settings, catalog: file };
    let asked = 0;
    const marks = {
      unavailable: null,
      serverUrl: (name: string) => (name === 'world' ? 'https://127.0.0.1:8443' : undefined),
      installed: (alias: string) => alias === 'world/fast',
      downloading: (server: string, alias: string) => server === 'world' && alias === 'world/slow',
    };
    const remote = createRemoteServices({
      ...t.deps,
      lxcMarks: async () => {
        asked++;
        return marks;
      },
    });
    const out = await remote.depots.list({ category: 'selected' });
    expect(out.warnings).toEqual([]);
    expect(out.results.map((r) => [r.name, r.type ?? 'docker', r.installed, r.downloading])).toEqual([
      ['redis', 'docker', false, false],
      ['world/fast', 'lxc', true, false],
      ['world/slow', 'lxc', false, true],
    ]);
    expect(out.results[1]).toMatchObject({ server: 'world', fullName: 'lxd:world/world/fast', version: '', location: 'https://127.0.0.1:8443  world/fast', source: 'selected' });
    expect(out.results[1]?.unavailable).toBeUndefined();
    // --type picks one kind; LXD is not asked when no LXC entry shows.
    expect((await remote.depots.list({ category: 'selected', type: 'lxc' })).results.map((r) => r.name)).toEqual(['world/fast', 'world/slow']);
    const before = asked;
    expect((await remote.depots.list({ category: 'selected', type: 'docker' })).results.map((r) => r.name)).toEqual(['redis']);
    expect(asked).toBe(before);

    const noLxd = createRemoteServices({
      ...t.deps,
      lxcMarks: async () => {
        throw new NotSupported('no LXD or Incus socket found (looked at /x/unix.socket)');
      },
    });
    const without = await noLxd.depots.list({ category: 'selected' });
    expect(without.warnings).toEqual([]);
    expect(without.results[1]).toMatchObject({ type: 'lxc', installed: null, downloading: null, unavailable: 'no LXD or Incus socket found (looked at /x/unix.socket)' });
    expect(without.results[0]).toMatchObject({ installed: false });
  });

  it('a catalog file that is not a catalog is an error naming it', async () => {
    const dir = tempDir('sd-cat-');
    const file = path.join(dir, 'catalog.json');
    fs.writeFileSync(file, '{"images": 3}');
    const t = testDeps();
    t.settings = { ...t.settings, catalog: file };
    await expect(createRemoteServices(t.deps).depots.list({ category: 'selected' })).rejects.toThrow(`catalog ${file} has no "images" list`);
    fs.writeFileSync(file, '<html>');
    await expect(createRemoteServices(t.deps).depots.list({ category: 'selected' })).rejects.toThrow('is not valid JSON');
  });
});

describe('official and dockerhub depots (Docker Hub over HTTP)', () => {
  it('official: every page of library/, next links re-based on STEVEDORE_HUB_API, text sanitised', async () => {
    const hub = await hubStandIn();
    const t = testDeps({ pageSize: 2 }, { STEVEDORE_HUB_API: hub.url });
    const out = await createRemoteServices(t.deps).depots.list({ category: 'official' });
    expect(out.results.map((r) => r.name)).toEqual(['img0', 'img1', 'img2', 'img3', 'img4']);
    expect(hub.requests.map((r) => r.url)).toEqual(['/v2/repositories/library/?page_size=2', '/v2/repositories/library/?page=2&page_size=2', '/v2/repositories/library/?page=3&page_size=2']);
    expect(out.results[2]).toMatchObject({ title: 'img2', version: 'latest', starCount: 20, isOfficial: true, source: 'dockerhub', location: 'https://hub.docker.com/_/img2', description: 'Totally normal image red text' });
  });

  it('dockerhub: /v1/search with q and n, escape sequences removed, invalid names dropped', async () => {
    const hub = await hubStandIn();
    const t = testDeps({}, { STEVEDORE_HUB_API: hub.url });
    const out = await createRemoteServices(t.deps).depots.list({ category: 'dockerhub', filter: 'evil', limit: 10 });
    expect(hub.requests[0]?.url).toBe('/v1/search?q=evil&n=10');
    expect(out.results.map((r) => [r.name, r.isOfficial, r.location])).toEqual([
      ['evil', true, 'https://hub.docker.com/_/evil'],
      ['someone/evil-tool', false, 'https://hub.docker.com/r/someone/evil-tool'],
    ]);
    expect(out.results[0]?.description).toBe('Totally normal image red text');
    await expect(createRemoteServices(t.deps).depots.list({ category: 'dockerhub' })).rejects.toMatchObject({ code: 400 });
  });
});

describe('STEVEDORE_HUB_API with a path prefix', () => {
  it('keeps the prefix for search, the official list (next links re-based) and tags', async () => {
    const seen: string[] = [];
    const hub = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${url.pathname}${url.search}`);
      if (!url.pathname.startsWith('/hub/')) return sendJson(res, 404, { message: 'not under /hub' });
      const path = url.pathname.slice(4);
      if (path === '/v1/search') return sendJson(res, 200, { results: [{ name: 'someone/tool', description: 'tool', star_count: 1 }] });
      if (path === '/v2/repositories/library/') {
        const page = Number(url.searchParams.get('page') ?? '1');
        // Page 1 links like the real Hub (absolute, hub.docker.com), page 2 like a stand-in (relative, no prefix).
        const next = page === 1 ? 'https://hub.docker.com/v2/repositories/library/?page=2' : page === 2 ? '/v2/repositories/library/?page=3' : null;
        return sendJson(res, 200, { next, results: [{ name: `img${page}`, namespace: 'library', description: '' }] });
      }
      if (path === '/v2/repositories/library/redis/tags') return sendJson(res, 200, { next: null, results: [{ name: '7', images: [] }] });
      sendJson(res, 404, { message: 'not found' });
    });
    servers.push(hub);
    const t = testDeps({}, { STEVEDORE_HUB_API: `${hub.url}/hub/` });
    const remote = createRemoteServices(t.deps);
    const found = await remote.depots.list({ category: 'dockerhub', filter: 'tool', limit: 5 });
    expect(found.results.map((r) => r.name)).toEqual(['someone/tool']);
    const official = await remote.depots.list({ category: 'official' });
    expect(official.results.map((r) => r.name)).toEqual(['img1', 'img2', 'img3']);
    expect((await remote.tags.list('redis')).tags).toEqual(['7']);
    expect(seen).toEqual([
      '/hub/v1/search?q=tool&n=5',
      '/hub/v2/repositories/library/?page_size=100',
      '/hub/v2/repositories/library/?page=2',
      '/hub/v2/repositories/library/?page=3',
      '/hub/v2/repositories/library/redis/tags?page_size=100',
    ]);
  });
});

describe('private depot', () => {
  it("lists the registry's catalog (every page) plus its saved repositories, filtered", async () => {
    const fake = new FakeRegistry();
    for (const r of ['team/alpha', 'team/beta', 'other/gamma']) fake.image(r, '1.0');
    const s = await fake.start();
    servers.push(s);
    const t = testDeps({ pageSize: 1 });
    t.addRegistry('lab', s.url);
    t.store.update((d) => ({ ...d, repositories: [{ name: `${s.host}/hidden/app`, username: '', password: '' }] }));
    t.local = new Map([[`${s.host}/team/beta`, new Set(['1.0'])]]);
    const remote = createRemoteServices(t.deps);
    const out = await remote.depots.list({ category: 'private', registry: 'lab' });
    expect(out.results.map((r) => r.name)).toEqual([`${s.host}/hidden/app`, `${s.host}/other/gamma`, `${s.host}/team/alpha`, `${s.host}/team/beta`]);
    expect(out.results.find((r) => r.name.endsWith('team/beta'))).toMatchObject({ installed: true, source: { registry: 'lab' }, location: `${s.url}/team/beta` });
    expect(s.requests.filter((r) => r.url.startsWith('/v2/_catalog'))).toHaveLength(3);
    const team = await remote.depots.list({ category: 'private', registry: 'lab', filter: 'team/' });
    expect(team.results.map((r) => r.name)).toEqual([`${s.host}/team/alpha`, `${s.host}/team/beta`]);
  });

  it('a registry with its catalog switched off still shows saved repositories, with a warning', async () => {
    const s = await startServer((_req, res) => sendJson(res, 404, { errors: [{ code: 'UNSUPPORTED', message: 'catalog disabled' }] }));
    servers.push(s);
    const t = testDeps();
    t.addRegistry('corp', s.url);
    t.store.update((d) => ({ ...d, repositories: [{ name: `${s.host}/team/app`, username: 'u', password: 'p' }] }));
    const out = await createRemoteServices(t.deps).depots.list({ category: 'private', registry: 'corp' });
    expect(out.results.map((r) => r.name)).toEqual([`${s.host}/team/app`]);
    expect(out.warnings[0]).toContain('corp does not list its repositories');
  });

  it('needs --registry, and an unknown registry is a 404', async () => {
    const t = testDeps();
    await expect(createRemoteServices(t.deps).depots.list({ category: 'private' })).rejects.toMatchObject({ code: 400 });
    await expect(createRemoteServices(t.deps).depots.list({ category: 'private', registry: 'nope' })).rejects.toMatchObject({ code: 404 });
  });
});
