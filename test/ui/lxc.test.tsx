// LXC in the app (issue 14): LXC rows in the Local depot with their type, a depot per simplestreams server
// (its requests carry `lxd:NAME`), versions and architectures on Enter, `p` and `d` through the same paths.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { lxcLocalRow } from '../../src/services/lxc/images';
import { fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

const FP = 'ab'.repeat(32);
const lxcRow = lxcLocalRow({
  fingerprint: FP,
  aliases: ['world/fast'],
  architecture: 'x86_64',
  os: 'worldos',
  release: 'fast',
  variant: 'default',
  description: 'worldos fast',
  serial: '20250201_00:00',
  size: 70_000,
  created: '2025-02-01T00:00:00.000Z',
  uploaded: '2026-11-24T10:00:00.000Z',
  kind: 'container',
});

describe('LXC images in the app', () => {
  it('shows LXC images in the Local depot with type lxc beside Docker ones; d deletes by fingerprint', async () => {
    const { services, calls } = fakeServices({ local: [localRepo('redis', ['7']), lxcRow] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('world/fast'), 'lxc row');
    expect(app.frame()).toMatch(/TYPE/);
    expect(app.frame()).toMatch(/redis +7 +\w{12} +7\.34 MB .* docker/);
    expect(app.frame()).toMatch(/world\/fast +20250201_00:00 +abababababab +70 kB .* lxc/);
    await app.press('j', 'd');
    // In LXD's words: an image goes by its fingerprint, and instances keep their own copy.
    await app.waitFor((f) => f.includes('Delete the LXC image world/fast (abababababab)?') && f.includes('by its fingerprint'));
    await app.press('y');
    await app.waitFor((f) => f.includes(`deleted lxc:${FP}`));
    expect(calls.removed).toEqual([{ ref: `lxc:${FP}`, force: false }]);
  });

  it('has a depot per simplestreams server: versions and architectures on Enter, p downloads the chosen one', async () => {
    const { services, calls, downloads } = fakeServices({
      local: [],
      remote: { private: [remoteImage('world/fast', { version: '20250201_00:00', source: { registry: 'lxd:world' }, location: 'worldos fast default  x86_64' })] },
      tags: {
        name: 'world/fast',
        fullName: 'lxd:world/world/fast',
        installed: ['20250101_00:00'],
        tags: ['20250201_00:00', '20250101_00:00'],
        details: [
          { name: '20250201_00:00', size: 70_000, lastUpdated: '2025-02-01T00:00:00.000Z', digest: FP, platforms: ['aarch64', 'x86_64'] },
          { name: '20250101_00:00', size: 69_000, lastUpdated: '2025-01-01T00:00:00.000Z', digest: FP, platforms: ['x86_64'] },
        ],
      },
    });
    services.lxc = { servers: async () => ['world'] };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('world (lxc)'), 'the server depot');
    await app.press('5');
    await app.waitFor((f) => f.includes('world/fast'));
    expect(calls.remoteList.at(-1)).toEqual({ category: 'private', filter: '', registry: 'lxd:world' });
    await app.press('p');
    await app.waitFor(() => downloads.started.length === 1, 'the first download');
    expect(downloads.started[0]).toEqual({ ref: 'world/fast:20250201_00:00', options: { registry: 'lxd:world' } });
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('20250101_00:00') && f.includes('aarch64, x86_64'), 'versions with architectures');
    await app.press('j', 'p');
    await app.waitFor(() => downloads.started.length === 2, 'the second download');
    expect(downloads.started[1]).toEqual({ ref: 'world/fast:20250101_00:00', options: { registry: 'lxd:world' } });
  });
});

