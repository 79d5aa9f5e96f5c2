import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RemoteInspect } from '../../src/domain/images';
import type { PullEvent } from '../../src/domain/progress';
import { DownloadManager } from '../../src/services/downloads/manager';
import type { TimerClock as Clock } from '../../src/domain/clock';
import { download, fakeServices, remoteImage } from './fakes';
import { KEY, renderApp, waitFor } from './render';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const inspectFixture: RemoteInspect = {
  name: 'team/app',
  tag: '1.0',
  digest: 'sha256:index',
  manifestDigest: 'sha256:amd64',
  platform: 'linux/amd64',
  platforms: ['linux/amd64', 'linux/arm64/v8'],
  mediaType: 'application/vnd.oci.image.index.v1+json',
  created: '2026-11-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  variant: null,
  config: { cmd: ['serve'], entrypoint: ['/app'], env: ['PATH=/bin', 'MODE=\u001b[31mred'], exposedPorts: ['8080/tcp'], labels: { 'org.opencontainers.image.title': 'App' }, workingDir: '/srv', user: 'app' },
  layers: [
    { digest: 'sha256:l1', size: 1_000_000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    { digest: 'sha256:l2', size: 2_500_000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
  ],
  size: 3_501_000,
};

describe('Tags screen', () => {
  it('shows tags with size, date, platforms and installed marks; filters; pulls with the chosen platform', async () => {
    const { services, downloads } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis', { starCount: 1 })] },
      tags: {
        name: 'redis',
        fullName: 'docker.io/library/redis',
        installed: ['7'],
        tags: ['latest', '7.4', '7', 'alpine'],
        details: [
          { name: 'latest', size: 40_000_000, lastUpdated: '2026-11-22T00:00:00Z', digest: 'sha256:a', platforms: ['linux/amd64', 'linux/arm64/v8'] },
          { name: '7', size: 39_000_000, lastUpdated: '2026-11-20T00:00:00Z', digest: 'sha256:b', platforms: ['linux/amd64'] },
        ],
      },
      inspect: inspectFixture,
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('4 tags, 1 installed'));
    expect(app.frame()).toMatch(/latest +40 MB +3 days ago +linux\/amd64, linux\/arm64\/v8/);
    expect(app.frame()).toMatch(/● +7 +39 MB/);
    await app.press('P');
    await app.waitFor((f) => f.includes('platform: linux/amd64'));
    await app.press('P');
    await app.waitFor((f) => f.includes('platform: linux/arm64/v8'));
    await app.press('p');
    await waitFor(() => downloads.started.length === 1, () => 'pull');
    expect(downloads.started[0]).toEqual({ ref: 'redis:latest', options: { platform: 'linux/arm64/v8' } });
    await app.press('/');
    await app.type('7');
    await app.waitFor((f) => f.includes('filter 7') && !f.includes('alpine'));
  });

  it('dates tags against the injected clock (a year ahead reads "1 year ago")', async () => {
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis')] },
      tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['latest'], details: [{ name: 'latest', size: 40_000_000, lastUpdated: '2026-11-22T00:00:00Z', digest: 'sha256:a', platforms: ['linux/amd64'] }] },
      now: '2027-11-25T10:00:00Z',
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('1 tags') || f.includes('1 tag'));
    expect(app.frame()).toMatch(/latest +40 MB +1 year ago/);
  });
});

describe('Inspect screen', () => {
  it('shows a remote image without pulling: summary, config and layers, scrollable, sanitised', async () => {
    const { services } = fakeServices({ local: [], remote: { official: [remoteImage('team/app', { version: '1.0' })] }, inspect: inspectFixture });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('team/app'));
    await app.press('i');
    await app.waitFor((f) => f.includes('remote, not pulled') && f.includes('Digest'));
    const f = app.frame();
    expect(f).toMatch(/Digest +sha256:index/);
    expect(f).toMatch(/Manifest +sha256:amd64/);
    expect(f).toMatch(/Platforms +linux\/amd64, linux\/arm64\/v8/);
    expect(f).toMatch(/Size +3\.5 MB compressed \(2 layers\)/);
    expect(f).toMatch(/Entrypoint +\/app/);
    expect(f).not.toContain('\u001b[31m');
    await app.press('G');
    await app.waitFor((f2) => f2.includes('sha256:l2') && f2.includes('2.5 MB'));
    await app.press(KEY.escape);
    await app.waitFor((f2) => f2.includes('Depots') && f2.includes('team/app'));
  });
});

