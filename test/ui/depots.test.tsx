import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { Unreachable } from '../../src/domain/errors';
import { fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp, waitFor } from './render';

afterEach(() => cleanup());

describe('Depots screen', () => {
  it('lists local images grouped by repository with tags, size, age and in-use; counts in the tab', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7', 'latest'], { inUse: true }), localRepo('team/app', ['1.0']), localRepo('<none>', ['<none>'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis') && f.includes('team/app'), 'local rows');
    const f = app.frame();
    expect(f).toMatch(/1 Local 3/);
    expect(f).toMatch(/NAME.\s+TAGS\s+IMAGE ID\s+SIZE\s+UNIQUE\s+CREATED\s+TYPE\s+USED BY/);
    // No disk service here: UNIQUE is not known (—).
    expect(f).toMatch(/› +redis +7, latest +726564697300 +7\.34 MB +— +5 days ago +docker +yes/);
    expect(f).toMatch(/<none> +dangling/);
    expect(f).toMatch(/engine unix:\/\/\/var\/run\/docker\.sock · images 123 MB · Docker Hub pulls left: 87 of 100/);
  });

  it('filters the local list as you type; Esc clears; letter keys do not act while typing', async () => {
    const { services, downloads } = fakeServices({ local: [localRepo('redis', ['7']), localRepo('postgres', ['16']), localRepo('nginx', ['1.27'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('postgres'));
    await app.press('/');
    await app.type('pq');
    await app.waitFor((f) => f.includes('nothing matches "pq"'));
    await app.press(KEY.backspace);
    await app.waitFor((f) => f.includes('postgres') && !f.includes('redis') && !f.includes('nginx'), 'filtered to postgres');
    // `p` and `D` were typed into the field, not pulled or navigated
    expect(downloads.started).toEqual([]);
    expect(app.frame()).not.toMatch(/Downloads +\d+ running/);
    await app.press(KEY.escape);
    await app.waitFor((f) => f.includes('redis') && f.includes('nginx'), 'filter cleared');
  });

  it('switches depots with tab and numbers; remote text is sanitised', async () => {
    const { services } = fakeServices({
      local: [],
      remote: {
        selected: [remoteImage('jellyfin/jellyfin', { title: 'Jellyfin', group: 'media', version: '10.10.3', source: 'selected', installed: true })],
        official: [remoteImage('evil', { description: 'bad \u001b]0;pwned\u0007title \u001b[2Jclear', starCount: 5 })],
      },
    });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('no images on this engine yet'));
    await app.press(KEY.tab);
    await app.waitFor((f) => f.includes('jellyfin/jellyfin'));
    expect(app.frame()).toMatch(/● +jellyfin\/jellyfin +Jellyfin +media +10\.10\.3/);
    await app.press('3');
    await app.waitFor((f) => f.includes('evil'));
    const f = app.frame();
    expect(f).toContain('bad title clear');
    expect(f).not.toContain('\u001b]0;');
    expect(f).not.toContain('pwned\u0007');
  });

  it('searches Docker Hub once after typing stops and opens tags with Enter', async () => {
    const { services, calls } = fakeServices({
      local: [],
      search: (q) => [remoteImage(`${q}-one`, { isOfficial: true, starCount: 10 }), remoteImage(`${q}-two`)],
      tags: { name: 'redis-one', fullName: 'docker.io/library/redis-one', installed: ['7'], tags: ['latest', '7'], details: [] },
    });
    const app = renderApp(services);
    await app.press('4');
    await app.waitFor((f) => f.includes('press / and type to search Docker Hub'));
    expect(calls.remoteList.filter((c) => c.category === 'dockerhub')).toEqual([]);
    await app.press('/');
    await app.type('redis');
    await app.waitFor((f) => f.includes('redis-one') && f.includes('redis-two'), 'search results');
    const searches = calls.remoteList.filter((c) => c.category === 'dockerhub');
    expect(searches).toEqual([{ category: 'dockerhub', filter: 'redis' }]);
    await app.press(KEY.enter, KEY.enter);
    await app.waitFor((f) => f.includes('Tags of redis-one'), 'tags screen');
    await app.waitFor((f) => /● +7/.test(f) && f.includes('2 tags, 1 installed'), 'installed tag marked');
  });

  it('aborts a search the user has moved past and never shows its late answer', async () => {
    const pending = new Map<string, (images: ReturnType<typeof remoteImage>[]) => void>();
    const { services, calls } = fakeServices({ local: [], search: (q) => new Promise((resolve) => pending.set(q, resolve)) });
    const app = renderApp(services);
    await app.press('4', '/');
    await app.type('slow');
    await waitFor(() => pending.has('slow'), () => 'search for "slow" to be sent');
    await app.type('er', (p) => `slower`.slice(0, 4 + p.length));
    await waitFor(() => pending.has('slower'), () => 'search for "slower" to be sent');
    expect(calls.aborted).toContain('slow');
    pending.get('slower')?.([remoteImage('fresh-answer')]);
    await app.waitFor((f) => f.includes('fresh-answer'));
    pending.get('slow')?.([remoteImage('stale-answer')]);
    await new Promise((r) => setImmediate(r));
    await app.waitFor((f) => f.includes('fresh-answer') && !f.includes('stale-answer'));
  });

  it('deletes a local image after asking; f forces', async () => {
    const { services, calls } = fakeServices({ local: [localRepo('redis', ['7', 'latest'], { inUse: true })] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'));
    await app.press('d');
    await app.waitFor((f) => f.includes('Delete redis:7, latest (726564697300)?'));
    expect(app.frame()).toMatch(/f force/);
    await app.press('n');
    await app.waitFor((f) => !f.includes('Delete redis:7'));
    expect(calls.removed).toEqual([]);
    await app.press('d');
    await app.waitFor((f) => f.includes('Delete redis:7, latest (726564697300)?'));
    await app.press('f');
    await app.waitFor((f) => f.includes('deleted redis:7, redis:latest'));
    expect(calls.removed).toEqual([
      { ref: 'redis:7', force: true },
      { ref: 'redis:latest', force: true },
    ]);
  });

  it('shows an unreachable engine on the Local tab while remote tabs keep working', async () => {
    const { services } = fakeServices({
      local: new Unreachable('cannot reach the engine at unix:///var/run/docker.sock', { hint: 'is dockerd running?' }),
      remote: { selected: [remoteImage('pihole/pihole', { source: 'selected' })] },
    });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('cannot reach the engine at unix:///var/run/docker.sock (is dockerd running?)'));
    expect(app.frame()).toMatch(/engine: cannot reach the engine/);
    await app.press(KEY.tab);
    await app.waitFor((f) => f.includes('pihole/pihole'));
  });

  it('pulls the selected image with p and says where to watch it', async () => {
    const { services, downloads } = fakeServices({ local: [], remote: { selected: [remoteImage('jellyfin/jellyfin', { version: '10.10.3', source: 'selected' })] } });
    const app = renderApp(services);
    await app.press(KEY.tab);
    await app.waitFor((f) => f.includes('jellyfin/jellyfin'));
    await app.press('p');
    await app.waitFor((f) => f.includes('downloading jellyfin/jellyfin:10.10.3: D shows its progress'));
    expect(downloads.started).toEqual([{ ref: 'jellyfin/jellyfin:10.10.3', options: {} }]);
  });

  it('keeps 2,000 rows smooth: only the visible window is rendered', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => localRepo(`bulk/img-${String(i).padStart(4, '0')}`, ['v1']));
    const { services } = fakeServices({ local: many });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('bulk/img-0000'));
    const lines = app.frame().split('\n').filter((l) => l.includes('bulk/img-'));
    expect(lines.length).toBeLessThan(24);
    await app.press('G');
    await app.waitFor((f) => f.includes('bulk/img-1999') && f.includes('2000/2000'));
    await app.press('/');
    await app.type('img-1234');
    await app.waitFor((f) => f.includes('bulk/img-1234') && !f.includes('bulk/img-1999'));
  });

  it('shows warnings in the banner, not on the screen', async () => {
    const { services, warn } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('no images on this engine yet'));
    warn('cannot reach the engine at unix:///var/run/docker.sock; installed marks are unknown');
    await app.waitFor((f) => f.includes('! cannot reach the engine at unix:///var/run/docker.sock; installed marks are unknown'));
  });

  it('opens help from the key table and quits with q', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('?');
    await app.waitFor((f) => f.includes('Keys') && f.includes('downloads screen') && f.includes('Anywhere'));
    await app.press(KEY.escape);
    await app.waitFor((f) => !f.includes('downloads screen'));
    await app.press('q', { changes: false });
    expect(app.quits).toEqual([0]);
  });

  it('measures ages against the injected clock, not the wall clock (a year ahead)', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])], now: '2027-11-25T10:00:00Z' });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    expect(app.frame()).toMatch(/› +redis +7 +726564697300 +7\.34 MB +— +1 year ago/);
  });

  it('shows one row per image: the old tag of a repository is its own row, with its size, age and containers', async () => {
    const web = localRepo('127.0.0.1:15000/team/web', ['5'], { id: `sha256:${'5'.repeat(64)}`, size: 52_000_000 });
    const old = localRepo('127.0.0.1:15000/team/web', ['4', '2'], { id: `sha256:${'4'.repeat(64)}`, size: 48_000_000 });
    const repo = {
      ...web,
      images: [
        ...web.images.map((i) => ({ ...i, created: '2026-11-24T10:00:00Z' })),
        ...old.images.map((i) => ({ ...i, created: '2026-10-01T10:00:00Z', inUse: true, containers: ['jellyfin', 'jellyfin-old'] })),
      ],
      inUse: true,
    };
    const { services, calls } = fakeServices({ local: [repo, localRepo('redis', ['7'], { size: 60_000_000 })] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    let f = app.frame();
    expect(f).toMatch(/1 Local 3/);
    expect(f).toMatch(/› +127\.0\.0\.1:15000\/team\/web +5 +555555555555 +52 MB +— +1 day ago/);
    expect(f).toMatch(/127\.0\.0\.1:15000\/team\/web +4, 2 +444444444444 +48 MB +— +\d+ months? ago +jellyfin, jellyfin/);
    // Sorted by size: the repository with the largest image first, its rows together.
    await app.press('s');
    await app.waitFor((f2) => /SIZE./.test(f2) && f2.indexOf('redis') < f2.indexOf('team/web'), 'sorted by size');
    await app.press('s');
    await app.waitFor((f2) => /UNIQUE./.test(f2), 'sorted by unique size');
    await app.press('s');
    await app.waitFor((f2) => /CREATED./.test(f2) && f2.indexOf('team/web') < f2.indexOf('redis'), 'sorted by age');
    await app.press('s');
    await app.waitFor((f2) => /NAME./.test(f2), 'sorted by name');
    // The old image alone is deleted (its two tags), and the dialog names its containers.
    await app.press('j');
    await app.waitFor((f2) => /› +127\.0\.0\.1:15000\/team\/web +4, 2/.test(f2), 'second row selected');
    await app.press('d');
    await app.waitFor((f2) => f2.includes('used by: jellyfin, jellyfin-old'), 'delete dialog');
    f = app.frame();
    expect(f).toContain('Delete 127.0.0.1:15000/team/web:4, 2 (444444444444)?');
    await app.press('f');
    await app.waitFor((f2) => f2.includes('deleted'), 'deleted');
    expect(calls.removed).toEqual([
      { ref: '127.0.0.1:15000/team/web:4', force: true },
      { ref: '127.0.0.1:15000/team/web:2', force: true },
    ]);
  });

  it('asks for a search on the Docker Hub tab instead of showing another tab\'s rows', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.press('4');
    await app.waitFor((f) => f.includes('press / and type to search Docker Hub'), 'search prompt');
    expect(app.frame()).not.toContain('redis');
    expect(app.frame()).not.toMatch(/4 Docker Hub \d/);
  });
});
