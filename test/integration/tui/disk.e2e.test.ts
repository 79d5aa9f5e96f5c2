// Disk truth in the built app (issue 23 must-show), in a real pseudo-terminal (tmux) against the world's real
// dockerds: three images on a shared 4 MB layer with own layers of 1, 2 and 3 MB. Each image's UNIQUE is its
// own layer; marking two of them says exactly the bytes that the engine's own count (`GET /system/df`, what
// `docker system df` prints) shows freed after `d` deletes them; the same on the second engine with the client
// pinned to API 1.41 (no SharedSize). And issue 22's must-show for prune: an image kept for a rollback is never
// pruned before its time (the app's preview names it), and is once updates.keep_previous says its time is up.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatBytes } from '../../../src/domain/format';
import { describeWorld } from '../../world/harness.js';
import { docker, pushImage, removeAllImages } from '../../world/index.js';
import { MB, df, emptyEngine, loadTrio } from '../engine/diskWorld.js';
import { assertBuilt, json, run, session } from '../engine/helpers.js';
import { type Terminal, openTerminal, withTrace } from './terminal.js';

/** The line over the list once two images are marked, and the bytes it says. */
function marked(screen: string, keeper: string): string {
  const line = screen.split('\n').find((l) => l.includes('2 marked:')) ?? '';
  expect(line, screen).toMatch(new RegExp(`2 marked: 2 images, frees (\\S+ \\S+); 1 layer stays, used by ${keeper.replace(/[/.]/g, '\\$&')}`));
  return /frees (\S+ \S+);/.exec(line)?.[1] ?? '';
}

const rowOf = (screen: string, name: string): string => screen.split('\n').find((l) => l.includes(` ${name} `)) ?? '';

