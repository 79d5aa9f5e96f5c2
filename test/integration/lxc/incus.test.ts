// LXC defaults that still work (issue 22). Incus cannot run on this Debian 12 machine, so its dialect is tested
// against recorded Incus answers served over a unix socket (test/fixtures/incus/standin.ts) and its feed with
// `incus.tar.xz` items over HTTPS; LXD is the world's real one. The built-in `images` server follows what answers
// (Incus → images.linuxcontainers.org, LXD → images.lxd.canonical.com) and doctor flags LXD pointed at the old one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIncusFeed, startIncusStandIn, type IncusStandIn } from '../../fixtures/incus/standin.js';
import { makeTlsMaterial } from '../../world/certs.js';
import { describeWorld } from '../../world/harness.js';
import { assertBuilt, json, run, session, workerGone, type Session } from '../engine/helpers.js';

interface Check {
  id: string;
  status: string;
  detail: string;
  fix?: string;
}

describeWorld('LXC: Incus and LXD defaults', (world) => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-incus-'));
  let incus: IncusStandIn;
  let feed: Awaited<ReturnType<typeof startIncusFeed>>;
  let s: Session;

  beforeAll(async () => {
    assertBuilt();
    const tls = await makeTlsMaterial(join(dir, 'certs'), ['127.0.0.1']);
    [incus, feed] = await Promise.all([startIncusStandIn(join(dir, 'incus')), startIncusFeed(tls)]);
    s = session(world, { INCUS_DIR: incus.dir, NODE_EXTRA_CA_CERTS: tls.caFile });
  });

  afterAll(async () => {
    await Promise.all([incus?.close(), feed?.close()]);
    if (s) {
      await workerGone(s);
      rmSync(s.configDir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Incus (recorded answers over its socket)', () => {
    it('lists Incus`s images and makes images.linuxcontainers.org the built-in server', async () => {
      const list = await json<{ results: Array<{ name: string; fingerprint: string; type: string }> }>(s, ['image', 'list', '--type', 'lxc']);
      expect(list.results).toEqual([expect.objectContaining({ name: 'alpine/3.20', type: 'lxc', fingerprint: '8d8fd4b0d5d3e1f9b2a1c0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7' })]);
      const servers = await json<Array<{ name: string; url: string }>>(s, ['lxd-server', 'list']);
      expect(servers[0]).toMatchObject({ name: 'images', url: 'https://images.linuxcontainers.org' });
    });

    it('doctor says Incus and does not flag images.linuxcontainers.org for it', async () => {
      const r = await run(s, ['doctor', '--json']);
      const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks.filter((c) => c.id.startsWith('lxc'));
      expect(checks).toEqual([expect.objectContaining({ id: 'lxc', status: 'pass', detail: expect.stringMatching(/^Incus 6\.0\.4 at .*unix\.socket; the built-in image server "images" is https:\/\/images\.linuxcontainers\.org$/) })]);
    });

    it('reads a feed with incus.tar.xz items and downloads through Incus (no X-LXD-* header, no /1.0/containers)', async () => {
      expect((await run(s, ['lxd-server', 'add', 'feed', '--url', feed.url])).code).toBe(0);
      const remote = await json<{ results: Array<{ name: string; fingerprint: string; variant?: string }> }>(s, ['image', 'list', '--type', 'lxc', '--category', 'remote', '--server', 'feed']);
      const byName = new Map(remote.results.map((x) => [x.name, x.fingerprint]));
      expect(byName.get('debian/trixie/default')).toBe('a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6');
      expect(byName.get('debian/trixie/cloud')).toBe('d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5');
      const pulled = await run(s, ['image', 'pull', '--type', 'lxc', 'debian/trixie', '--server', 'feed', '--json']);
      expect(pulled.code, pulled.stderr + pulled.stdout).toBe(0);
      expect(pulled.stdout.trim().split('\n').at(-1)).toMatch(/"event":"done"/);
      expect(incus.images().map((i) => i.fingerprint)).toContain('a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6');
      const post = incus.requests.find((q) => q.method === 'POST' && q.path === '/1.0/images');
      expect(JSON.parse(post?.body ?? '{}')).toMatchObject({ source: { type: 'image', mode: 'pull', protocol: 'simplestreams', server: feed.url } });
      expect(incus.requests.filter((q) => Object.keys(q.headers).some((h) => h.startsWith('x-lxd-')))).toEqual([]);
      expect(incus.requests.filter((q) => q.path.startsWith('/1.0/containers'))).toEqual([]);
      const removed = await run(s, ['image', 'rm', '--type', 'lxc', 'debian/trixie', '--json']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(incus.images().map((i) => i.fingerprint)).not.toContain('a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6');
    });
  });

  describe('LXD (the world`s real one)', () => {
    it('makes images.lxd.canonical.com the built-in server', async () => {
      if (!world.lxd) throw new Error(`the world's LXD did not start: ${world.lxdError ?? 'unknown reason'}`);
      const l = session(world, world.lxd.env);
      try {
        const servers = await json<Array<{ name: string; url: string }>>(l, ['lxd-server', 'list']);
        expect(servers[0]).toMatchObject({ name: 'images', url: 'https://images.lxd.canonical.com' });
      } finally {
        rmSync(l.configDir, { recursive: true, force: true });
      }
    });

    it('doctor flags an LXD set to images.linuxcontainers.org (an added server, the lxc images remote), with the fix', async () => {
      if (!world.lxd) throw new Error(`the world's LXD did not start: ${world.lxdError ?? 'unknown reason'}`);
      const conf = join(dir, 'lxc-conf');
      rmSync(conf, { recursive: true, force: true });
      const { mkdirSync } = await import('node:fs');
      mkdirSync(conf, { recursive: true });
      writeFileSync(
        join(conf, 'config.yml'),
        'default-remote: local\nremotes:\n  images:\n    addr: https://images.linuxcontainers.org\n    protocol: simplestreams\n    public: true\n  local:\n    addr: unix://\n    public: false\naliases: {}\n',
      );
      const l = session(world, { ...world.lxd.env, LXD_CONF: conf });
      try {
        expect((await run(l, ['lxd-server', 'add', 'old', '--url', 'https://images.linuxcontainers.org'])).code).toBe(0);
        const r = await run(l, ['doctor', '--json']);
        expect(r.code).toBe(1);
        const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks.filter((c) => c.id.startsWith('lxc'));
        expect(checks.map((c) => [c.id, c.status])).toEqual([
          ['lxc', 'pass'],
          ['lxc.servers', 'fail'],
          ['lxc.remote', 'fail'],
        ]);
        expect(checks[0]?.detail).toMatch(/^LXD 5\.\d+\.\d+ at .*; the built-in image server "images" is https:\/\/images\.lxd\.canonical\.com$/);
        expect(checks[1]).toMatchObject({ detail: 'old points at images.linuxcontainers.org, which LXD cannot reach since 2024-05-01', fix: 'stevedore lxd-server rm old (the built-in "images" is https://images.lxd.canonical.com)' });
        expect(checks[2]?.fix).toBe('lxc remote set-url images https://images.lxd.canonical.com');
        expect((await run(l, ['lxd-server', 'rm', 'old'])).code).toBe(0);
        writeFileSync(join(conf, 'config.yml'), 'remotes:\n  images:\n    addr: https://images.lxd.canonical.com\n    protocol: simplestreams\n');
        const fixed = (JSON.parse((await run(l, ['doctor', '--json'])).stdout) as { checks: Check[] }).checks.filter((c) => c.id.startsWith('lxc'));
        expect(fixed.map((c) => [c.id, c.status])).toEqual([
          ['lxc', 'pass'],
          ['lxc.images-server', 'pass'],
        ]);
      } finally {
        rmSync(l.configDir, { recursive: true, force: true });
      }
    });
  });
});
