// Disk truth (issue 23) on the world's real dockerds (20.10, API 1.41, no SharedSize in /images/json): three
// images on one shared 4 MB layer with own layers of 1, 2 and 3 MB, loaded here (a docker-archive made in
// Node) and removed after. Each image's unique size is its own layer; what a marked pair frees is exactly what
// the engine's /system/df then shows gone; the same on the second engine with the client pinned to API 1.41;
// `image prune --all --dry-run --json` names exactly what `image prune --all --yes` removes, with the same
// bytes (and, where a used image shares the base, not what `docker system df` calls reclaimable); and serve
// answers the same numbers as `image list --json`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/domain/settings';
import { createEngineServices, type EngineServices } from '../../../src/services/engine/index';
import { describeWorld } from '../../world/harness.js';
import { docker, httpRequest, removeAllImages, type WorldInfo } from '../../world/index.js';
import { MB, df, emptyEngine, loadTrio } from './diskWorld.js';
import { BIN, assertBuilt, json, run, session, until, type Session } from './helpers.js';

interface ListImage {
  tag: string;
  id: string;
  size: number;
  unique_size: number | null;
  shared_size: number | null;
}
interface List {
  results: Array<{ name: string; images: ListImage[] }>;
  warnings: string[];
}
interface PruneOut {
  deleted: string[];
  untagged: string[];
  space_reclaimed: number;
}
interface DryRun extends PruneOut {
  dry_run: true;
  images: Array<{ id: string; names: string[]; size: number; unique_size: number }>;
  kept: unknown[];
  layers_staying: { count: number; bytes: number; used_by: string[] };
}

