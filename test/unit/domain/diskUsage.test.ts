// The counting of issue 23 on constructed layer chains: unique/shared per image, what a set frees (layers
// shared only within the set count as freed; the rest stay, with the images that keep them), the history →
// layer sizes match, the images the engine deletes with their parents, and the footer's sentence.
import { describe, expect, it } from 'vitest';
import { type DiskImage, LayerGraph, imagesDeleted, reclaimSummary } from '../../../src/domain/diskUsage';
import { layerSizesFromHistory } from '../../../src/domain/layerHistory';

const MB = 1_000_000;
const L = (name: string): string => `sha256:${name.padEnd(64, '0')}`;

/** An image on layers given as [chain id, size] pairs. */
function image(id: string, layers: Array<[string, number]>, extra: Partial<DiskImage> = {}): DiskImage {
  return {
    id: L(id),
    chain: layers.map(([c]) => L(c)),
    sizes: layers.map(([, s]) => s),
    exact: true,
    size: layers.reduce((a, [, s]) => a + s, 0),
    inUse: false,
    containers: [],
    label: `${id}:1`,
    ...extra,
  };
}

// The must-show case: one 4 MB base layer, own layers of 1, 2 and 3 MB.
const trio = (): DiskImage[] => [image('a', [['b', 4 * MB], ['a1', 1 * MB]]), image('b', [['b', 4 * MB], ['b1', 2 * MB]]), image('c', [['b', 4 * MB], ['c1', 3 * MB]])];

describe('LayerGraph: what one image costs', () => {
  it('unique = its own layers, shared = the layers others hold too', () => {
    const g = new LayerGraph(trio());
    expect(g.sizes(L('a'))).toEqual({ unique: 1 * MB, shared: 4 * MB });
    expect(g.sizes(L('b'))).toEqual({ unique: 2 * MB, shared: 4 * MB });
    expect(g.sizes(L('c'))).toEqual({ unique: 3 * MB, shared: 4 * MB });
    expect(g.totals()).toEqual({ layers: 4, bytes: 10 * MB, unknownLayers: 0 });
  });

  it('counts a layer by its chain: the same diff on another base is another layer', () => {
    // x and y both add a layer with the same diff, but on different bases: different chain IDs, nothing shared.
    const g = new LayerGraph([image('x', [['base-x', MB], ['x-top', 5]]), image('y', [['base-y', MB], ['y-top', 5]])]);
    expect(g.sizes(L('x'))).toEqual({ unique: MB + 5, shared: 0 });
  });

  it('a parent whose every layer a child holds costs nothing on its own (docker/cli #5012: it is not a bug)', () => {
    const g = new LayerGraph([image('base', [['b', 4 * MB]]), image('app', [['b', 4 * MB], ['app', MB]])]);
    expect(g.sizes(L('base'))).toEqual({ unique: 0, shared: 4 * MB });
    expect(g.sizes(L('app'))).toEqual({ unique: MB, shared: 4 * MB });
  });

  it('takes a layer size known from another image when this image’s history did not match, else the image size', () => {
    const unmatched = { ...image('c', [['b', 4 * MB], ['c1', 3 * MB]]), sizes: null, exact: false };
    const g = new LayerGraph([image('a', [['b', 4 * MB], ['a1', MB]]), unmatched]);
    // b's size comes from a; c1 is the rest of c's size.
    expect(g.sizes(L('c'))).toEqual({ unique: 3 * MB, shared: 4 * MB });
    const alone = new LayerGraph([{ ...unmatched }, { ...image('d', [['b', 4 * MB]]), sizes: null, exact: false }]);
    // Neither size is known: c's unique is its size minus nothing known, but its shared part is unknown too.
    expect(alone.sizes(L('c'))).toEqual({ unique: null, shared: null });
    expect(alone.sizes(L('d'))).toEqual({ unique: 0, shared: 4 * MB });
  });

  it('prefers a layer size from a history that matched exactly over one that was guessed', () => {
    const guessed = { ...image('g', [['b', 999], ['g1', 1]]), exact: false };
    const g = new LayerGraph([guessed, image('a', [['b', 4 * MB], ['a1', MB]])]);
    expect(g.layerSize(L('b'))).toBe(4 * MB);
  });

  it('answers null for an image it does not know', () => {
    expect(new LayerGraph(trio()).sizes(L('nope'))).toEqual({ unique: null, shared: null });
  });
});

