import { describe, expect, it } from 'vitest';
import type { EngineContainer, EngineImage } from '../../../../src/clients/engine/index';
import { filterLocal, groupLocalImages } from '../../../../src/services/engine/depot';

const img = (id: string, repoTags: string[], created: number, size = 100, repoDigests: string[] = []): EngineImage => ({
  id: `sha256:${id}`,
  repoTags,
  repoDigests,
  created,
  size,
});

const IMAGES: EngineImage[] = [
  img('r7', ['redis:7', 'redis:latest', 'redis:7.2'], 300, 1000, ['redis@sha256:d1']),
  img('r6', ['redis:6'], 200, 900),
  img('ap', ['127.0.0.1:5000/team/app:1.0', 'team/app:dev'], 100, 50),
  img('dang', [], 50, 10),
  img('dang2', [], 60, 20),
  img('bydigest', [], 70, 30, ['alpine@sha256:d2']),
];
const CONTAINERS: EngineContainer[] = [{ id: 'c1', names: ['web'], image: 'redis:6', imageId: 'sha256:r6', state: 'exited' }];

describe('groupLocalImages', () => {
  const repos = groupLocalImages(IMAGES, CONTAINERS);

  it('groups every tag by repository, sorted by name, with <none> last', () => {
    expect(repos.map((r) => [r.name, r.fullName])).toEqual([
      ['127.0.0.1:5000/team/app', '127.0.0.1:5000/team/app'],
      ['alpine', 'docker.io/library/alpine'],
      ['redis', 'docker.io/library/redis'],
      ['team/app', 'docker.io/team/app'],
      ['<none>', ''],
    ]);
  });

  it('orders tags latest first, then newest, then by name; is_latest names the tags of the latest image', () => {
    const redis = repos.find((r) => r.name === 'redis');
    expect(redis?.images.map((i) => i.tag)).toEqual(['latest', '7', '7.2', '6']);
    expect(redis?.isLatest).toEqual(['latest', '7', '7.2']);
    expect(redis?.images[0]).toEqual({ tag: 'latest', id: 'sha256:r7', size: 1000, created: new Date(300_000).toISOString(), inUse: false, digests: ['redis@sha256:d1'] });
  });

  it('marks images used by any container, and the repository', () => {
    const redis = repos.find((r) => r.name === 'redis');
    expect(redis?.images.find((i) => i.tag === '6')?.inUse).toBe(true);
    expect(redis?.inUse).toBe(true);
    expect(repos.find((r) => r.name === 'alpine')?.inUse).toBe(false);
  });

  it('puts dangling images in one <none> result and digest-only images under their repository', () => {
    const none = repos.at(-1);
    expect(none?.images.map((i) => [i.tag, i.id])).toEqual([
      ['<none>', 'sha256:dang2'],
      ['<none>', 'sha256:dang'],
    ]);
    expect(repos.find((r) => r.name === 'alpine')?.images.map((i) => i.tag)).toEqual(['<none>']);
    expect(repos.find((r) => r.name === 'alpine')?.isLatest).toEqual([]);
  });

  it('is stable whatever order the engine lists in', () => {
    expect(groupLocalImages([...IMAGES].reverse(), CONTAINERS)).toEqual(repos);
  });
});

describe('filterLocal', () => {
  const repos = groupLocalImages(IMAGES, CONTAINERS);
  it('keeps repositories by name (all tags), else matching tags or image id prefixes; case-insensitive', () => {
    expect(filterLocal(repos, 'REDIS').map((r) => [r.name, r.images.length])).toEqual([['redis', 4]]);
    expect(filterLocal(repos, 'team/app').map((r) => r.name)).toEqual(['127.0.0.1:5000/team/app', 'team/app']);
    const byTag = filterLocal(repos, ':7.2');
    expect(byTag.map((r) => [r.name, r.images.map((i) => i.tag), r.isLatest])).toEqual([['redis', ['7.2'], ['7.2']]]);
    expect(filterLocal(repos, 'sha256:r6').map((r) => r.images.map((i) => i.tag))).toEqual([['6']]);
    expect(filterLocal(repos, '')).toBe(repos);
    expect(filterLocal(repos, 'zzz')).toEqual([]);
  });
});
