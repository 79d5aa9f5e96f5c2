// The update service against a fake v2 registry (a real HTTP server, test/fixtures/remote/servers.ts) and a
// fake engine list: digests compared with every RepoDigest, an index decided by this platform, the cache with
// its TTL, the GET fallback, concurrency.
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalImage, LocalRepository } from '../../../../src/domain/images';
import type { UpdateResult } from '../../../../src/domain/updates';
import { createUpdateServices, type UpdatesStoreLike } from '../../../../src/services/updates/index';
import { testDeps } from '../../../fixtures/remote/deps';
import { FakeRegistry, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

class MemoryStore implements UpdatesStoreLike {
  data = new Map<string, Map<string, UpdateResult>>();
  read(engine: string) {
    return new Map(this.data.get(engine) ?? []);
  }
  save(engine: string, results: UpdateResult[]) {
    const m = this.data.get(engine) ?? new Map<string, UpdateResult>();
    for (const r of results) m.set(`${r.fullName}:${r.tag}`, r);
    this.data.set(engine, m);
  }
  removals = new Map<string, string>();
  pendingRemoval(engine: string, key: string) {
    return this.removals.get(`${engine} ${key}`) ?? null;
  }
  setPendingRemoval(engine: string, key: string, oldId: string | null) {
    if (oldId === null) this.removals.delete(`${engine} ${key}`);
    else this.removals.set(`${engine} ${key}`, oldId);
  }
}

function image(tag: string, id: string, digests: string[]): LocalImage {
  return { tag, id, size: 1, created: '2024-01-01T00:00:00Z', inUse: false, digests };
}

async function world(opts: { noDigestHeader?: boolean } = {}) {
  const reg = new FakeRegistry(opts.noDigestHeader ? { noDigestHeader: true } : {});
  const server = await reg.start();
  servers.push(server);
  const host = server.host;
  const repos: LocalRepository[] = [];
  const store = new MemoryStore();
  let now = Date.parse('2030-06-01T12:00:00Z');
  const t = testDeps();
  t.settings['updates.concurrency'] = 2;
  const updates = createUpdateServices({
    remoteDeps: async () => t.deps,
    engine: async () => ({
      host: () => 'unix:///fake.sock',
      enginePlatform: async () => 'linux/amd64',
      images: {
        listLocal: async () => repos,
        inspect: async () => ({}),
        remove: async () => ({ name: '', untagged: [], deleted: [] }),
        tag: async () => undefined,
        prune: async () => ({ images: [], deleted: [], untagged: [], spaceReclaimed: 0, failed: [] }),
        watch: () => () => undefined,
      },
    }),
    store: async () => store,
    previousStore: async () => ({ read: () => new Map(), update: () => undefined }),
    settings: () => t.settings,
    clock: { now: () => now },
  });
  const manifestRequests = () => server.requests.filter((r) => r.url.includes('/manifests/'));
  return { reg, server, host, repos, store, updates, t, advance: (ms: number) => (now += ms), manifestRequests };
}

const repo = (host: string, path: string, images: LocalImage[]): LocalRepository => ({ name: `${host}/${path}`, fullName: `${host}/${path}`, images, isLatest: [], inUse: false });

describe('update checks', () => {
  it('compares with every RepoDigest of the repository, not the first only', async () => {
    const w = await world();
    const pushed = w.reg.image('team/app', '1.0');
    const old = 'sha256:' + 'a'.repeat(64);
    w.repos.push(repo(w.host, 'team/app', [image('1.0', 'sha256:' + 'b'.repeat(64), [`other.example/x@${old}`, `${w.host}/team/app@${old}`, `${w.host}/team/app@${pushed.digest}`])]));
    const round = await w.updates.check();
    expect(round.results).toMatchObject([{ status: 'up_to_date', remoteDigest: pushed.digest, localDigest: old }]);
    expect(w.manifestRequests().map((r) => r.method)).toEqual(['HEAD']);
    expect(round.requests).toEqual({ head: 1, get: 0, tagLists: 1 });
  });

  it('a changed index: this platform`s manifest decides (by config digest or manifest digest)', async () => {
    const w = await world();
    const idx = w.reg.index('team/multi', '1.0', [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]);
    const amd = idx.children[0];
    const oldIndex = 'sha256:' + 'c'.repeat(64);
    // Classic store: the image ID is the config digest. containerd store: the manifest digest.
    w.repos.push(repo(w.host, 'team/multi', [image('1.0', amd?.config.digest ?? '', [`${w.host}/team/multi@${oldIndex}`])]));
    w.repos.push(repo(w.host, 'team/multi2', [image('1.0', 'sha256:' + 'd'.repeat(64), [`${w.host}/team/multi2@${oldIndex}`])]));
    const idx2 = w.reg.index('team/multi2', '1.0', [{ os: 'linux', architecture: 'amd64' }]);
    w.repos.push(repo(w.host, 'team/multi3', [image('1.0', idx2.children[0]?.digest ?? '', [`${w.host}/team/multi3@${oldIndex}`])]));
    w.reg.repos.set('team/multi3', w.reg.repo('team/multi2'));
    const round = await w.updates.check();
    expect(round.results.map((r) => [r.fullName.split('/').slice(1).join('/'), r.status, r.reason])).toEqual([
      ['team/multi', 'up_to_date', 'rebuilt for other platforms only'],
      ['team/multi2', 'update_available', null],
      ['team/multi3', 'up_to_date', 'rebuilt for other platforms only'],
    ]);
    expect(round.results[0]?.remoteDigest).toBe(idx.digest);
    // The decision is remembered with the remote digest: after the TTL, HEAD only.
    w.advance(7 * 3600_000);
    w.server.requests.length = 0;
    const again = await w.updates.check();
    expect(again.results.map((r) => r.status)).toEqual(['up_to_date', 'update_available', 'up_to_date']);
    expect(w.manifestRequests().map((r) => r.method)).toEqual(['HEAD', 'HEAD', 'HEAD']);
  });

  it('reuses fresh results (updates.ttl) and asks again with refresh or after the TTL', async () => {
    const w = await world();
    const pushed = w.reg.image('team/app', 'latest');
    w.repos.push(repo(w.host, 'team/app', [image('latest', 'sha256:' + 'e'.repeat(64), [`${w.host}/team/app@${pushed.digest}`])]));
    await w.updates.check();
    expect(w.manifestRequests()).toHaveLength(1);
    w.advance(3600_000);
    await w.updates.check();
    expect(w.manifestRequests()).toHaveLength(1);
    await w.updates.check({ refresh: true });
    expect(w.manifestRequests()).toHaveLength(2);
    w.advance(6 * 3600_000);
    const round = await w.updates.check();
    expect(w.manifestRequests()).toHaveLength(3);
    expect(round.results[0]?.checkedAt).toBe(new Date(Date.parse('2030-06-01T12:00:00Z') + 7 * 3600_000).toISOString());
    expect(w.server.requests.some((r) => r.url.includes('/tags/list'))).toBe(false); // `latest` has no versions
  });

  it('a registry without Docker-Content-Digest on HEAD: GET for that registry, counted and said', async () => {
    const w = await world({ noDigestHeader: true });
    const a = w.reg.image('team/a', '1.0');
    const b = w.reg.image('team/b', '1.0');
    w.repos.push(repo(w.host, 'team/a', [image('1.0', 'sha256:' + '1'.repeat(64), [`${w.host}/team/a@${a.digest}`])]));
    w.repos.push(repo(w.host, 'team/b', [image('1.0', 'sha256:' + '2'.repeat(64), [`${w.host}/team/b@${b.digest}`])]));
    w.t.settings['updates.concurrency'] = 1;
    const round = await w.updates.check();
    expect(round.results.map((r) => r.status)).toEqual(['up_to_date', 'up_to_date']);
    expect(w.manifestRequests().map((r) => r.method)).toEqual(['HEAD', 'GET', 'GET']);
    expect(round.notes).toEqual([`${w.host} sends no Docker-Content-Digest on HEAD: checked with GET instead (2 requests)`]);
  });

  it('unknown with a reason: the tag is gone, built locally, tagged locally; pinned without a tag', async () => {
    const w = await world();
    w.reg.image('team/app', '2.0');
    const d = 'sha256:' + '3'.repeat(64);
    w.repos.push(
      repo(w.host, 'team/app', [
        image('1.0', 'sha256:' + '4'.repeat(64), [`${w.host}/team/app@${d}`]),
        image('<none>', 'sha256:' + '5'.repeat(64), [`${w.host}/team/app@${d}`]),
        image('dev', 'sha256:' + '6'.repeat(64), []),
        image('copy', 'sha256:' + '7'.repeat(64), [`elsewhere.example/app@${d}`]),
      ]),
    );
    const round = await w.updates.check();
    expect(round.results.map((r) => [r.tag, r.status, r.reason])).toEqual([
      ['1.0', 'unknown', 'the registry does not know this tag any more'],
      ['<none>', 'pinned', null],
      ['dev', 'unknown', 'built locally (no registry digest)'],
      ['copy', 'unknown', 'tagged locally (no digest from this repository)'],
    ]);
    expect(round.results[0]?.newerTags).toEqual(['2.0']);
  });

  it('at most updates.concurrency checks at once', async () => {
    const w = await world();
    let inFlight = 0;
    let most = 0;
    const digest = 'sha256:' + '8'.repeat(64);
    const slow = await startServer(async (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      res.writeHead(200, { 'docker-content-digest': digest, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
      res.end();
    });
    servers.push(slow);
    for (let i = 0; i < 8; i++) w.repos.push(repo(slow.host, `team/app${i}`, [image('latest', `sha256:${String(i).repeat(64)}`, [`${slow.host}/team/app${i}@${digest}`])]));
    w.t.settings['updates.concurrency'] = 3;
    const round = await w.updates.check();
    expect(round.results.map((r) => r.status)).toEqual(Array(8).fill('up_to_date'));
    expect(slow.requests).toHaveLength(8);
    expect(most).toBe(3);
  });
});
