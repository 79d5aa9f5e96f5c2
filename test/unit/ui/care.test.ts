// The app side of issue 22, pure parts and the session's ports: which row `b` rolls back and what the line over
// the list says, `latest = …` on the Tags screen, the update question's versions, Inspect's Version and Source
// lines; the update session keeps the replaced image (until when), rolls back (the tag is checked again) and
// describes an update only when its last check says there is one.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/domain/clock';
import type { LocalRepository } from '../../../src/domain/images';
import type { UpdateResult } from '../../../src/domain/updates';
import { defaultSettings } from '../../../src/domain/settings';
import type { UpdateServices } from '../../../src/services/updates/index';
import { createUpdateScheduler } from '../../../src/services/updates/session';
import { localRows } from '../../../src/ui/screens/depots/local';
import { previousText, rollbackTarget } from '../../../src/ui/screens/depots/previous';
import { localInspectLines, versionLines } from '../../../src/ui/screens/inspect/presentation';
import { latestVersions } from '../../../src/ui/screens/tags/presentation';
import { updateVersions } from '../../../src/views/updates';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const OLD = 'sha256:old';
const NEW = 'sha256:new';
const image = (tag: string, id: string) => ({ tag, id, size: 1, created: '2026-11-01T00:00:00Z', inUse: false, digests: [] });
const nginx: LocalRepository = { name: 'nginx', fullName: 'docker.io/library/nginx', images: [image('latest', NEW), image('1.27', NEW), image('<none>', OLD)], isLatest: [], inUse: false };
const kept = { id: OLD, digest: 'sha256:d', replacedAt: '2026-11-28T12:00:00Z', keptUntil: '2026-12-05T12:00:00Z', pin: 'nginx@sha256:d' };

describe('the previous image on Local', () => {
  const rows = localRows([nginx]);
  const [tagged, old] = rows as [(typeof rows)[0], (typeof rows)[0]];
  const previous = new Map([['docker.io/library/nginx:latest', kept]]);

  it('the tagged row rolls its tag back; the old image`s own row rolls the tag it was kept for', () => {
    expect(rollbackTarget(tagged, previous, rows)).toEqual({ tag: 'latest', image: kept, currentId: NEW });
    expect(rollbackTarget(old, previous, rows)).toEqual({ tag: 'latest', image: kept, currentId: NEW });
    expect(rollbackTarget(tagged, new Map(), rows)).toBeNull();
  });

  it('says how long ago, with the tag when the row has several, against the injected clock', () => {
    expect(previousText(tagged, previous, NOW, rows)).toBe('previous of latest: 3 days ago (b rolls back)');
    expect(previousText(old, previous, NOW, rows)).toBe('previous image of latest, replaced 3 days ago (b rolls back)');
    expect(previousText(tagged, previous, NOW + 4 * 86_400_000, rows)).toBe('previous of latest: 1 week ago (b rolls back)');
    expect(previousText(undefined, previous, NOW, rows)).toBe('');
  });
});

describe('latest = versions on the Tags screen', () => {
  const detail = (name: string, digest: string | null, sameAs?: string[]) => ({ name, size: null, lastUpdated: null, digest, platforms: [], ...(sameAs ? { sameAs } : {}) });
  it('from a list with digests (Docker Hub): known, nothing to ask', () => {
    const list = { name: 'nginx', fullName: 'docker.io/library/nginx', installed: [], tags: ['latest', '1.27.3'], details: [detail('latest', 'sha256:1', ['1.27.3', '1.27', 'mainline'])] };
    expect(latestVersions(list, null)).toEqual({ text: 'latest = 1.27.3, also 1.27, mainline', known: true, has: true });
  });
  it('from a list of names: asked on v, then known; no latest tag: nothing to ask', () => {
    const list = { name: 'web', fullName: 'r/web', installed: [], tags: ['latest', '2.1.0'], details: [] };
    expect(latestVersions(list, null)).toEqual({ text: null, known: false, has: true });
    expect(latestVersions(list, ['2.1.0'])).toEqual({ text: 'latest = 2.1.0', known: true, has: true });
    expect(latestVersions(list, [])).toEqual({ text: null, known: true, has: true });
    expect(latestVersions({ ...list, tags: ['2.1.0'] }, null).has).toBe(false);
  });
  it('cleans what a registry says', () => {
    const list = { name: 'x', fullName: 'r/x', installed: [], tags: ['latest'], details: [] };
    expect(latestVersions(list, ['1.0\u001b[31m']).text).toBe('latest = 1.0');
  });
});

