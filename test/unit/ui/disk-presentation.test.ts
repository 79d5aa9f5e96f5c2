// The words of disk truth on Local (issue 23), without rendering: names wrapped into a question's lines, the
// prune question built from the two plans (what it offers, what it names), UNIQUE's cell.
import { describe, expect, it } from 'vitest';
import type { PrunePlan } from '../../../src/services/engine/diskUsage';
import { localCells, localRows } from '../../../src/ui/screens/depots/local';
import { nameLines } from '../../../src/ui/screens/depots/useMarks';
import { pruneQuestion } from '../../../src/ui/screens/depots/usePruneAction';
import { createTheme } from '../../../src/ui/theme/theme';

const MB = 1_000_000;
const plan = (all: boolean, candidates: Array<{ id: string; names: string[]; unique: number | null }>, extra: Partial<PrunePlan> = {}): PrunePlan => ({
  all,
  images: candidates.map((c) => c.id),
  inUse: [],
  missing: [],
  layers: [],
  bytes: candidates.reduce((a, c) => a + (c.unique ?? 0), 0),
  unknownLayers: 0,
  staying: { layers: 0, bytes: 0, keptBy: [] },
  candidates: candidates.map((c) => ({ ...c, size: c.unique ?? 0, inUse: false, containers: [] })),
  kept: [],
  deletedImages: candidates.map((c) => c.id),
  ...extra,
});

describe('nameLines', () => {
  it('wraps names at the width and says how many more did not fit', () => {
    expect(nameLines(['a:1', 'b:2'], 20, 3)).toEqual(['a:1, b:2']);
    expect(nameLines(['alpha:1', 'bravo:2', 'charlie:3', 'delta:4'], 17, 2)).toEqual(['alpha:1, bravo:2,', 'charlie:3, and 1 more']);
  });
});

describe('pruneQuestion', () => {
  const dangling = plan(false, [{ id: 'sha256:dd', names: [], unique: 500_000 }]);
  const unused = plan(true, [
    { id: 'sha256:dd', names: [], unique: 500_000 },
    { id: 'sha256:11', names: ['web:1'], unique: MB },
  ]);

  it('offers y for the dangling images and a for all unused ones, each with its images and bytes', () => {
    const q = pruneQuestion(dangling, unused);
    expect(q?.answers).toEqual(['yes', 'all']);
    expect(q?.words).toEqual({ yes: 'dangling', all: 'all unused' });
    expect(q?.lines).toContain('y: 1 dangling image, frees 500 kB:');
    expect(q?.lines).toContain('a: 2 unused images, frees 1.5 MB:');
    expect(q?.lines.join('\n')).toContain('web:1 (1 MB)');
  });

  it('offers only what removes something, names the images kept for rollback, and asks nothing when nothing goes', () => {
    const none = plan(false, []);
    const kept = { id: 'sha256:22', names: ['web:0'], size: MB, inUse: false, containers: [] };
    const q = pruneQuestion(none, plan(true, [{ id: 'sha256:11', names: ['web:1'], unique: MB }], { kept: [kept] }));
    expect(q?.answers).toEqual(['all']);
    expect(q?.lines).toContain('no dangling images');
    expect(q?.lines).toContain('kept for rollback, not pruned: web:0');
    expect(pruneQuestion(none, plan(true, [], { kept: [kept] }))).toBeNull();
    // All unused that are all dangling: a would do what y does, so only y.
    expect(pruneQuestion(dangling, plan(true, [{ id: 'sha256:dd', names: [], unique: 500_000 }]))?.answers).toEqual(['yes']);
  });
});

describe('the UNIQUE cell', () => {
  const theme = createTheme({ LANG: 'en_US.UTF-8', NO_COLOR: '1' });
  const ascii = createTheme({ LANG: 'C', NO_COLOR: '1' });
  const repo = { name: 'web', fullName: 'docker.io/library/web', images: [{ tag: '1', id: 'sha256:11', size: 5 * MB, created: '2026-11-20T10:00:00Z', inUse: false, digests: [] }], isLatest: [], inUse: false };
  const [row] = localRows([repo]);
  const cell = (unique: Map<string, { unique: number | null; shared: number | null }> | undefined, t = theme) => (row ? localCells(row, { theme: t, now: 0, downloading: false, ...(unique ? { unique } : {}) })[5] : '');

  it('says the bytes once known, — (- in ASCII) until then, ? when the engine cannot tell', () => {
    expect(cell(new Map([['sha256:11', { unique: MB, shared: 4 * MB }]]))).toBe('1 MB');
    expect(cell(new Map())).toBe('—');
    expect(cell(new Map(), ascii)).toBe('-');
    expect(cell(new Map([['sha256:11', { unique: null, shared: null }]]))).toBe('?');
  });
});
