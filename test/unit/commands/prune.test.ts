// `image prune` says what it will do (issue 23): --dry-run lists the images and the bytes (human and --json),
// a terminal sees that list before the question and exactly that list is removed, "no" removes nothing, and
// without a terminal it needs --yes. The engine side is a fake here (the real one: integration/engine/disk).
import { describe, expect, it } from 'vitest';
import { LayerGraph } from '../../../src/domain/diskUsage';
import type { CommandContext } from '../../../src/commands/context';
import { registerImage } from '../../../src/commands/image';
import { Warnings } from '../../../src/commands/output';
import { buildProgram, runProgram } from '../../../src/commands/program';
import type { AppServices } from '../../../src/services/index';
import type { EngineServices, PrunePlan, SetRemoval } from '../../../src/services/engine/index';
import { recordingIo } from '../helpers';

const MB = 1_000_000;
const id = (n: string): string => `sha256:${n.repeat(64).slice(0, 64)}`;
const layer = (n: string): string => `sha256:${n.repeat(64).slice(0, 64)}`;

/** img1 and img2 unused on a base img3 (in use) keeps; img2 kept for rollback is left out by the service. */
function plan(all: boolean): PrunePlan {
  const graph = new LayerGraph([
    { id: id('1'), chain: [layer('b'), layer('c')], sizes: [4 * MB, MB], exact: true, size: 5 * MB, inUse: false, containers: [], label: 'disk/img1:1' },
    { id: id('3'), chain: [layer('b'), layer('e')], sizes: [4 * MB, 3 * MB], exact: true, size: 7 * MB, inUse: true, containers: ['web'], label: 'disk/img3:1' },
  ]);
  const reclaim = graph.plan(all ? [id('1')] : []);
  return {
    ...reclaim,
    all,
    candidates: all ? [{ id: id('1'), names: ['disk/img1:1'], size: 5 * MB, inUse: false, containers: [], unique: MB }] : [],
    kept: [{ id: id('2'), names: ['disk/img2:1'], size: 6 * MB, inUse: false, containers: [] }],
    deletedImages: reclaim.images,
  };
}

const removal = (ids: readonly string[]): SetRemoval => ({
  images: [...ids],
  untagged: ['disk/img1:1'],
  deleted: [...ids, layer('c')],
  spaceReclaimed: MB,
  failed: [],
});

async function prune(argv: string[], options: { tty?: boolean; answer?: string } = {}) {
  const io = recordingIo({}, { tty: options.tty ?? false });
  if (options.answer !== undefined) io.feed(options.answer);
  const calls: Array<{ call: string; args: unknown }> = [];
  const engine = {
    images: {
      prune: async (o: { all?: boolean }) => {
        calls.push({ call: 'images.prune', args: o });
        return removal(plan(o.all ?? false).images);
      },
    },
    disk: {
      prunePlan: async (o: { all?: boolean }) => {
        calls.push({ call: 'prunePlan', args: o });
        return plan(o.all ?? false);
      },
      remove: async (ids: Iterable<string>) => {
        calls.push({ call: 'remove', args: [...ids] });
        return removal([...ids]);
      },
    },
  } as unknown as EngineServices;
  const json = argv.includes('--json');
  const warnings = new Warnings(json ? undefined : (line) => io.stderr.write(`warning: ${line}\n`));
  const ctx: CommandContext = { io, json, warnings, services: { engine: async () => engine } as Partial<AppServices> as AppServices, setExitCode: () => undefined };
  const code = await runProgram(buildProgram(ctx, [(p, c) => registerImage(p, c)]), ctx, ['image', 'prune', ...argv]);
  return { code, out: io.out(), err: io.err(), calls };
}

describe('image prune --dry-run', () => {
  it('lists the images, their sizes, the layers that stay and those kept for rollback; removes nothing', async () => {
    const r = await prune(['--all', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'would remove 1 unused image, freeing 1 MB:',
        '  IMAGE        IMAGE ID      SIZE  UNIQUE',
        '  disk/img1:1  111111111111  5 MB    1 MB',
        '1 layer (4 MB) stays, used by disk/img3:1',
        'kept for rollback: disk/img2:1',
        '',
      ].join('\n'),
    );
    expect(r.calls.map((c) => c.call)).toEqual(['prunePlan']);
  });

  it('--json: the fields a prune answers, and what it looked at', async () => {
    const r = await prune(['--all', '--dry-run', '--json']);
    expect(JSON.parse(r.out)).toEqual({
      dry_run: true,
      all: true,
      deleted: [id('1'), layer('c')],
      untagged: ['disk/img1:1'],
      space_reclaimed: MB,
      images: [{ id: id('1'), names: ['disk/img1:1'], size: 5 * MB, unique_size: MB }],
      kept: [{ id: id('2'), names: ['disk/img2:1'], reason: 'rollback' }],
      layers_staying: { count: 1, bytes: 4 * MB, used_by: ['disk/img3:1'] },
    });
  });

  it('says when there is nothing to remove', async () => {
    expect((await prune(['--dry-run'])).out).toBe('no dangling images to remove\nkept for rollback: disk/img2:1\n');
  });
});

describe('image prune', () => {
  it('off a terminal needs --yes, and says how to see first what it removes', async () => {
    const r = await prune(['--all', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ error: { code: 400, message: 'image prune removes images: confirm with --yes (standard input is not a terminal) (see first what it removes with --dry-run)' } });
    expect(r.calls).toEqual([]);
    expect((await prune(['--all'])).err).toContain('see first what it removes with --dry-run');
  });

  it('on a terminal shows what goes before the question, then removes exactly that', async () => {
    const r = await prune(['--all'], { tty: true, answer: 'y\n' });
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      ['would remove 1 unused image, freeing 1 MB:', '  IMAGE        IMAGE ID      SIZE  UNIQUE', '  disk/img1:1  111111111111  5 MB    1 MB', '1 layer (4 MB) stays, used by disk/img3:1', 'kept for rollback: disk/img2:1', 'Remove this image? [y/N] '].join('\n'),
    );
    expect(r.calls).toEqual([
      { call: 'prunePlan', args: { all: true } },
      { call: 'remove', args: [id('1')] },
    ]);
    expect(r.out).toBe(`untagged: disk/img1:1\ndeleted: ${id('1')}\ndeleted: ${layer('c')}\nTotal reclaimed space: 1 MB\n`);
  });

  it('a "no" (or just Enter) removes nothing and is not an error', async () => {
    for (const answer of ['n\n', '\n']) {
      const r = await prune(['--all', '--json'], { tty: true, answer });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ deleted: [], space_reclaimed: 0, untagged: [], failed: [] });
      expect(r.calls.map((c) => c.call)).toEqual(['prunePlan']);
    }
  });

  it('asks nothing when nothing would go', async () => {
    const r = await prune([], { tty: true });
    expect(r.err).toBe('');
    expect(r.out).toBe('no dangling images to remove\nkept for rollback: disk/img2:1\n');
  });

  it('--yes prunes at once and reports the bytes freed', async () => {
    const r = await prune(['--all', '--yes', '--json']);
    expect(JSON.parse(r.out)).toEqual({ deleted: [id('1'), layer('c')], space_reclaimed: MB, untagged: ['disk/img1:1'], failed: [] });
    expect(r.calls).toEqual([{ call: 'images.prune', args: { all: true } }]);
  });
});
