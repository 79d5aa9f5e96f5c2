// Disk truth on the Local list (issue 23): UNIQUE per image (worked out for the rows on screen first), the
// marks (space, by image ID: through filters, sorts and reloads; gone images drop out; Esc clears), the line
// that says what deleting the marked images frees, `d` deleting the marked set with ONE question (keys typed
// before it was drawn dropped and counted; an image a container uses only by force), and `x` prune with a
// preview of both prunes (images kept for rollback never in it). The disk service here counts with the real
// LayerGraph over made-up layer chains: the trio of the issue, on a shared 4 MB base.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRepository } from '../../src/domain/images';
import { fakeServices, localRepo } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

const MB = 1_000_000;
const idOf = (c: string) => `sha256:${c.repeat(64)}`;
const BASE: [string, number] = ['sha256:base', 4 * MB];

/** img1..img3 on the shared base with own layers of 1, 2 and 3 MB; options add a dangling image or a user. */
function trio(options: { dangling?: boolean; used?: number } = {}): { local: LocalRepository[]; layers: Record<string, Array<[string, number]>> } {
  const local: LocalRepository[] = [];
  const layers: Record<string, Array<[string, number]>> = {};
  for (const n of [1, 2, 3]) {
    const id = idOf(String(n));
    const repo = localRepo(`img${n}`, ['1'], { id, size: (4 + n) * MB, inUse: options.used === n });
    if (options.used === n) for (const i of repo.images) i.containers = ['holder'];
    local.push(repo);
    layers[id] = [BASE, [`sha256:own${n}`, n * MB]];
  }
  if (options.dangling) {
    local.push(localRepo('<none>', ['<none>'], { id: idOf('d'), size: 500_000 }));
    layers[idOf('d')] = [['sha256:loose', 500_000]];
  }
  return { local, layers };
}

const selectedLine = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';
const rowOf = (f: string, name: string) => f.split('\n').find((l) => l.includes(` ${name} `)) ?? '';

describe('UNIQUE on the Local list', () => {
  it("shows each image's own layers, and the engine's bytes and what a prune frees on the status line", async () => {
    const { local, layers } = trio();
    const { services } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    const f = app.frame();
    expect(f).toMatch(/NAME.\s+TAGS\s+IMAGE ID\s+SIZE\s+UNIQUE\s+CREATED/);
    for (const n of [1, 2, 3]) expect(rowOf(f, `img${n}`)).toMatch(new RegExp(`${4 + n} MB +${n} MB `));
    expect(f).toContain('images 10 MB, 10 MB reclaimable');
  });

  it('works UNIQUE out only for the rows on screen, the others as they come into view; all of them to sort by it', async () => {
    const local = Array.from({ length: 120 }, (_, i) => localRepo(`app-${String(i).padStart(3, '0')}`, ['1'], { id: `sha256:${i.toString(16).padStart(64, '0')}`, size: (i + 1) * 1000 }));
    const { services, calls } = fakeServices({ local, disk: {} });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('app-000'), 'local rows');
    await app.settled();
    const first = calls.diskSizes.flat();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(40);
    expect(rowOf(app.frame(), 'app-000')).toMatch(/1 kB +1 kB /);
    await app.press(KEY.end);
    expect(calls.diskSizes.flat()).toContain(local[119]?.images[0]?.id);
    expect(rowOf(app.frame(), 'app-119')).toMatch(/120 kB +120 kB /);
    expect(new Set(calls.diskSizes.flat()).size).toBeLessThan(80);
    // Sorted by UNIQUE: every image is needed; the largest first, the header says so.
    await app.press('s', 's');
    expect(new Set(calls.diskSizes.flat()).size).toBe(120);
    await app.press(KEY.home);
    expect(app.frame()).toMatch(/UNIQUE▼/);
    expect(selectedLine(app.frame())).toContain('app-119');
  });
});

