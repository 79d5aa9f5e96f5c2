// Pure presentation of the screens (no rendering): local rows, download texts, the app's words.
import { describe, expect, it } from 'vitest';
import type { DownloadSnapshot, LocalRepository } from '../../../src/domain/images';
import { localRowDeleteRefs, localRows, localRowRef } from '../../../src/ui/screens/depots/local';
import { countsText, downloadBytesText, layerStatus, summary } from '../../../src/ui/screens/downloads/presentation';
import { appWords } from '../../../src/ui/services';

const image = (tag: string, id: string, size: number, created: string, containers?: string[]) => ({ tag, id, size, created, inUse: Boolean(containers), digests: [], ...(containers ? { containers } : {}) });

const web: LocalRepository = {
  name: '127.0.0.1:15000/team/web',
  fullName: '127.0.0.1:15000/team/web',
  images: [
    image('5', 'sha256:5', 50_000_000, '2026-11-20T00:00:00Z'),
    image('4', 'sha256:4', 40_000_000, '2026-10-20T00:00:00Z', ['jellyfin']),
    image('2', 'sha256:4', 40_000_000, '2026-10-20T00:00:00Z', ['jellyfin']),
  ],
  isLatest: [],
  inUse: true,
};
const redis: LocalRepository = { name: 'redis', fullName: 'docker.io/library/redis', images: [image('7', 'sha256:7', 60_000_000, '2026-01-01T00:00:00Z')], isLatest: [], inUse: false };
const dangling: LocalRepository = { name: '<none>', fullName: '', images: [image('<none>', 'sha256:d', 1, '2026-11-29T00:00:00Z')], isLatest: [], inUse: false };

describe('Local rows', () => {
  it('makes one row per image with its tags in that repository', () => {
    const rows = localRows([web, redis, dangling]);
    expect(rows.map((r) => [r.repo.name, r.tags.join(','), r.size])).toEqual([
      ['127.0.0.1:15000/team/web', '5', 50_000_000],
      ['127.0.0.1:15000/team/web', '4,2', 40_000_000],
      ['redis', '7', 60_000_000],
      ['<none>', '<none>', 1],
    ]);
    expect(rows[1]?.containers).toEqual(['jellyfin']);
    expect(localRowDeleteRefs(rows[1]!)).toEqual(['127.0.0.1:15000/team/web:4', '127.0.0.1:15000/team/web:2']);
    expect(localRowRef(rows[1]!)).toBe('127.0.0.1:15000/team/web:4');
    expect(localRowDeleteRefs(rows[3]!)).toEqual(['sha256:d']);
  });

  it('sorts by size or age with the rows of a repository together and dangling images last', () => {
    expect(localRows([web, redis, dangling], 'size').map((r) => r.id)).toEqual(['sha256:7', 'sha256:5', 'sha256:4', 'sha256:d']);
    expect(localRows([web, redis, dangling], 'age').map((r) => r.id)).toEqual(['sha256:5', 'sha256:4', 'sha256:7', 'sha256:d']);
  });
});

const dl = (extra: Partial<DownloadSnapshot>): DownloadSnapshot => ({
  id: 'x',
  name: 'team/web:5',
  ref: 'docker.io/team/web:5',
  platform: null,
  status: 'downloading',
  percent: 12,
  detail: '',
  current: 7_960_000,
  total: 25_200_000,
  speed: null,
  eta: null,
  layers: [],
  error: null,
  digest: null,
  startedAt: '2026-11-25T09:00:00Z',
  finishedAt: null,
  ...extra,
});

describe('download texts', () => {
  it('says the total is what is known so far while layers have no size yet', () => {
    const layers = [
      { id: 'a', status: 'Downloading', current: 7_960_000, total: 25_200_000 },
      { id: 'b', status: 'Pulling fs layer', current: null, total: null },
      { id: 'c', status: 'Waiting', current: null, total: null },
    ];
    expect(downloadBytesText(dl({ layers }))).toBe('7.96 MB / 25.2 MB so far (2 layers not sized yet)');
    expect(downloadBytesText(dl({ layers: layers.slice(0, 1) }))).toBe('7.96 MB / 25.2 MB');
    // What the worker says (`unsized`) holds after the download ended, also from a history without layers.
    expect(downloadBytesText(dl({ status: 'cancelled', layers: [], unsized: 2 }))).toBe('7.96 MB / 25.2 MB so far (2 layers not sized yet)');
    expect(downloadBytesText(dl({ status: 'complete', layers: [], unsized: 0 }))).toBe('7.96 MB / 25.2 MB');
  });

  it('stops calling the layers of a cancelled download Downloading', () => {
    const layer = { id: 'a', status: 'Downloading', current: 1, total: 2 };
    expect(layerStatus(dl({ status: 'cancelled' }), layer)).toBe('Cancelled');
    expect(layerStatus(dl({ status: 'cancelled' }), { ...layer, status: 'Pull complete' })).toBe('Pull complete');
    expect(layerStatus(dl({}), layer)).toBe('Downloading');
  });

  it('does not count a queued download as running', () => {
    const all = [dl({ id: 'a' }), dl({ id: 'b', status: 'waiting', percent: null }), dl({ id: 'c', status: 'complete', percent: 100 })];
    expect(countsText(all)).toBe('1 running, 1 queued, 1 finished');
    expect(summary(all, '↓')).toBe('↓ 1 downloading 12% · 1 queued');
  });
});

describe("the app's words", () => {
  it('says what to do in the app instead of CLI flags', () => {
    expect(appWords('certificate not trusted (pin it with `stevedore registry edit NAME --trust-cert`)')).toBe(
      'certificate not trusted (pin it by turning on "Trust cert" (or giving its CA file) in the registry\'s form (R, then a or e))',
    );
    expect(appWords('see `stevedore image downloads`')).toBe('see the Downloads screen (D)');
  });
});