/** A port nothing listens on now (the system picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const byTag = (list: List): Record<string, ListImage> => Object.fromEntries(list.results.flatMap((r) => r.images.map((i) => [`${r.name}:${i.tag}`, i])));

describeWorld('disk truth: what each image costs, and what deleting a choice of them frees', (world: WorldInfo) => {
  let s: Session;
  const dirs: string[] = [];
  const opened: EngineServices[] = [];
  const A = world.dockerSocket;
  const B = world.engineB.socket;

  function services(env: Record<string, string>): EngineServices {
    const configDir = mkdtempSync(join(tmpdir(), 'sd-it-disk-'));
    dirs.push(configDir);
    const e = createEngineServices({
      env: { PATH: process.env.PATH ?? '', ...env },
      configDir,
      settings: defaultSettings,
      credentials: { resolve: async () => undefined },
      registries: () => {
        throw new Error('no registries in this test');
      },
      warn: () => undefined,
      workerCommand: { execPath: process.execPath, args: [BIN, '__worker'] },
    });
    opened.push(e);
    return e;
  }

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    await removeAllImages(world);
    await emptyEngine(B);
  });

  afterAll(async () => {
    for (const e of opened) e.downloads.close();
    await docker(world, ['rm', '-f', 'sd-disk-holder']);
    await removeAllImages(world);
    await emptyEngine(B);
    for (const d of [s.configDir, ...dirs]) rmSync(d, { recursive: true, force: true });
  });

  it("gives each image its own layer as unique and the base as shared, as the engine's /system/df does on 20.10", async () => {
    const ids = await loadTrio(A, 'disk/img');
    const list = await json<List>(s, ['image', 'list']);
    expect(list.warnings).toEqual([]);
    const rows = byTag(list);
    for (const n of [1, 2, 3]) {
      expect(rows[`disk/img${n}:1`]).toMatchObject({ id: ids[`disk/img${n}:1`], size: (4 + n) * MB, unique_size: n * MB, shared_size: 4 * MB });
    }
    // Checked against the engine: per image Size − SharedSize (right on 20.10's layer store), and the layer total.
    const engine = await df(A);
    for (const image of engine.Images) {
      const ours = Object.values(rows).find((r) => r.id === image.Id);
      expect(ours).toMatchObject({ unique_size: image.Size - image.SharedSize, shared_size: image.SharedSize });
    }
    expect(engine.LayersSize).toBe(10 * MB);
    expect(await services({ DOCKER_HOST: world.dockerHost }).disk.summary()).toEqual({ images: 3, bytes: 10 * MB, reclaimable: 10 * MB, unknownLayers: 0 });
  });

  it('says what marking two frees, and deleting them frees exactly that by the engine’s own count', async () => {
    const engine = services({ DOCKER_HOST: world.dockerHost });
    const repos = await engine.images.listLocal();
    const id = (tag: string): string => repos.flatMap((r) => r.images.map((i) => ({ ...i, ref: `${r.name}:${i.tag}` }))).find((i) => i.ref === tag)?.id ?? '';
    const all = await engine.disk.plan([id('disk/img1:1'), id('disk/img2:1'), id('disk/img3:1')], { repos });
    expect(all).toMatchObject({ bytes: 10 * MB, staying: { layers: 0 } });
    const plan = await engine.disk.plan([id('disk/img1:1'), id('disk/img2:1')], { repos });
    expect(plan).toMatchObject({ bytes: 3 * MB, unknownLayers: 0, staying: { layers: 1, bytes: 4 * MB, keptBy: [{ label: 'disk/img3:1' }] } });
    const before = (await df(A)).LayersSize;
    const removed = await engine.disk.remove(plan.images);
    const after = (await df(A)).LayersSize;
    expect(before - after).toBe(plan.bytes);
    expect(removed).toMatchObject({ spaceReclaimed: plan.bytes, failed: [] });
    expect(removed.images.sort()).toEqual([...plan.images].sort());
  });

  it('gives the same figures on the second engine with the client pinned to API 1.41 (no field of 1.42 needed)', async () => {
    const ids = await loadTrio(B, 'disk/img');
    const pinned = { ...s, env: { ...s.env, DOCKER_HOST: world.engineB.host, DOCKER_API_VERSION: '1.41' } };
    const rows = byTag(await json<List>(pinned, ['image', 'list']));
    for (const n of [1, 2, 3]) expect(rows[`disk/img${n}:1`]).toMatchObject({ id: ids[`disk/img${n}:1`], unique_size: n * MB, shared_size: 4 * MB });
    // The pin is really sent: a version the engine does not speak is refused.
    const tooNew = await run({ ...pinned, env: { ...pinned.env, DOCKER_API_VERSION: '1.99' } }, ['image', 'list', '--json']);
    expect(tooNew.code).toBe(1);
    expect(tooNew.stdout).toContain('client version 1.99 is too new');

    const engine = services({ DOCKER_HOST: world.engineB.host, DOCKER_API_VERSION: '1.41' });
    const plan = await engine.disk.plan([ids['disk/img2:1'] ?? '', ids['disk/img3:1'] ?? '']);
    expect(plan).toMatchObject({ bytes: 5 * MB, staying: { layers: 1, bytes: 4 * MB, keptBy: [{ label: 'disk/img1:1' }] } });
    const before = (await df(B)).LayersSize;
    const removed = await engine.disk.remove(plan.images);
    expect(before - (await df(B)).LayersSize).toBe(plan.bytes);
    expect(removed.spaceReclaimed).toBe(plan.bytes);
  });

  it('prune --all --dry-run --json names exactly what prune --all --yes then removes, with the same bytes', async () => {
    await removeAllImages(world);
    const ids = await loadTrio(A, 'disk/img', true);
    // A stopped container holds img3: prune never takes it, and the base layer stays for it.
    const created = await docker(world, ['create', '--name', 'sd-disk-holder', 'disk/img3:1', '/own.bin']);
    expect(created.code, created.stderr).toBe(0);

    const dangling = await json<DryRun>(s, ['image', 'prune', '--dry-run']);
    expect(dangling.images.map((i) => i.id)).toEqual([ids['<none>']]);
    expect(dangling.space_reclaimed).toBe(500_000);

    const dry = await json<DryRun>(s, ['image', 'prune', '--all', '--dry-run']);
    expect(dry.dry_run).toBe(true);
    expect(dry.images.map((i) => i.names.join(',')).sort()).toEqual(['', 'disk/img1:1', 'disk/img2:1']);
    expect(dry.space_reclaimed).toBe(3 * MB + 500_000);
    expect(dry.layers_staying).toEqual({ count: 1, bytes: 4 * MB, used_by: ['disk/img3:1'] });
    const human = await run(s, ['image', 'prune', '--all', '--dry-run']);
    expect(human.stdout).toMatch(/^would remove 3 unused images, freeing 3\.5 MB:\n/);
    expect(human.stdout).toContain('1 layer (4 MB) stays, used by disk/img3:1');

    // What docker system df calls reclaimable here counts the base the used image needs: 7.5 MB, not 3.5 MB.
    const before = await df(A);
    const used = before.Images.filter((i) => i.Containers > 0);
    expect(before.LayersSize - used.reduce((a, i) => a + i.Size - i.SharedSize, 0)).toBe(7.5 * MB);

    const real = await json<PruneOut>(s, ['image', 'prune', '--all', '--yes']);
    const after = await df(A);
    expect([...real.deleted].sort()).toEqual([...dry.deleted].sort());
    expect([...real.untagged].sort()).toEqual([...dry.untagged].sort());
    expect(real.space_reclaimed).toBe(dry.space_reclaimed);
    expect(before.LayersSize - after.LayersSize).toBe(dry.space_reclaimed);
    expect(after.Images.map((i) => i.Id)).toEqual([ids['disk/img3:1']]);

    // Nothing left to prune: said so, nothing removed.
    expect((await run(s, ['image', 'prune', '--all', '--dry-run'])).stdout).toBe('no unused images to remove\n');
  });

  it('serve answers the same unique and shared sizes as image list --json', async () => {
    await docker(world, ['rm', '-f', 'sd-disk-holder']);
    await removeAllImages(world);
    await loadTrio(A, 'disk/srv');
    const cli = byTag(await json<List>(s, ['image', 'list']));
    const password = 'disk-serve-pw-5521';
    expect((await run(s, ['serve', 'passwd', '--password-stdin'], `${password}\n`)).code).toBe(0);
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`], { env: s.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    try {
      await until(async () => err, (t) => t.includes('listening on') || child.exitCode !== null, 30_000, 'serve to listen');
      const login = await httpRequest(`http://127.0.0.1:${port}/api/v1/login`, {
        method: 'POST',
        body: `username=admin&password=${password}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(login.status, login.text()).toBe(200);
      const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
      const served = await httpRequest(`http://127.0.0.1:${port}/api/v1/image/?category=local`, { headers: { cookie } });
      expect(served.status).toBe(200);
      const rows = byTag(served.json() as List);
      for (const n of [1, 2, 3]) {
        const tag = `disk/srv${n}:1`;
        expect(rows[tag]).toMatchObject({ unique_size: n * MB, shared_size: 4 * MB });
        expect(rows[tag]).toMatchObject({ unique_size: cli[tag]?.unique_size, shared_size: cli[tag]?.shared_size });
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.on('close', r)));
    }
  });
});
