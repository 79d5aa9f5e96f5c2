// The engine services as the TUI and the remote side use them (in-process), against the world's dockerd:
// engine info, the ports (installed, downloading, platform, local usage), live download snapshots.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/domain/settings';
import { createEngineServices, type DownloadRecord, type EngineServices } from '../../../src/services/engine/index';
import { describeWorld } from '../../world/harness.js';
import { docker, hostPlatform, removeAllImages } from '../../world/index.js';
import { BIN, assertBuilt, until } from './helpers.js';

const dirs: string[] = [];

function services(env: NodeJS.ProcessEnv): EngineServices {
  const configDir = mkdtempSync(join(tmpdir(), 'sd-it-svc-'));
  dirs.push(configDir);
  return createEngineServices({
    env,
    configDir,
    settings: defaultSettings,
    credentials: { resolve: async () => undefined },
    registries: () => {
      throw new Error('no registries in this test');
    },
    warn: () => undefined,
    workerCommand: { execPath: process.execPath, args: [BIN, '__worker'] },
  });
}

describeWorld('engine services in-process', (world) => {
  let engine: EngineServices;

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
    engine = services({ ...process.env, ...world.env, STEVEDORE_WORKER_IDLE_MS: '1000' });
  });

  afterAll(async () => {
    engine.downloads.close();
    await docker(world, ['rm', '-f', 'sd-svc-holder']);
    await removeAllImages(world);
    // The worker goes when idle (1 s); then its files can go too.
    await until(async () => dirs.every((d) => !readdirSync(d).some((f) => f.endsWith('.lock'))), Boolean, 20_000, 'workers gone');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('describes the engine: host, version, platform, image disk usage', async () => {
    const info = await engine.info({ diskUsage: true });
    const p = hostPlatform();
    expect(info).toMatchObject({ host: world.dockerHost, reachable: true, error: null, images: 0 });
    expect(info.version).toMatch(/^20\.10/);
    expect(info.platform).toBe(`${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`);
    expect(await engine.enginePlatform()).toBe(info.platform);
  });

  it('says the engine cannot be reached, in one line, where it is not', async () => {
    const away = services({ ...process.env, DOCKER_HOST: `unix://${join(world.root, 'nothing.sock')}` });
    const info = await away.info();
    expect(info.reachable).toBe(false);
    expect(info.error?.code).toBe(503);
    expect(info.error?.message).toMatch(new RegExp(`^cannot reach the engine at unix://${world.root}/nothing.sock \\(is dockerd running\\?`));
    expect(await away.installedIndex()).toBeNull();
    expect(await away.localUsage()).toBeNull();
    expect(await away.enginePlatform()).toBeNull();
    await expect(away.images.listLocal()).rejects.toMatchObject({ code: 503 });
  });

  it('follows a pull live, then reports what is installed and in use', async () => {
    const seen: DownloadRecord[][] = [];
    const off = engine.downloads.subscribe((all) => seen.push(all));
    expect(await engine.downloadingIndex()).toEqual(new Set());
    const started = await engine.downloads.start('alpine:3.19');
    expect(started).toMatchObject({ name: 'alpine:3.19', ref: 'docker.io/library/alpine:3.19' });
    const final = await engine.downloads.follow(started.id, () => undefined);
    expect(final).toMatchObject({ status: 'complete', percent: 100, digest: world.digests.alpine });
    await until(async () => seen.at(-1)?.find((r) => r.id === started.id)?.status, (s) => s === 'complete', 10_000, 'subscriber saw complete');
    off();
    const installed = await engine.installedIndex();
    expect(installed?.get('docker.io/library/alpine')).toEqual(new Set(['3.19']));
    expect((await engine.localUsage())?.containers).toEqual(new Set());
    const create = await docker(world, ['create', '--name', 'sd-svc-holder', 'alpine:3.19', '/bin/sh']);
    expect(create.code, create.stderr).toBe(0);
    const usage = await engine.localUsage();
    expect(usage?.images.has('docker.io/library/alpine')).toBe(true);
    expect(usage?.containers).toEqual(new Set(['docker.io/library/alpine']));
    const repos = await engine.images.listLocal();
    expect(repos.map((r) => [r.name, r.inUse])).toEqual([['alpine', true]]);
  });
});
