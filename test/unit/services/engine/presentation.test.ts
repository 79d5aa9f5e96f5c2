// The engine side's presentation (src/views: local, downloads, progress) and the formatting it relies on: pure
// functions from results to DESIGN.md's JSON shapes and to lines, tested without a terminal.
import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatDuration, formatRate } from '../../../../src/domain/format';
import type { LocalRepository } from '../../../../src/domain/images';
import { downloadJson } from '../../../../src/views/downloads';
import { localListJson } from '../../../../src/views/local';
import { ASCII_BAR, progressBlock, progressLine, pullProgressJson } from '../../../../src/views/progress';
import type { DownloadRecord } from '../../../../src/services/engine/index';

const record = (over: Partial<DownloadRecord> = {}): DownloadRecord => ({
  id: 'd1',
  name: 'redis:7',
  ref: 'docker.io/library/redis:7',
  platform: null,
  status: 'downloading',
  percent: 42,
  detail: 'aaaa: Downloading',
  current: 420_000,
  total: 1_000_000,
  speed: 250_000,
  eta: 3,
  layers: [
    { id: 'aaaaaaaaaaaa', status: 'Downloading', current: 420_000, total: 700_000 },
    { id: 'bbbbbbbbbbbb', status: 'Already exists', current: null, total: null },
  ],
  error: null,
  errorCode: null,
  digest: null,
  startedAt: new Date().toISOString(),
  finishedAt: null,
  ...over,
});

describe('format', () => {
  it('formats bytes like docker (decimal units, no stray zeros)', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(700_000)).toBe('700 kB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(12_340_000)).toBe('12.3 MB');
    expect(formatBytes(1_000_000_000)).toBe('1 GB');
    expect(formatRate(2_500_000)).toBe('2.5 MB/s');
  });

  it('formats durations and ages', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h02m');
    const now = Date.parse('2024-06-01T00:00:00Z');
    expect(formatAge('2024-05-31T23:59:58Z', now)).toBe('just now');
    expect(formatAge('2024-05-31T22:00:00Z', now)).toBe('2 hours ago');
    expect(formatAge('2022-05-01T00:00:00Z', now)).toBe('2 years ago');
    // Ahead of this machine's clock (it is behind the one that wrote the time): the date, not "just now".
    expect(formatAge('2024-06-01T00:00:30Z', now)).toBe('just now');
    expect(formatAge('2025-05-30T10:00:00Z', now)).toBe('2025-05-30');
  });
});

describe('JSON shapes', () => {
  it('image list (local) has the seed fields plus images[]', () => {
    const repo: LocalRepository = {
      name: 'redis',
      fullName: 'docker.io/library/redis',
      images: [
        { tag: 'latest', id: 'sha256:a', size: 10, created: '2024-01-01T00:00:00.000Z', inUse: true, digests: [] },
        { tag: '7', id: 'sha256:a', size: 10, created: '2024-01-01T00:00:00.000Z', inUse: true, digests: [] },
      ],
      isLatest: ['latest', '7'],
      inUse: true,
    };
    const sizes = new Map([['sha256:a', { unique: 4, shared: 6 }]]);
    expect(localListJson({ filterText: 're', type: '', repos: [repo], downloading: new Set(['docker.io/library/redis']), updates: new Map(), previous: new Map(), sizes, warnings: [] })).toEqual({
      category: 'local',
      filter_text: 're',
      type: '',
      results: [
        {
          name: 'redis',
          description: '',
          icon: '',
          installed: true,
          downloading: true,
          repository: 'local',
          type: 'docker',
          tags: ['latest', '7'],
          size: [10, 10],
          is_latest: ['latest', '7'],
          in_use: true,
          images: [
            { tag: 'latest', id: 'sha256:a', size: 10, created: '2024-01-01T00:00:00.000Z', in_use: true, unique_size: 4, shared_size: 6, update: null, previous: null },
            { tag: '7', id: 'sha256:a', size: 10, created: '2024-01-01T00:00:00.000Z', in_use: true, unique_size: 4, shared_size: 6, update: null, previous: null },
          ],
        },
      ],
      total_count: 1,
      warnings: [],
    });
  });

  it('image pull progress lines and image downloads', () => {
    expect(pullProgressJson(record())).toEqual({
      event: 'progress',
      name: 'redis:7',
      percent: 42,
      status: 'downloading',
      detail: 'aaaa: Downloading',
      current: 420_000,
      total: 1_000_000,
      layers: [
        { id: 'aaaaaaaaaaaa', status: 'Downloading', current: 420_000, total: 700_000 },
        { id: 'bbbbbbbbbbbb', status: 'Already exists', current: null, total: null },
      ],
    });
    const failed = record({ status: 'failed', error: 'interrupted', startedAt: '2026-11-30T10:00:00.000Z', finishedAt: '2026-11-30T10:01:00.000Z' });
    expect(downloadJson({ ...failed, engine: 'two' })).toEqual({
      id: 'd1',
      engine: 'two',
      name: 'redis:7',
      percent: 42,
      status: 'failed',
      error: 'interrupted',
      current: 420_000,
      total: 1_000_000,
      total_known: true,
      started_at: '2026-11-30T10:00:00.000Z',
      finished_at: '2026-11-30T10:01:00.000Z',
    });
  });
});

describe('progress rendering', () => {
  it('draws one line per active layer and an overall line, cut to the terminal width', () => {
    const lines = progressBlock(record(), 100, ASCII_BAR);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^aaaaaaaaaaaa {2}Downloading {9}#{18}-{12} {2}420 kB\/700 kB$/);
    expect(lines[1]).toBe('… 1 more layer');
    expect(lines[2]).toContain('redis:7  downloading   42%');
    expect(lines[2]).toContain('420 kB / 1 MB  250 kB/s  ETA 3s');
    for (const line of progressBlock(record({ name: 'x'.repeat(300) }), 60, ASCII_BAR)) expect(line.length).toBeLessThanOrEqual(59);
  });

  it('summarises in one line for a non-terminal, without repeating the status', () => {
    expect(progressLine(record())).toBe('redis:7: downloading 42% 420 kB / 1 MB 250 kB/s ETA 3s');
    expect(progressLine(record({ status: 'waiting', detail: 'waiting', percent: null, current: null, total: null, speed: null, eta: null }))).toBe('redis:7: waiting');
  });
});