describe('the update question and Inspect', () => {
  it('names the versions and the release notes in the notices` words', () => {
    expect(updateVersions({ fromVersion: '1.27.2', toVersion: '1.27.3', releaseNotes: 'https://github.com/o/r/releases' })).toEqual({ change: '1.27.2 → 1.27.3', notes: 'release notes: https://github.com/o/r/releases' });
    expect(updateVersions({ fromVersion: null, toVersion: null, releaseNotes: null })).toEqual({ change: null, notes: null });
    expect(updateVersions(null)).toEqual({ change: null, notes: null });
  });
  it('Inspect shows Version, Source and Releases from the OCI labels; - when absent', () => {
    const labels = { 'org.opencontainers.image.version': '1.27.3', 'org.opencontainers.image.source': 'https://gitlab.com/g/p' };
    expect(versionLines(labels).map((l) => [l.key, l.text])).toEqual([
      ['Version', '1.27.3'],
      ['Source', 'https://gitlab.com/g/p'],
      ['Releases', 'https://gitlab.com/g/p/-/releases'],
    ]);
    expect(versionLines({}).map((l) => [l.key, l.text])).toEqual([
      ['Version', '-'],
      ['Source', '-'],
    ]);
    const lines = localInspectLines({ Id: 'sha256:1', RepoTags: ['x:1'], Config: { Labels: labels } });
    expect(lines.findIndex((l) => l.key === 'Version')).toBe(lines.findIndex((l) => l.key === 'Tags') + 1);
  });
});

describe('the update session: keep, roll back, describe', () => {
  function fake(result: Partial<UpdateResult> = {}) {
    const calls: string[] = [];
    const target = { ref: 'nginx:latest', name: 'nginx', fullName: 'docker.io/library/nginx', tag: 'latest', id: NEW, inUse: false };
    const cached: UpdateResult = { name: 'nginx', fullName: 'docker.io/library/nginx', tag: 'latest', id: NEW, status: 'update_available', reason: null, localDigest: 'sha256:a', remoteDigest: 'sha256:b', newerTags: [], checkedAt: '2026-12-01T11:00:00Z', ...result };
    const service = {
      localTarget: async (ref: string) => (calls.push(`target ${ref}`), target),
      keepPrevious: async (t: { id: string }) => void calls.push(`keep ${t.id}`),
      rollback: async (ref: string) => (calls.push(`rollback ${ref}`), { ref, id: OLD, replacedId: NEW, digest: null, pin: null }),
      cached: async () => new Map([['docker.io/library/nginx:latest', cached]]),
      describe: async (rs: readonly UpdateResult[]) => (calls.push(`describe ${rs.length}`), rs.map((r) => ({ name: r.name, fullName: r.fullName, tag: r.tag, id: r.id, localDigest: r.localDigest, remoteDigest: r.remoteDigest ?? '', fromVersion: '1', toVersion: '2', releaseNotes: null }))),
      check: async () => (calls.push('check'), { results: [], notes: [], requests: { head: 0, get: 0 }, hubRateLimit: null }),
      close: async () => undefined,
    } as unknown as UpdateServices;
    const clock = { ...fixedClock(NOW), setTimeout: () => 0, clearTimeout: () => undefined };
    const settings = { ...defaultSettings(), 'updates.keep_previous': '7d' };
    return { calls, settings, scheduler: (s = settings) => createUpdateScheduler({ updates: async () => service, settings: () => s, clock }) };
  }

  it('keeps the image the tag points at and says until when (null when keep_previous is 0)', async () => {
    const f = fake();
    await expect(f.scheduler().keepPrevious('nginx')).resolves.toEqual({ id: NEW, keptUntil: '2026-12-08T12:00:00.000Z' });
    expect(f.calls).toEqual(['target nginx', `keep ${NEW}`]);
    await expect(f.scheduler({ ...f.settings, 'updates.keep_previous': '0' }).keepPrevious('nginx')).resolves.toBeNull();
  });

  it('rolls back, then asks the registry about that tag again', async () => {
    const f = fake();
    const s = f.scheduler();
    await expect(s.rollback('nginx:latest')).resolves.toMatchObject({ id: OLD, replacedId: NEW });
    await s.close();
    expect(f.calls[0]).toBe('rollback nginx:latest');
    expect(f.calls).toContain('check');
  });

  it('describes an update only when the last check of that image says there is one', async () => {
    await expect(fake().scheduler().describe('nginx')).resolves.toMatchObject({ fromVersion: '1', toVersion: '2' });
    const current = fake({ status: 'up_to_date' });
    await expect(current.scheduler().describe('nginx')).resolves.toBeNull();
    expect(current.calls).not.toContain('describe 1');
    await expect(fake({ id: 'sha256:other' }).scheduler().describe('nginx')).resolves.toBeNull();
  });
});

describe('the update session makes one service', () => {
  it('callers asking at once share it, and close closes it once', async () => {
    let made = 0;
    let closed = 0;
    const service = {
      previous: async () => new Map(),
      cached: async () => new Map(),
      check: async () => ({ results: [], notes: [], requests: { head: 0, get: 0 }, hubRateLimit: null }),
      close: async () => void closed++,
    } as unknown as UpdateServices;
    const clock = { ...fixedClock(NOW), setTimeout: () => 0, clearTimeout: () => undefined };
    const s = createUpdateScheduler({ updates: async () => (made++, service), settings: () => defaultSettings(), clock });
    s.check({ refresh: false });
    await Promise.all([s.previous([]), s.previous([])]);
    await s.close();
    expect([made, closed]).toEqual([1, 1]);
  });
});