describe('LayerGraph.plan: what deleting a set frees', () => {
  it('two of three: their own layers; the base stays, used by the third', () => {
    const plan = new LayerGraph(trio()).plan([L('a'), L('b')]);
    expect(plan.images).toEqual([L('a'), L('b')]);
    expect(plan.bytes).toBe(3 * MB);
    expect(plan.layers.sort()).toEqual([L('a1'), L('b1')].sort());
    expect(plan.staying).toEqual({ layers: 1, bytes: 4 * MB, keptBy: [{ id: L('c'), label: 'c:1', layers: 1, bytes: 4 * MB, containers: [] }] });
    expect(reclaimSummary(plan)).toBe('2 images, frees 3 MB; 1 layer stays, used by c:1');
  });

  it('all three: a layer shared only within the set is freed too', () => {
    const plan = new LayerGraph(trio()).plan([L('a'), L('b'), L('c'), L('a')]);
    expect(plan.bytes).toBe(10 * MB);
    expect(plan.staying.layers).toBe(0);
    expect(reclaimSummary(plan)).toBe('3 images, frees 10 MB');
  });

  it('an image a container uses is not deleted: its layers stay and it is named', () => {
    const images = trio().map((i) => (i.id === L('c') ? { ...i, inUse: true, containers: ['web'] } : i));
    const plan = new LayerGraph(images).plan([L('a'), L('c'), L('gone')]);
    expect(plan.images).toEqual([L('a')]);
    expect(plan.inUse).toEqual([{ id: L('c'), label: 'c:1', containers: ['web'] }]);
    expect(plan.missing).toEqual([L('gone')]);
    expect(plan.bytes).toBe(MB);
    expect(plan.staying.keptBy.map((k) => k.label).sort()).toEqual(['b:1', 'c:1']);
    expect(reclaimSummary(plan)).toBe('1 image, frees 1 MB; 1 layer stays, used by b:1 and c:1; 1 in use by a container (not deleted)');
  });

  it('names at most two keepers, then how many more', () => {
    const many = [...trio(), image('d', [['b', 4 * MB]]), image('e', [['b', 4 * MB]])];
    expect(reclaimSummary(new LayerGraph(many).plan([L('a')]))).toBe('1 image, frees 1 MB; 1 layer stays, used by b:1, c:1 and 2 more');
  });

  it('says "at least" when a layer that goes has no known size', () => {
    const odd = { ...image('z', [['z1', 5]]), sizes: null, exact: false };
    const plan = new LayerGraph([odd]).plan([L('z')]);
    expect(plan).toMatchObject({ bytes: 0, unknownLayers: 1 });
    expect(reclaimSummary(plan)).toBe('1 image, frees at least 0 B');
  });

  it('is what prune --all frees when a used image shares layers with unused ones, unlike docker system df’s RECLAIMABLE', () => {
    // docker's CLI: reclaimable = LayersSize − Σ(used images' Size − SharedSize) = 10 − (7 − 4) = 7 MB.
    // Deleting a and b frees 3 MB: the 4 MB base stays for the used image c.
    const images = trio().map((i) => (i.id === L('c') ? { ...i, inUse: true } : i));
    const g = new LayerGraph(images);
    const dockerSays = g.totals().bytes - ((g.sizes(L('c')).unique ?? 0));
    expect(dockerSays).toBe(7 * MB);
    expect(g.plan(images.filter((i) => !i.inUse).map((i) => i.id)).bytes).toBe(3 * MB);
  });
});

