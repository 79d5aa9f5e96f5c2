// The Local depot, inspect, rm and prune through the built CLI against the world's real dockerd.
// test:later: dates matter here (image ages (the engine's real clock against the moved one)): npm run test:later runs this file again a year ahead.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { buildImage, docker, removeAllImages, type WorldInfo } from '../../world/index.js';
import { BIN, assertBuilt, json, run, session, workerGone, type Session } from './helpers.js';

interface LocalResult {
  name: string;
  installed: boolean;
  downloading: boolean;
  repository: string;
  type: string;
  tags: string[];
  size: number[];
  is_latest: string[];
  in_use: boolean;
  images: Array<{ tag: string; id: string; size: number; created: string; in_use: boolean }>;
}
interface LocalList {
  category: string;
  filter_text: string;
  type: string;
  results: LocalResult[];
  total_count: number;
  warnings: string[];
}

async function dockerOk(world: WorldInfo, args: string[]): Promise<string> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describeWorld('engine: local images through the CLI', (world) => {
  let s: Session;
  let alpineId = '';

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    await removeAllImages(world);
    await dockerOk(world, ['pull', world.seeded.alpine ?? 'alpine:3.19']);
    await dockerOk(world, ['pull', world.seeded.multi ?? '']);
    await dockerOk(world, ['tag', 'alpine:3.19', 'alpine:latest']);
    await dockerOk(world, ['tag', 'alpine:3.19', 'mine/app:1']);
    alpineId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', 'alpine:3.19']);
    // Two builds under one tag leave the first one dangling.
    await buildImage(world, 'scratchpad:1', { layers: [1000] });
    await buildImage(world, 'scratchpad:1', { layers: [2000] });
    // A stopped container holds mine/app's image (alpine's too: same image).
    await dockerOk(world, ['create', '--name', 'sd-holder', 'mine/app:1', '/bin/sh']);
  });

  afterAll(async () => {
    await docker(world, ['rm', '-f', 'sd-holder']);
    await removeAllImages(world);
    await workerGone(s);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('lists every tag the engine reports, grouped by repository, with sizes and in-use marks', async () => {
    const list = await json<LocalList>(s, ['image', 'list']);
    const engineRows = (await dockerOk(world, ['images', '--no-trunc', '--format', '{{json .}}']))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Repository: string; Tag: string; ID: string });
    const ours = list.results.flatMap((r) => r.images.map((i) => `${r.name}:${i.tag}@${i.id}`)).sort();
    const theirs = engineRows.map((r) => `${r.Repository}:${r.Tag}@${r.ID}`).sort();
    expect(ours).toEqual(theirs);
    expect(list).toMatchObject({ category: 'local', filter_text: '', type: '', total_count: list.results.length, warnings: [] });
    const alpine = list.results.find((r) => r.name === 'alpine');
    expect(alpine).toMatchObject({ installed: true, downloading: false, repository: 'local', type: 'docker', tags: ['latest', '3.19'], is_latest: ['latest', '3.19'], in_use: true });
    expect(alpine?.size).toEqual(alpine?.images.map((i) => i.size));
    expect(alpine?.images.every((i) => i.id === alpineId && i.in_use && i.size > 0)).toBe(true);
    expect(list.results.find((r) => r.name === `${world.registries.plain.host}/team/multi`)?.in_use).toBe(false);
    const none = list.results.at(-1);
    expect(none?.name).toBe('<none>');
    expect(none?.tags).toEqual(['<none>']);
  });

  it('filters by text and renders a table for people', async () => {
    const list = await json<LocalList>(s, ['image', 'list', '--filter', 'APP']);
    expect(list.results.map((r) => r.name)).toEqual(['mine/app']);
    expect(list.filter_text).toBe('APP');
    const human = await run(s, ['image', 'list']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+IN USE$/);
    expect(human.stdout).toMatch(/alpine\s+3\.19\s+[0-9a-f]{12}\s/);
  });

  it('answers 501 for --type lxc and 501 without the registry client for remote categories', async () => {
    // No LXD where this session looks (issue 14: the world's own LXD is reached only with its LXD_DIR).
    const lxc = await run({ ...s, env: { ...s.env, LXD_DIR: '/nonexistent/lxd' } }, ['image', 'list', '--type', 'lxc', '--json']);
    expect(lxc.code).toBe(1);
    expect(JSON.parse(lxc.stdout)).toEqual({ error: { code: 501, message: expect.stringContaining('no LXD or Incus socket found (looked at /nonexistent/lxd/unix.socket)') } });
  });

  it('inspects by REF, short ID, full ID and digest; 404 in the seed words', async () => {
    const byRef = await json<{ Id: string; RepoDigests: string[] }>(s, ['image', 'inspect', 'alpine:3.19']);
    expect(byRef.Id).toBe(alpineId);
    expect((await json<{ Id: string }>(s, ['image', 'inspect', alpineId.slice(7, 19)])).Id).toBe(alpineId);
    expect((await json<{ Id: string }>(s, ['image', 'inspect', alpineId])).Id).toBe(alpineId);
    const digestRef = byRef.RepoDigests[0] ?? '';
    expect((await json<{ Id: string }>(s, ['image', 'inspect', digestRef])).Id).toBe(alpineId);
    const missing = await run(s, ['image', 'inspect', 'lgsd/diamond', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 404, message: 'Image not found: lgsd/diamond' } });
    const human = await run(s, ['image', 'inspect', 'lgsd/diamond']);
    expect(human.stderr).toBe('error: Image not found: lgsd/diamond\n');
  });

  it('rm: untags one of several tags, 409 names the container, --force deletes, 404 for a missing one', async () => {
    const untag = await json<{ name: string; untagged: string[]; deleted: string[] }>(s, ['image', 'rm', 'alpine:latest']);
    expect(untag).toEqual({ name: 'alpine:latest', untagged: ['alpine:latest'], deleted: [] });

    const conflict = await run(s, ['image', 'rm', alpineId.slice(7, 19), '--json']);
    expect(conflict.code).toBe(1);
    const error = (JSON.parse(conflict.stdout) as { error: { code: number; message: string } }).error;
    expect(error.code).toBe(409);
    expect(error.message).toMatch(/sd-holder \([0-9a-f]{12}, (created|exited)\)/);

    const forced = await json<{ untagged: string[]; deleted: string[] }>(s, ['image', 'rm', alpineId, '--force']);
    expect(forced.untagged.sort()).toEqual(expect.arrayContaining(['alpine:3.19', 'mine/app:1']));
    expect(forced.deleted).toContain(alpineId);
    const gone = await docker(world, ['image', 'inspect', alpineId]);
    expect(gone.code).not.toBe(0);

    const missing = await run(s, ['image', 'rm', 'lgsd/diamond', '--json']);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 404, message: 'Image not found: lgsd/diamond' } });
  });

  it('prune needs --yes off a terminal, removes dangling images, then every unused one with --all', async () => {
    const refused = await run(s, ['image', 'prune', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe(400);

    const before = await json<LocalList>(s, ['image', 'list']);
    const danglingIds = before.results.find((r) => r.name === '<none>')?.images.map((i) => i.id) ?? [];
    expect(danglingIds.length).toBeGreaterThan(0);
    const pruned = await json<{ deleted: string[]; space_reclaimed: number }>(s, ['image', 'prune', '--yes']);
    expect(pruned.deleted).toEqual(expect.arrayContaining(danglingIds));
    expect(pruned.space_reclaimed).toBeGreaterThan(0);
    expect((await json<LocalList>(s, ['image', 'list'])).results.some((r) => r.name === '<none>')).toBe(false);

    const all = await json<{ deleted: string[]; space_reclaimed: number }>(s, ['image', 'prune', '--all', '--yes']);
    expect(all.deleted.length).toBeGreaterThan(0);
    const after = await json<LocalList>(s, ['image', 'list']);
    expect(after.results.map((r) => r.name)).not.toContain(`${world.registries.plain.host}/team/multi`);
    const human = await run(s, ['image', 'prune', '--yes']);
    expect(human.stdout).toMatch(/Total reclaimed space: /);
  });
});

describe('bundle', () => {
  it('does not load dockerode for `stevedore --help` (only lazily imported chunks hold it)', () => {
    assertBuilt();
    const staticClosure = new Set<string>();
    const visit = (file: string): void => {
      if (staticClosure.has(file)) return;
      staticClosure.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^"'()]*?from\s*)?["'](\.\.?\/[^"']+)["']/g)) visit(join(dirname(file), m[1] ?? ''));
    };
    visit(BIN);
    expect(staticClosure.size).toBeGreaterThan(1);
    for (const file of staticClosure) expect(readFileSync(file, 'utf8'), file).not.toMatch(/buildRequest|docker-modem|followProgress/);
  });
});