describe('Downloads screen', () => {
  it('lists running downloads first with bars, speed and ETA, the selected one’s layers, and the history; x cancels, r retries', async () => {
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([
      download('redis:7', { id: 'r1', percent: 45, startedAt: '2026-11-23T10:00:01Z' }),
      download('alpine:3.19', { id: 'a1', status: 'complete', percent: 100, finishedAt: '2026-11-23T09:00:00Z', digest: 'sha256:done' }),
      download('bad:1', { id: 'b1', status: 'failed', percent: 3, error: 'manifest for bad:1 not found', finishedAt: '2026-11-23T09:30:00Z' }),
    ]);
    const app = renderApp(services);
    await app.press('D');
    await app.waitFor((f) => f.includes('1 running, 2 finished'));
    const f = app.frame();
    const lines = f.split('\n');
    const order = ['redis:7', 'bad:1', 'alpine:3.19'].map((n) => lines.findIndex((l) => l.includes(n)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(f).toMatch(/redis:7 +downloading +█+░+ +45% +2 MB\/s +3s/);
    expect(f).toMatch(/bbbbbbbbbbbb +Downloading +█+[▏▎▍▌▋▊▉]?░+ 1 MB \/ 4 MB/);
    expect(f).toMatch(/bad:1 +failed: manifest for bad:1 not found/);
    expect(f).toMatch(/↓ 1 downloading 45%/);
    // Seen here, the failed download stops being counted in the status bar.
    await app.waitFor((g) => /↓ 1 downloading 45%\s*$/m.test(g) && !g.includes('1 failed'), 'the failed one no longer counted');
    await app.press('x');
    await waitFor(() => downloads.cancelled.length === 1, () => 'cancel');
    expect(downloads.cancelled).toEqual(['r1']);
    await app.press(KEY.down);
    await app.press('r');
    await waitFor(() => downloads.retried.length === 1, () => 'retry');
    expect(downloads.retried).toEqual(['b1']);
  });

  it('redraws at most ten times a second however fast the engine talks (the throttle lives in the service)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let now = 0;
    const timers: { at: number; run: () => void }[] = [];
    const clock: Clock = { now: () => now, setTimeout: (run, ms) => timers.push({ at: now + ms, run }), clearTimeout: () => undefined };
    const events: ((e: PullEvent) => void)[] = [];
    let finish: () => void = () => undefined;
    const manager = new DownloadManager({
      run: (_job, onEvent) => {
        events.push(onEvent);
        return new Promise<void>((resolve) => (finish = resolve));
      },
      classify: (e) => e as never,
      concurrency: () => 2,
      clock,
      intervalMs: 100,
      newId: () => 'd1',
    });
    const { services, downloads } = fakeServices({ local: [] });
    manager.subscribe(() => downloads.set(manager.list()));
    manager.start('redis:7', null);
    await waitFor(() => events.length === 1, () => 'the pull to start');
    const app = renderApp(services);
    await app.press('D');
    const before = downloads.publishes;
    // 1,000 engine events over one simulated second.
    for (let i = 0; i < 1000; i++) {
      now += 1;
      events[0]?.({ status: 'Downloading', id: 'layer1', current: i * 1000, total: 1_000_000, hidecounts: false, units: null, error: null });
      for (const t of timers.splice(0)) if (t.at <= now) t.run(); else timers.push(t);
    }
    now += 200;
    for (const t of timers.splice(0)) t.run();
    const published = downloads.publishes - before;
    expect(published).toBeGreaterThanOrEqual(9);
    expect(published).toBeLessThanOrEqual(11);
    await app.waitFor((f) => /redis:7 +downloading/.test(f));
    finish();
  });
});

describe('Registries screen', () => {
  it('shows Docker Hub locked, validates the form in place, tests before saving, and deletes after asking', async () => {
    const { services, calls } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('R');
    await app.waitFor((f) => f.includes('Docker Hub (built in)'));
    await app.press('e');
    await app.waitFor((f) => f.includes('Docker Hub cannot be edited'));
    await app.press('a');
    await app.waitFor((f) => f.includes('Add a registry'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('registry name must be printable text and not empty') && f.includes('registry URL is empty'));
    await app.type('lab');
    await app.press(KEY.tab);
    await app.type('https://me:pw@lab.example');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('registry URL must not carry credentials'));
    expect(calls.pings).toEqual([]);
    // The cursor moves (not visible without colours), then the backspaces delete `me:pw@`.
    await app.press(...Array.from({ length: 'lab.example'.length }, () => KEY.left), { changes: false });
    await app.press(...Array.from({ length: 6 }, () => KEY.backspace));
    await app.waitFor((f) => f.includes('https://lab.example'));
    await app.press(KEY.tab, KEY.tab, KEY.tab);
    await app.type('ann');
    await app.press(KEY.tab);
    await app.type('s3cret', (p) => '*'.repeat(p.length));
    expect(app.frame()).not.toContain('s3cret');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('saved registry "lab" (https://lab.example, API v2)'));
    expect(calls.pings).toEqual([{ url: 'https://lab.example', trustCert: false }]);
    expect(app.frame()).toMatch(/lab +https:\/\/lab\.example +v2 +no +ann +\*{8}/);
    // Duplicate names are refused in the form.
    await app.press('a');
    await app.waitFor((f) => f.includes('Add a registry'));
    await app.type('LAB');
    await app.press(KEY.tab);
    await app.type('https://other.example');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('a registry named "LAB" already exists'));
    await app.press(KEY.escape);
    await app.waitFor((f) => !f.includes('Add a registry') && f.includes('lab'));
    await app.press(KEY.down);
    await app.waitFor((f) => /> lab|› lab/.test(f));
    await app.press('d');
    await app.waitFor((f) => f.includes('Delete registry "lab"?'));
    await app.press('y');
    await app.waitFor((f) => f.includes('removed registry "lab"'));
  });

  it('tells an unreachable registry in the form and saves nothing', async () => {
    const { services, registryData } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('R');
    await app.waitFor((f) => f.includes('Docker Hub (built in)'));
    await app.press('a');
    await app.waitFor((f) => f.includes('Add a registry'));
    await app.type('down');
    await app.press(KEY.tab);
    await app.type('https://down.example');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('cannot reach the registry at https://down.example'));
    expect(registryData().registries).toEqual([]);
  });
});

describe('Saved repositories screen', () => {
  it('lists in-use marks, and keeps a 401 in the form', async () => {
    const { services, calls } = fakeServices({ local: [], repositories: [{ name: 'lab.example/team/app', registry: 'lab', inUse: true }] });
    const app = renderApp(services);
    await app.press('E');
    await app.waitFor((f) => /lab\.example\/team\/app +lab +yes/.test(f));
    await app.press('a');
    await app.waitFor((f) => f.includes('Add a saved repository'));
    await app.type('lab.example/team/other');
    await app.press(KEY.tab);
    await app.type('ann');
    await app.press(KEY.tab);
    await app.type('wrong', (p) => '*'.repeat(p.length));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('refused the credentials of user "ann"'));
    expect(calls.repoAdds).toEqual(['lab.example/team/other']);
    await app.press(KEY.escape);
    await app.waitFor((f) => f.includes('Saved repositories') && !f.includes('team/other'));
  });
});
