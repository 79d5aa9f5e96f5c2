import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RemoteInspect } from '../../src/domain/images';
import type { PullEvent } from '../../src/domain/progress';
import { DownloadManager } from '../../src/services/downloads/manager';
import type { TimerClock as Clock } from '../../src/domain/clock';
import { download, fakeDownloadId, fakeServices, remoteImage } from './fakes';
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
  it('applies platform moves typed ahead in one read, each on the previous one', async () => {
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis', { starCount: 1 })] },
      tags: {
        name: 'redis',
        fullName: 'docker.io/library/redis',
        installed: [],
        tags: ['latest'],
        details: [{ name: 'latest', size: 40_000_000, lastUpdated: '2026-11-22T00:00:00Z', digest: 'sha256:a', platforms: ['linux/amd64', 'linux/arm64/v8'] }],
      },
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('1 tag'));
    await app.press('P');
    await app.waitFor((f) => f.includes('Platforms of latest'), 'the platform list');
    app.write('jj');
    await app.waitFor((f) => /› linux\/arm64\/v8/.test(f), 'two rows down');
    app.write('kk');
    await app.waitFor((f) => /› default/.test(f), 'two rows up');
    app.write(`jj${KEY.enter}`);
    await app.waitFor((f) => f.includes('platform: linux/arm64/v8') && !f.includes('Platforms of'), 'arm64 chosen');
  });

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
    // P lists every platform of the selected tag; Enter picks one.
    await app.press('P');
    await app.waitFor((f) => f.includes('Platforms of latest') && f.includes('linux/arm64/v8'), 'the platform list');
    await app.press(KEY.down);
    await app.waitFor((f) => /› linux\/amd64/.test(f), 'amd64 selected');
    await app.press(KEY.down);
    await app.waitFor((f) => /› linux\/arm64\/v8/.test(f), 'arm64 selected');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('platform: linux/arm64/v8') && !f.includes('Platforms of'), 'arm64 chosen');
    await app.press('p');
    await waitFor(() => downloads.started.length === 1, () => 'pull');
    expect(downloads.started[0]).toEqual({ ref: 'redis:latest', options: { platform: 'linux/arm64/v8' } });
    await app.press('/');
    await app.type('7');
    await app.waitFor((f) => f.includes('filter 7') && !f.includes('alpine'));
  });

  it('looks up size, date and platforms of the visible tags of a registry that lists names only, a few at a time', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `1.${i}`);
    const { services } = fakeServices({
      local: [],
      remote: { selected: [remoteImage('127.0.0.1:15000/team/web', { version: '1.0', source: 'selected' })] },
      tags: { name: '127.0.0.1:15000/team/web', fullName: '127.0.0.1:15000/team/web', installed: [], tags: names, details: names.map((name) => ({ name, size: null, lastUpdated: null, digest: null, platforms: [] })) },
    });
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const aborted: string[] = [];
    services.remote.inspect = (ref, _options, signal) => {
      asked.push(ref);
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          inFlight--;
          resolve({ ...inspectFixture, name: '127.0.0.1:15000/team/web', tag: ref.split(':').pop() ?? '', size: 52_000_000 });
        }, 20);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          inFlight--;
          aborted.push(ref);
          reject(new Error('aborted'));
        });
      });
    };
    const app = renderApp(services);
    await app.press('2');
    await app.waitFor((f) => f.includes('team/web'), 'the selected depot');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('60 tags'), 'the tags');
    await app.waitFor((f) => /1\.0 +52 MB +\d+ \w+ ago +linux\/amd64, linux\/arm64\/v8/.test(f), 'details of the first row');
    await app.waitFor((f) => /1\.9 +52 MB/.test(f), 'details of the rows on screen');
    // Only rows on screen are looked up, never more than three at once.
    expect(most).toBeLessThanOrEqual(3);
    expect(asked.length).toBeLessThan(30);
    expect(asked).not.toContain('127.0.0.1:15000/team/web:1.59');
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