describeWorld('disk truth in the app: UNIQUE, marks and what deleting them frees, on both engines', (world) => {
  const s = session(world);
  const terms: Terminal[] = [];
  const A = world.dockerSocket;
  const B = world.engineB.socket;

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
    await emptyEngine(B);
  });

  afterAll(async () => {
    for (const t of terms) t.stop();
    await removeAllImages(world);
    await emptyEngine(B);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  /** Marks the rows `first` and `first + 1` (counted from the top), checks the line, deletes them with d, y. */
  async function markTwoAndDelete(term: Terminal, socket: string, first: number, keeper: string, gone: string[]): Promise<void> {
    for (let i = 0; i < first; i++) term.key('Down');
    term.key(' ', 'Down', ' ');
    let t = await term.idle('two images marked');
    const says = marked(t, keeper);
    const before = (await df(socket)).LayersSize;
    term.key('d');
    t = await term.idle('the question for the marked set');
    expect(t).toContain('Delete the 2 marked images?');
    expect(t).toContain(`2 images, frees ${says}`);
    term.key('y');
    t = await term.idle('the marked images deleted');
    const freed = before - (await df(socket)).LayersSize;
    // What the app said before is exactly what the engine's own count shows gone, and the app reports it.
    expect(says).toBe(formatBytes(freed));
    expect(t).toContain(`deleted 2 images, freed ${formatBytes(freed)}`);
    for (const name of gone) expect(rowOf(t, name)).toBe('');
    expect(t).not.toContain('marked');
  }

  it('on the first engine: UNIQUE is each image’s own layer; two marked free what /system/df then shows gone', () => {
    const term = openTerminal('disk-a', s, { columns: 100, rows: 30 });
    terms.push(term);
    return withTrace(term, async () => {
      await loadTrio(A, 'disk/ui');
      term.key('r');
      let t = await term.idle('the trio listed');
      for (const n of [1, 2, 3]) expect(rowOf(t, `disk/ui${n}`), t).toMatch(new RegExp(`${4 + n} MB +${n} MB `));
      // The status line follows the engine's events (the loads above), not the key: it is polled for, not
      // waited for with the idle signal (an engine event's reload may still be in its debounce then).
      await term.until('the status line with the trio', (screen) => screen.includes('images 10 MB, 10 MB reclaimable'), 10_000);
      const before = (await df(A)).LayersSize;
      await markTwoAndDelete(term, A, 0, 'disk/ui3:1', ['disk/ui1', 'disk/ui2']);
      expect(before - (await df(A)).LayersSize).toBe(3 * MB);
      t = await term.idle('the list after the delete');
      // The base now belongs to ui3 alone.
      expect(rowOf(t, 'disk/ui3')).toMatch(/7 MB +7 MB /);
    });
  });

  it('on the older engine with the client pinned to API 1.41: the same figures', () => {
    const term = openTerminal('disk-b', s, { columns: 100, rows: 30, env: { DOCKER_HOST: world.engineB.host, DOCKER_API_VERSION: '1.41' } });
    terms.push(term);
    return withTrace(term, async () => {
      await loadTrio(B, 'disk/ui');
      term.key('r');
      const t = await term.idle('the trio listed on engine B');
      for (const n of [1, 2, 3]) expect(rowOf(t, `disk/ui${n}`), t).toMatch(new RegExp(`${4 + n} MB +${n} MB `));
      const before = (await df(B)).LayersSize;
      await markTwoAndDelete(term, B, 1, 'disk/ui1:1', ['disk/ui2', 'disk/ui3']);
      expect(before - (await df(B)).LayersSize).toBe(5 * MB);
    });
  });

  it('issue 22: prune leaves the image kept for a rollback before its time (the preview names it) and removes it after', async () => {
    await removeAllImages(world);
    const plain = world.registries.plain;
    const repo = `disk/keep-${process.pid}`;
    const ref = `${plain.host}/${repo}:latest`;
    const image = (n: number) => ({ layers: [3_000 + n], config: { Cmd: ['/app'] }, created: '2024-05-01T00:00:00Z' });
    await pushImage(plain, repo, 'latest', image(1));
    expect((await docker(world, ['pull', '--quiet', ref])).code).toBe(0);
    const oldId = (await docker(world, ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
    await pushImage(plain, repo, 'latest', image(2));
    const updated = await run(s, ['image', 'update', ref, '--json']);
    expect(updated.code, updated.stderr + updated.stdout).toBe(0);
    expect(updated.stdout).toContain(`"old_id":"${oldId}"`);

    // Before its time: the app's preview and the CLI's dry run leave it out and name it; prune keeps it.
    const term = openTerminal('disk-keep', s, { columns: 100, rows: 30 });
    terms.push(term);
    await withTrace(term, async () => {
      await term.idle('the Local list');
      term.key('x');
      const t = await term.idle('the prune question');
      expect(t).toContain('Prune images?');
      expect(t).toContain('kept for rollback, not pruned:');
      expect(t).toMatch(/a: 1 unused image, frees /);
      term.key('n');
      await term.idle('the question closed');
    });
    const dry = await json<{ images: Array<{ id: string }>; kept: Array<{ id: string }> }>(s, ['image', 'prune', '--all', '--dry-run']);
    expect(dry.kept.map((k) => k.id)).toEqual([oldId]);
    expect(dry.images.map((i) => i.id)).not.toContain(oldId);
    expect((await run(s, ['image', 'prune', '--all', '--yes'])).code).toBe(0);
    expect((await docker(world, ['image', 'inspect', oldId])).code).toBe(0);

    // Its time is up (updates.keep_previous 0: no waiting for a clock): the next prune takes it.
    expect((await run(s, ['config', 'set', 'updates.keep_previous', '0'])).code).toBe(0);
    try {
      const after = await json<{ images: Array<{ id: string }>; kept: unknown[] }>(s, ['image', 'prune', '--all', '--dry-run']);
      expect(after.kept).toEqual([]);
      expect(after.images.map((i) => i.id)).toContain(oldId);
      const pruned = await json<{ deleted: string[] }>(s, ['image', 'prune', '--all', '--yes']);
      expect(pruned.deleted).toContain(oldId);
      expect((await docker(world, ['image', 'inspect', oldId])).code).not.toBe(0);
    } finally {
      await run(s, ['config', 'set', 'updates.keep_previous', '7d']);
    }
  });
});
