// doctor's LXD / Incus check (issue 22) over a socket answering from recorded answers (test/fixtures/incus): Incus is
// fine with images.linuxcontainers.org; an LXD whose image auto-updates from it is flagged with the fix; the lxc
// client's remotes are read from its config.yml.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLxc, remotesOf } from '../../../../src/services/doctor/lxc';
import { createLxcServices } from '../../../../src/services/lxc/index';
import { defaultSettings } from '../../../../src/domain/settings';
import { startIncusStandIn, type IncusStandIn } from '../../../fixtures/incus/standin';
import { tempDir } from '../../helpers';

const running: IncusStandIn[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const services = (env: NodeJS.ProcessEnv) => {
  const servers: Array<{ name: string; url: string }> = [];
  return createLxcServices({ env, settings: () => defaultSettings(), servers: () => ({ read: () => servers, update: (c) => servers.splice(0, servers.length, ...c(servers)) }) });
};

describe('doctor: LXD / Incus', () => {
  it('skips without a socket, saying where it looked', async () => {
    const dir = tempDir();
    const checks = await checkLxc(services({ LXD_DIR: dir }), { HOME: dir });
    expect(checks).toEqual([expect.objectContaining({ id: 'lxc', status: 'skip', detail: expect.stringContaining(join(dir, 'unix.socket')) })]);
  });

  it('Incus: passes with images.linuxcontainers.org as its built-in server', async () => {
    const dir = tempDir();
    const incus = await startIncusStandIn(join(dir, 'incus'));
    running.push(incus);
    const lxc = services({ INCUS_DIR: incus.dir });
    expect((await lxc.servers.list())[0]?.url).toBe('https://images.linuxcontainers.org');
    expect((await checkLxc(lxc, { HOME: dir })).map((c) => [c.id, c.status])).toEqual([['lxc', 'pass']]);
  });

  it('LXD: an image auto-updating from images.linuxcontainers.org is flagged, with the fix', async () => {
    const dir = tempDir();
    const lxd = await startIncusStandIn(join(dir, 'lxd'), { as: 'lxd' });
    running.push(lxd);
    const lxc = services({ LXD_DIR: lxd.dir });
    expect((await lxc.servers.list())[0]?.url).toBe('https://images.lxd.canonical.com');
    const checks = await checkLxc(lxc, { HOME: dir });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['lxc', 'pass'],
      ['lxc.images', 'fail'],
    ]);
    expect(checks[1]).toMatchObject({ detail: '1 image (alpine/3.20) auto-update from images.linuxcontainers.org, which LXD cannot reach since 2024-05-01', fix: expect.stringContaining('https://images.lxd.canonical.com') });
  });

  it('reads the remotes of an lxc config.yml', () => {
    const yaml = 'default-remote: local\nremotes:\n  images:\n    addr: https://images.linuxcontainers.org\n    protocol: simplestreams\n  "my nas":\n    addr: "https://nas.lan:8443"\naliases: {}\n';
    expect(remotesOf(yaml)).toEqual([
      { name: 'images', addr: 'https://images.linuxcontainers.org' },
      { name: 'my nas', addr: 'https://nas.lan:8443' },
    ]);
  });
});