describe('LXC depots that arrive after the start', () => {
  const fast = remoteImage('world/fast', { version: '20250201_00:00', source: { registry: 'lxd:world' }, location: 'worldos fast default  x86_64' });

  it('holds a depot key typed before the server tabs are there, then opens that tab', async () => {
    const { services, calls } = fakeServices({ local: [localRepo('redis', ['7'])], remote: { private: [fast] } });
    let arrive: (names: string[]) => void = () => undefined;
    services.lxc = { servers: () => new Promise<string[]>((resolve) => (arrive = resolve)) };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    app.write('5');
    await new Promise((r) => setTimeout(r, 50));
    arrive(['world']);
    await app.waitFor((f) => f.includes('world/fast'), 'the lxc depot');
    expect(calls.remoteList.at(-1)).toEqual({ category: 'private', filter: '', registry: 'lxd:world' });
  });

  it('stays on the open depot when a registry is added from another shell', async () => {
    const { services, calls } = fakeServices({ local: [], remote: { private: [fast] } });
    services.lxc = { servers: async () => ['world'] };
    const watchers = new Set<() => void>();
    services.registries.watch = (onChange) => {
      watchers.add(onChange);
      return () => watchers.delete(onChange);
    };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('world (lxc)'), 'the server depot');
    await app.press('5');
    await app.waitFor((f) => f.includes('world/fast'));
    await services.registries.save(null, { name: 'pag', url: 'https://pag.example', trustCert: false, username: '' });
    watchers.forEach((w) => w());
    await app.waitFor((f) => /5 pag/.test(f) && f.includes('6 world (lxc)'), 'the new tab');
    await app.press('r', { changes: false });
    expect(calls.remoteList.some((c) => c.registry === 'pag')).toBe(false);
    expect(calls.remoteList.at(-1)).toEqual({ category: 'private', filter: '', registry: 'lxd:world' });
    await app.waitFor((f) => f.includes('world/fast'), 'the lxc rows again');
  });
});

describe('LXC entries of the Selected depot (issue 14b)', () => {
  const debian = remoteImage('debian/12', {
    title: 'Debian 12 (LXC)',
    group: 'System',
    version: '',
    type: 'lxc',
    server: 'world',
    fullName: 'lxd:world/debian/12',
    description: 'Debian bookworm system container',
  });
  const redis = remoteImage('redis', { title: 'Redis', group: 'Databases', version: '7' });

  it('shows a TYPE column; Enter opens the versions from the entry’s server; p downloads the alias through it', async () => {
    const { services, downloads } = fakeServices({
      local: [],
      remote: { selected: [redis, debian] },
      tags: { name: 'debian/12', fullName: 'lxd:world/debian/12', installed: [], tags: ['20250201_00:00'], details: [{ name: '20250201_00:00', size: 70_000, lastUpdated: null, digest: FP, platforms: ['aarch64', 'x86_64'] }] },
    });
    const tagsAsked: Array<{ name: string; registry: string | undefined }> = [];
    const tags = services.remote.tags;
    services.remote.tags = (name, registry, signal) => {
      tagsAsked.push({ name, registry });
      return tags(name, registry, signal);
    };
    const app = renderApp(services);
    await app.press('2');
    await app.waitFor((f) => f.includes('debian/12'), 'the lxc entry');
    expect(app.frame()).toMatch(/NAME +TITLE +GROUP +TAG +TYPE +DESCRIPTION/);
    expect(app.frame()).toMatch(/redis +Redis +Databases +7 +docker/);
    expect(app.frame()).toMatch(/debian\/12 +Debian 12 \(LXC\) +System +- +lxc/);
    await app.press('j', 'p');
    await app.waitFor(() => downloads.started.length === 1, 'the download');
    expect(downloads.started[0]).toEqual({ ref: 'debian/12', options: { registry: 'lxd:world' } });
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('20250201_00:00') && f.includes('aarch64, x86_64'), 'the versions');
    expect(tagsAsked).toEqual([{ name: 'debian/12', registry: 'lxd:world' }]);
  });

  it('without LXD the entry still shows and p says why it cannot be downloaded', async () => {
    const why = 'no LXD or Incus socket found (looked at /var/lib/lxd/unix.socket)';
    const { services, downloads } = fakeServices({ local: [], remote: { selected: [{ ...debian, installed: null, unavailable: why }] } });
    const app = renderApp(services);
    await app.press('2');
    await app.waitFor((f) => f.includes('debian/12'), 'the lxc entry');
    await app.press('p');
    await app.waitFor((f) => f.includes('p: no LXD or Incus socket found'), 'the reason in the footer');
    expect(downloads.started).toEqual([]);
  });
});