describe('A tag list cut short', () => {
  it('says so in the banner when the registry had more than 100,000 tags (issue 24, 4)', async () => {
    const cut = 'the tags of redis on Docker Hub: stopped at 100,000 entries (the most stevedore lists)';
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis')] },
      tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['latest'], details: [], truncated: cut, warnings: [cut] },
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('stopped at 100,000 entries'), 'the warning of a cut list');
  });
});

describe('Inspect of an installed tag', () => {
  it('inspecting an installed tag says it is also on this engine', async () => {
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis', { starCount: 1 })] },
      tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: ['7'], tags: ['latest', '7'], details: [] },
      inspect: inspectFixture,
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('2 tags, 1 installed'));
    await app.press('i');
    await app.waitFor((f) => f.includes('Inspect redis:latest') && f.includes('remote, not pulled'), 'latest: not pulled');
    await app.press(KEY.escape);
    await app.waitFor((f) => f.includes('2 tags, 1 installed'));
    await app.press('j', 'i');
    await app.waitFor((f) => f.includes('Inspect redis:7') && f.includes('remote (also on this engine)'), '7: also on this engine');
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
    expect(f).toMatch(/bad:1 +failed +started \d\d:\d\d, 2 days ago +manifest for bad:1 not found/);
    expect(f).toMatch(/alpine:3\.19 +complete +started \d\d:\d\d, 2 days ago/);
    // The failed one has been seen here: the status bar stops counting it.
    await app.waitFor((f2) => /↓ 1 downloading 45%\s*$/m.test(f2), 'the failed one seen');
    // x asks first; n keeps it running, y cancels.
    await app.press('x');
    await app.waitFor((f2) => f2.includes('Cancel redis:7?'), 'the cancel question');
    await app.press('n');
    await app.waitFor((f2) => !f2.includes('Cancel redis:7?'), 'the question gone');
    expect(downloads.cancelled).toEqual([]);
    await app.press('x');
    await app.waitFor((f2) => f2.includes('Cancel redis:7?'), 'the cancel question');
    await app.press('y');
    await waitFor(() => downloads.cancelled.length === 1, () => 'cancel');
    expect(downloads.cancelled).toEqual(['r1']);
    await app.press(KEY.down);
    await app.press('r');
    await waitFor(() => downloads.retried.length === 1, () => 'retry');
    expect(downloads.retried).toEqual(['b1']);
    // c clears the finished ones, after asking.
    await app.press('c');
    await app.waitFor((f2) => f2.includes('Clear 2 finished downloads from the list?'), 'the clear question');
    expect(downloads.clears).toBe(0);
    await app.press('y');
    await app.waitFor((f2) => f2.includes('cleared 2 finished downloads') && !f2.includes('alpine:3.19'), 'cleared');
  });

  it('says when the total is only what is known so far, and that a queued pull is not running', async () => {
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([
      download('team/web:5', {
        id: 'w1',
        percent: 12,
        current: 7_960_000,
        total: 25_200_000,
        layers: [
          { id: 'aaaaaaaaaaaa', status: 'Downloading', current: 7_960_000, total: 25_200_000 },
          { id: 'cccccccccccc', status: 'Pulling fs layer', current: null, total: null },
        ],
      }),
      download('redis:7', { id: 'q1', status: 'waiting', percent: null, layers: [], current: null, total: null, startedAt: '2026-11-23T10:00:02Z' }),
    ]);
    const app = renderApp(services);
    await app.press('D');
    await app.waitFor((f) => f.includes('1 running, 1 queued, 0 finished'), 'counts');
    expect(app.frame()).toContain('7.96 MB / 25.2 MB so far (1 layer not sized yet)');
    expect(app.frame()).toMatch(/redis:7 +queued/);
    expect(app.frame()).toMatch(/↓ 1 downloading 12% · 1 queued/);
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

describe('Downloads screen selection', () => {
  it('selects the download this session started once it is listed (`pD` typed ahead); a download from elsewhere keeps the selection', async () => {
    const history = [
      download('alpine:3.19', { id: 'a1', status: 'complete', percent: 100, finishedAt: '2026-11-23T09:00:00Z' }),
      download('bad:1', { id: 'b1', status: 'failed', percent: 3, error: 'gone', finishedAt: '2026-11-23T09:30:00Z' }),
    ];
    const { services, downloads } = fakeServices({ local: [], remote: { official: [remoteImage('redis', { starCount: 1, version: '7' })] } });
    downloads.set(history);
    const app = renderApp(services);
    const pointed = () => (app.frame().split('\n').find((l) => /^\s*› /.test(l)) ?? '').trim();
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'), 'the Official depot');
    // p then D in one read: the Downloads screen is on show before the worker lists the download.
    await app.press('pD');
    await app.waitFor((f) => f.includes('2 finished'), 'the Downloads screen');
    await waitFor(() => downloads.started.length === 1, () => 'the pull');
    const ref = downloads.started[0]?.ref ?? '';
    const mine = download(ref, { id: fakeDownloadId(ref), percent: 10, startedAt: '2026-11-23T10:00:01Z' });
    downloads.set([mine, ...history]);
    await app.waitFor((f) => f.includes('1 running, 2 finished'), 'the new download listed');
    await app.waitFor(() => pointed().includes(ref), 'the download started here selected');
    // The user moves on; a download started elsewhere (another session, the CLI) does not take the selection.
    await app.press(KEY.down);
    await app.waitFor(() => !pointed().includes(ref), 'the user moves on');
    const there = pointed();
    downloads.set([download('nginx:1', { id: 'n1', percent: 5, startedAt: '2026-11-23T10:00:02Z' }), mine, ...history]);
    await app.waitFor((f) => f.includes('2 running, 2 finished'), 'a download from elsewhere');
    expect(pointed()).toBe(there);
  });
});

describe('Downloads screen keys', () => {
  it('opens a failed download\'s whole error with e; the footer lists only keys the screen takes', async () => {
    const error = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.53:53: server misbehaving (a long message that the row cuts)';
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([download('bad:1', { id: 'b1', status: 'failed', percent: 3, error, finishedAt: '2026-11-23T09:30:00Z' })]);
    const app = renderApp(services);
    await app.press('D');
    await app.waitFor((f) => f.includes('failed: Get'), 'the failed row');
    const footer = () => app.frame().split('\n').at(-2) ?? '';
    await app.waitFor(() => footer().includes('e error'), 'e in the footer');
    for (const gone of ['open', 'inspect', 'pull', 'x cancel']) expect(footer()).not.toContain(gone);
    expect(footer()).toContain('/ filter');
    await app.press('e');
    await app.waitFor((f) => f.includes('server misbehaving (a long message that the row cuts)'), 'the whole message');
    await app.press(KEY.escape);
    await app.waitFor((f) => f.includes('failed: Get') && !f.includes('that the row cuts'), 'back on the list');
    downloads.set([download('redis:7', { id: 'r1' })]);
    await app.waitFor((f) => f.includes('redis:7'), 'a running download');
    await app.press('q');
    await app.waitFor((f) => f.includes('Quit? 1 download'), 'the quit question');
    expect(footer()).toContain('y yes');
    expect(footer()).not.toContain('force');
  });

  it('the platform picker footer has only its own keys', async () => {
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis', { starCount: 1 })] },
      tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['latest'], details: [{ name: 'latest', size: 1, lastUpdated: null, digest: 'sha256:a', platforms: ['linux/amd64'] }] },
    });
    const app = renderApp(services);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('1 tag'));
    await app.press('P');
    await app.waitFor((f) => f.includes('Platforms of latest'), 'the platform list');
    const footer = app.frame().split('\n').at(-2) ?? '';
    // The picker's own keys, in its own words (the box says "Enter picks  Esc closes").
    expect(footer).toContain('Enter pick');
    expect(footer).toContain('Esc close');
    expect(footer).not.toContain('n no');
    for (const gone of ['/ filter', 'inspect', 'force', 'y yes']) expect(footer).not.toContain(gone);
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
    // API, Trust cert, CA file, then Username.
    await app.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab);
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
