// The downloads history file: a file that cannot be used is kept aside (never silently overwritten) with
// one warning, partly broken files keep their valid entries, and records read back are cleaned for display.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/domain/errors';
import { DownloadsClient } from '../../../../src/services/downloads/client';
import { readHistory, writeHistory } from '../../../../src/services/downloads/history';
import { DownloadManager } from '../../../../src/services/downloads/manager';
import { workerPaths } from '../../../../src/services/downloads/paths';
import type { DownloadRecord } from '../../../../src/services/downloads/protocol';
import { serveWorker } from '../../../../src/services/downloads/worker';
import { tempDir } from '../../helpers';

const record = (over: Partial<Record<keyof DownloadRecord, unknown>> = {}): Record<string, unknown> => ({
  id: 'a1',
  name: 'redis:7',
  ref: 'docker.io/library/redis:7',
  platform: null,
  status: 'complete',
  percent: 100,
  detail: '',
  current: null,
  total: null,
  speed: null,
  eta: null,
  layers: [],
  error: null,
  errorCode: null,
  digest: null,
  startedAt: '2024-01-01T00:00:00.000Z',
  finishedAt: '2024-01-01T00:01:00.000Z',
  ...over,
});

/** The files kept aside for `path`, by name. */
const asides = (path: string): string[] =>
  readdirSync(join(path, '..'))
    .filter((f) => f.startsWith(`${path.split('/').pop() ?? ''}.corrupt-`))
    .sort();

describe('readHistory', () => {
  it('reads nothing (and says nothing) when there is no file', () => {
    const warnings: string[] = [];
    expect(readHistory(join(tempDir(), 'downloads.json'), (w) => warnings.push(w))).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('keeps a file that is not JSON aside under a unique name, with one warning', () => {
    const dir = tempDir();
    const path = join(dir, 'downloads.json');
    const warnings: string[] = [];
    writeFileSync(path, '{"version":1,"downloads":[{"id":');
    expect(readHistory(path, (w) => warnings.push(w))).toEqual([]);
    expect(existsSync(path)).toBe(false);
    const kept = asides(path);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^downloads\.json\.corrupt-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(readFileSync(join(dir, kept[0] ?? ''), 'utf8')).toBe('{"version":1,"downloads":[{"id":');
    expect(warnings).toEqual([`the downloads history ${path} is not valid JSON; kept it as ${join(dir, kept[0] ?? '')} and started a new one`]);
    // Read again: nothing there any more, no second warning.
    expect(readHistory(path, (w) => warnings.push(w))).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('never overwrites an earlier corrupt copy, even within the same second', () => {
    const dir = tempDir();
    const path = join(dir, 'downloads.json');
    for (const text of ['one', 'two', '{"downloads": 5}']) {
      writeFileSync(path, text);
      readHistory(path);
    }
    const kept = asides(path);
    expect(kept).toHaveLength(3);
    expect(kept.map((f) => readFileSync(join(dir, f), 'utf8')).sort()).toEqual(['one', 'two', '{"downloads": 5}'].sort());
  });

  it('keeps a file of the wrong shape aside too', () => {
    const path = join(tempDir(), 'downloads.json');
    const warnings: string[] = [];
    writeFileSync(path, '[1, 2, 3]');
    expect(readHistory(path, (w) => warnings.push(w))).toEqual([]);
    expect(warnings[0]).toMatch(/is not in the expected shape; kept it as .*\.corrupt-/);
    expect(asides(path)).toHaveLength(1);
  });

  it('keeps a partly broken file aside and writes back its valid entries', () => {
    const dir = tempDir();
    const path = join(dir, 'downloads.json');
    const original = JSON.stringify({ version: 1, downloads: [record(), { id: 7 }, record({ id: 'b2', status: 'exploded' })] });
    writeFileSync(path, original);
    const warnings: string[] = [];
    expect(readHistory(path, (w) => warnings.push(w)).map((r) => r.id)).toEqual(['a1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/has 2 malformed entries; kept it as .* and kept the valid ones$/);
    const kept = asides(path);
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0] ?? ''), 'utf8')).toBe(original);
    // The file now holds the valid entry only, and reads back without a warning.
    expect(readHistory(path, (w) => warnings.push(w)).map((r) => r.id)).toEqual(['a1']);
    expect(warnings).toHaveLength(1);
  });

  it('cleans terminal controls out of what it reads back (names, errors, details, layers)', () => {
    const path = join(tempDir(), 'downloads.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        downloads: [
          record({
            name: 'redis:7\u001b[2J\u001b]0;owned\u0007',
            status: 'failed',
            error: 'boom\u001b[31m red\nsecond line\u009b1m',
            errorCode: 999,
            detail: 'Downloading\r\u001b[1A',
            platform: 'linux/amd64\u0007',
            layers: [{ id: 'l1\u001b[K', status: 'Pull complete\u001b[0m', current: 1, total: 2 }],
            startedAt: 'not a date',
          }),
        ],
      }),
    );
    const [r] = readHistory(path);
    expect(r).toMatchObject({
      name: 'redis:7',
      error: 'boom red second line',
      errorCode: null,
      detail: 'Downloading',
      platform: 'linux/amd64',
      layers: [{ id: 'l1', status: 'Pull complete', current: 1, total: 2 }],
      startedAt: new Date(0).toISOString(),
    });
  });
});

describe('a corrupt history, met by the worker and by the client', () => {
  it('the worker keeps it aside, warns once, and starts a new history', async () => {
    const dir = tempDir();
    const paths = workerPaths(join(dir, 'cfg'), 'k1');
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.history, 'garbage');
    const warnings: string[] = [];
    const done = serveWorker({
      paths,
      endpoint: 'unix:///test.sock',
      idleMs: 50,
      firstClientMs: 50,
      standalone: false,
      log: () => undefined,
      warn: (w) => warnings.push(w),
      createManager: (history, persist) =>
        new DownloadManager({ run: async () => undefined, classify: (e) => new AppError(502, String(e)), concurrency: () => 1, history, persist }),
    });
    expect(await done).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is not valid JSON; kept it as .*\.corrupt-/);
    const kept = asides(paths.history);
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(paths.dir, kept[0] ?? ''), 'utf8')).toBe('garbage');
    expect(JSON.parse(readFileSync(paths.history, 'utf8'))).toEqual({ version: 1, downloads: [] });
  });

  it('the client (no worker running) keeps it aside and warns through its warn function', async () => {
    const dir = tempDir();
    const paths = workerPaths(join(dir, 'cfg'), 'k2');
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    writeFileSync(paths.history, '{"downloads":');
    const warnings: string[] = [];
    const c = new DownloadsClient({ paths, spawnWorker: () => undefined, warn: (w) => warnings.push(w) });
    expect(await c.list()).toEqual([]);
    expect(await c.list()).toEqual([]);
    c.close();
    expect(warnings).toHaveLength(1);
    expect(asides(paths.history)).toHaveLength(1);
  });

  it('writes records that read back as they were', () => {
    const path = join(tempDir(), 'downloads.json');
    writeHistory(path, [record() as unknown as DownloadRecord]);
    expect(readHistory(path)).toEqual([record()]);
  });
});