describe('marks', () => {
  it('space marks by image ID; the line says what deleting them frees; marks survive filter, sort and reload; Esc clears', async () => {
    const { local, layers } = trio();
    const { services, engineChanged } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    expect(app.footer()).toContain('Space mark');
    await app.press(' ', 'j', ' ');
    let f = app.frame();
    expect(f).toContain('2 marked: 2 images, frees 3 MB; 1 layer stays, used by img3:1');
    expect(rowOf(f, 'img1')).toMatch(/^ {2}✚ img1/);
    expect(rowOf(f, 'img2')).toMatch(/^› ✚ img2/);
    expect(rowOf(f, 'img3')).toMatch(/^ {4}img3/);
    expect(app.footer()).toContain('Esc unmark all');
    // The third one too: the shared base goes with them.
    await app.press('j', ' ');
    expect(app.frame()).toContain('3 marked: 3 images, frees 10 MB');
    await app.press(' ');
    // A filter, a sort and a reload keep the marks.
    await app.press('/');
    await app.type('img1');
    await app.press(KEY.enter);
    expect(app.frame()).toContain('2 marked: 2 images, frees 3 MB');
    await app.press('/', KEY.escape);
    await app.press('s');
    local.push(localRepo('img4', ['1'], { id: idOf('4'), size: MB }));
    engineChanged();
    await app.waitFor((x) => x.includes('img4'), 'the reload');
    await app.settled();
    f = app.frame();
    expect(f).toContain('2 marked: 2 images, frees 3 MB');
    expect(rowOf(f, 'img1')).toContain('✚');
    // Esc clears them (and then Esc is the app's again).
    await app.press(KEY.escape);
    expect(app.frame()).not.toContain('marked');
    expect(app.frame()).not.toContain('✚');
    expect(app.footer()).not.toContain('unmark');
  });

  it('a marked image that is gone drops out of the marks', async () => {
    const { local, layers } = trio();
    const { services, engineChanged } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    await app.press(' ', 'j', ' ');
    expect(app.frame()).toContain('2 marked');
    // Deleted elsewhere (another shell): the engine's event reloads the list.
    await services.local.remove('img1:1', { force: false });
    engineChanged();
    await app.waitFor((x) => !x.includes('img1'), 'the reload');
    await app.settled();
    expect(app.frame()).toContain('1 marked: 1 image, frees 2 MB; 1 layer stays, used by img3:1');
  });

  it('d deletes the marked set with one question: keys typed before it are dropped; it says the bytes freed and clears the marks', async () => {
    const { local, layers } = trio();
    const { services, calls } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    await app.press(' ', 'j', ' ');
    // `dy` in one read: the question opens, y is dropped and counted.
    app.write('dy');
    await app.settled();
    let f = app.frame();
    expect(f).toContain('Delete the 2 marked images?');
    expect(f).toContain('img1:1, img2:1');
    expect(f).toContain('2 images, frees 3 MB; 1 layer stays, used by img3:1');
    expect(f).toContain('1 key typed before this question was ignored');
    expect(calls.diskRemoved).toEqual([]);
    await app.press(KEY.enter);
    expect(calls.diskRemoved).toEqual([]);
    await app.press('y');
    expect(calls.diskRemoved).toEqual([[idOf('1'), idOf('2')]]);
    // Only one question for the set, no second one after it.
    f = app.frame();
    expect(f).not.toContain('Delete');
    expect(f).toContain('deleted 2 images, freed 3 MB');
    expect(f).not.toContain('marked');
    expect(f).not.toContain('img1');
    expect(rowOf(f, 'img3')).toMatch(/7 MB +7 MB /);
  });

  it('an image a container uses in the set: y deletes the others, f also untags it (as the single delete, only by force)', async () => {
    const { local, layers } = trio({ used: 3 });
    const { services, calls } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    await app.press(' ', 'j', 'j', ' ');
    expect(app.frame()).toContain('2 marked: 1 image, frees 1 MB; 1 layer stays, used by img2:1 and img3:1; 1 in use by a container');
    await app.press('d');
    const f = app.frame();
    expect(f).toContain('used by a container: img3:1 (holder)');
    expect(f).toMatch(/y yes +f force +n no/);
    await app.press('f');
    expect(calls.diskRemoved).toEqual([[idOf('1')]]);
    expect(calls.removed).toEqual([{ ref: 'img3:1', force: true }]);
    expect(app.frame()).toContain('deleted 1 image, freed 1 MB; untagged img3:1');
  });

  it('with only images a container uses marked, only f is offered', async () => {
    const { local, layers } = trio({ used: 1 });
    const { services, calls } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    await app.press(' ', 'd');
    expect(app.frame()).toMatch(/f force +n no/);
    expect(app.frame()).not.toMatch(/y yes/);
    await app.press('y');
    expect(app.footer()).toBe('y: answer f or n');
    await app.press('n');
    expect(calls.removed).toEqual([]);
    expect(app.frame()).toContain('1 marked');
  });
});

describe('prune from the app', () => {
  it('x previews both prunes (images and bytes), names the image kept for rollback, and a prunes every unused image', async () => {
    const { local, layers } = trio({ dangling: true, used: 3 });
    const { services, calls } = fakeServices({ local, disk: { layers, kept: [idOf('2')] } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    expect(app.footer()).toContain('x prune');
    // `xa` in one read: the question opens after the plans; a is dropped and counted.
    app.write('xa');
    await app.settled();
    const f = app.frame();
    expect(f).toContain('Prune images?');
    expect(f).toMatch(/y: 1 dangling image, frees 500 kB:/);
    expect(f).toMatch(/<none> d{12} \(500 kB\)/);
    expect(f).toMatch(/a: 2 unused images, frees 1\.5 MB:/);
    expect(f).toContain('img1:1 (1 MB)');
    expect(f).toContain('(a) 1 layer (4 MB) stays, used by img2:1, img3:1');
    expect(f).toContain('kept for rollback, not pruned: img2:1');
    expect(f).toMatch(/y dangling +a all unused +n no/);
    expect(f).toContain('1 key typed before this question was ignored');
    expect(calls.pruned).toEqual([]);
    await app.press('a');
    expect(calls.pruned).toEqual([true]);
    expect(app.frame()).toContain('pruned 2 images, freed 1.5 MB');
    expect(app.frame()).not.toContain(' img1 ');
    expect(app.frame()).toContain(' img2 ');
  });

  it('y prunes only the dangling images; with nothing to prune it says so and asks nothing', async () => {
    const { local, layers } = trio({ dangling: true });
    const { services, calls } = fakeServices({ local, disk: { layers } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('img3'), 'local rows');
    await app.settled();
    await app.press('x');
    await app.press('y');
    expect(calls.pruned).toEqual([false]);
    expect(app.frame()).toContain('pruned 1 image, freed 500 kB');

    const used = fakeServices({ local: trio({ used: 1 }).local.slice(0, 1), disk: {} });
    cleanup();
    const again = renderApp(used.services);
    await again.waitFor((f) => f.includes('img1'), 'local rows');
    await again.settled();
    await again.press('x');
    expect(again.frame()).toContain('nothing to prune: no image is dangling or unused');
    expect(again.frame()).not.toContain('Prune images?');
    expect(used.calls.pruned).toEqual([]);
  });
});