describe('layerSizesFromHistory', () => {
  const h = (...steps: Array<[string, number]>) => steps.reverse().map(([createdBy, size]) => ({ createdBy, size })); // given oldest first

  it('one entry per layer: sizes as they are', () => {
    expect(layerSizesFromHistory(h(['shared', 4 * MB], ['own', MB]), 2)).toEqual({ sizes: [4 * MB, MB], exact: true });
  });

  it('skips steps that make no layer (classic #(nop) metadata, BuildKit ENV/CMD)', () => {
    const classic = h(
      ['/bin/sh -c #(nop) COPY file:06a7 in / ', 1000],
      ['/bin/sh -c #(nop)  ENV X=1', 0],
      ['/bin/sh -c #(nop) COPY file:2b74 in /zero ', 0],
      ['/bin/sh -c #(nop)  LABEL a=b', 0],
      ['/bin/sh -c #(nop) WORKDIR /w', 0],
      ['/bin/sh -c #(nop)  CMD ["/a.bin"]', 0],
    );
    // What the world's dockerd (20.10, classic builder) answers: 3 layers (COPY, COPY of an empty file, WORKDIR).
    expect(layerSizesFromHistory(classic, 3)).toEqual({ sizes: [1000, 0, 0], exact: true });
    const buildkit = h(['ADD alpine.tar / # buildkit', 7 * MB], ['CMD ["/bin/sh"]', 0], ['RUN /bin/sh -c true # buildkit', 0], ['ENV A=1', 0], ['COPY app / # buildkit', 300]);
    expect(layerSizesFromHistory(buildkit, 3)).toEqual({ sizes: [7 * MB, 0, 300], exact: true });
  });

  it('guesses (not exact) when more steps could have made the empty layers than there are', () => {
    const steps = h(['COPY a / # buildkit', 10], ['RUN /bin/sh -c true # buildkit', 0], ['WORKDIR /x', 0], ['COPY b / # buildkit', 20]);
    expect(layerSizesFromHistory(steps, 3)).toEqual({ sizes: [10, 0, 20], exact: false });
  });

  it('is null when the history cannot be the layers', () => {
    expect(layerSizesFromHistory([], 2)).toBeNull();
    expect(layerSizesFromHistory(h(['a', 1], ['b', 2], ['c', 3]), 2)).toBeNull();
    expect(layerSizesFromHistory(h(['a', 1], ['ENV x=1', 0]), 2)).toBeNull();
    expect(layerSizesFromHistory([], 0)).toEqual({ sizes: [], exact: true });
  });
});

describe('imagesDeleted: what the engine deletes when asked to delete a set', () => {
  const line = (id: string, parentId = '', referenced = true, inUse = false) => ({ id, parentId, referenced, inUse });

  it('takes the untagged parents of a classic build along with their last child', () => {
    const lineage = [line('step2', 'step1', false), line('step1', 'base', false), line('app', 'step2'), line('base')];
    expect(imagesDeleted(['app'], lineage)).toEqual(['app', 'step2', 'step1']);
    // base is tagged: it stays unless asked for; asked for too, it goes (its only child goes).
    expect(imagesDeleted(['app', 'base'], lineage).sort()).toEqual(['app', 'base', 'step1', 'step2']);
  });

  it('keeps a parent another child still needs, and an image something is built on is only untagged', () => {
    const lineage = [line('a', 'mid'), line('b', 'mid'), line('mid', 'base', false), line('base')];
    expect(imagesDeleted(['a'], lineage)).toEqual(['a']);
    expect(imagesDeleted(['a', 'b'], lineage).sort()).toEqual(['a', 'b', 'mid']);
    expect(imagesDeleted(['base'], lineage)).toEqual([]);
  });

  it('keeps a parent a container uses', () => {
    const lineage = [line('a', 'mid'), line('mid', '', false, true)];
    expect(imagesDeleted(['a'], lineage)).toEqual(['a']);
  });
});
