// Layout at the edges: tabs past the sixth, and a terminal smaller than 80x24.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { visibleTabs } from '../../src/ui/components/Tabs';
import { download, fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

describe('tabs', () => {
  const tabs = ['Local', 'Selected', 'Official', 'Docker Hub', 'plain', 'tok', 'lab', 'nas-registry', 'work'].map((label) => ({ label }));

  it('shows every tab when they fit', () => {
    expect(visibleTabs(tabs, 0, 200)).toEqual({ shown: [0, 1, 2, 3, 4, 5, 6, 7, 8], more: false });
  });

  it('keeps the selected tab on show when the ones before it fill the width', () => {
    const { shown, more } = visibleTabs(tabs, 7, 80);
    expect(more).toBe(true);
    expect(shown).toContain(7);
    expect(shown[0]).toBe(0);
    const { shown: first } = visibleTabs(tabs, 0, 80);
    expect(first).toContain(0);
    expect(first).not.toContain(8);
  });
});

describe('a terminal smaller than 80x24', () => {
  it('says so, and shows the app again when it grows', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    const size = { columns: 60, rows: 15 };
    Object.defineProperty(app.stdout, 'columns', { get: () => size.columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { get: () => size.rows, configurable: true });
    app.stdout.emit('resize');
    await app.waitFor((f) => f.includes('terminal too small: 80x24 needed, this is 60x15'), 'the message');
    expect(app.frame()).not.toContain('redis');
    size.columns = 100;
    size.rows = 30;
    app.stdout.emit('resize');
    await app.waitFor((f) => f.includes('redis') && !f.includes('too small'), 'the app again');
  });
});

describe('a terminal that is too small for a while', () => {
  const resizable = (app: ReturnType<typeof renderApp>) => {
    const size = { columns: 80, rows: 24 };
    Object.defineProperty(app.stdout, 'columns', { get: () => size.columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { get: () => size.rows, configurable: true });
    return (columns: number, rows: number) => {
      size.columns = columns;
      size.rows = rows;
      app.stdout.emit('resize');
    };
  };

  it('keeps the open screen, form and typed text, and keys do not reach them meanwhile', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    const resize = resizable(app);
    resize(80, 24);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.press('R');
    await app.waitFor((f) => f.includes('Docker Hub (built in)'));
    await app.press('a');
    await app.waitFor((f) => f.includes('Add a registry'));
    await app.type('myreg');
    resize(60, 15);
    await app.waitFor((f) => f.includes('terminal too small: 80x24 needed, this is 60x15'), 'the message');
    expect(app.frame()).not.toContain('myreg');
    app.write('xy');
    await app.settled();
    resize(80, 24);
    await app.waitFor((f) => f.includes('Add a registry') && !f.includes('terminal too small'), 'the form again');
    // The keys typed meanwhile were refused, and said so.
    expect(app.trace.filter((e) => e.ev === 'key' && e.outcome === 'refused').length).toBe(2);
    expect(app.frame()).toContain('myreg');
    expect(app.frame()).not.toContain('myregxy');
    await app.type('2', (p) => `myreg${p}`);
  });

  it('asks before quitting while too small when downloads go on', async () => {
    const { services, downloads } = fakeServices({ local: [localRepo('redis', ['7'])] });
    downloads.set([download('redis:7')]);
    const app = renderApp(services);
    const resize = resizable(app);
    resize(80, 24);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    resize(79, 24);
    await app.waitFor((f) => f.includes('terminal too small'), 'the message');
    await app.press('q');
    await app.waitFor((f) => f.includes('Quit? 1 download will go on in the background.'), 'the question');
    await app.press('n');
    await app.waitFor((f) => f.includes('terminal too small') && !f.includes('Quit?'), 'the message again');
    expect(app.quits).toEqual([]);
    await app.press('q');
    await app.waitFor((f) => f.includes('Quit?'), 'the question');
    await app.press('y', { changes: false });
    expect(app.quits).toEqual([1]);
  });
});

describe('fewer Esc presses', () => {
  it('opens Downloads over the depots from a tags screen, and a depot key goes straight back', async () => {
    const { services } = fakeServices({
      local: [localRepo('redis', ['7'])],
      remote: { official: [remoteImage('nginx', { starCount: 3 })] },
      tags: { name: 'nginx', fullName: 'docker.io/library/nginx', installed: [], tags: ['latest'], details: [] },
    });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.press('3');
    await app.waitFor((f) => f.includes('nginx'), 'official');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('Tags of nginx'), 'tags');
    await app.press('D');
    await app.waitFor((f) => f.includes('no downloads yet'), 'downloads');
    await app.press(KEY.escape);
    await app.waitFor((f) => /^stevedore {2}(@\S+ {2})?Depots/m.test(f), 'straight back to the depots');
    await app.press('R');
    await app.waitFor((f) => /^stevedore {2}(@\S+ {2})?Registries/m.test(f), 'registries');
    await app.press('1');
    await app.waitFor((f) => /^stevedore {2}(@\S+ {2})?Depots/m.test(f) && f.includes('redis'), 'the Local depot');
  });
});

describe('messages', () => {
  it('opens a cut error whole with e, in the app\'s words', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const { AppError } = await import('../../src/domain/errors');
    services.local.remove = async () => {
      throw new AppError(409, `cannot remove redis:7: ${'a very long explanation of what the engine said '.repeat(3)}`, { hint: 'use --force to remove it from every repository' });
    };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.press('d');
    await app.waitFor((f) => f.includes('Delete redis:7'), 'the question');
    await app.press('y');
    await app.waitFor((f) => f.includes('e: whole'), 'a cut error');
    await app.press('e');
    await app.waitFor((f) => f.includes('f in the delete dialog') && f.includes('removes it from every repository'), 'the whole message');
    expect(app.frame()).not.toContain('--force');
    await app.press(KEY.escape);
    await app.waitFor((f) => f.includes('redis') && !f.includes('Esc closes'), 'closed');
  });
});

describe('the Registries and Saved repositories columns', () => {
  const sized = (app: ReturnType<typeof renderApp>, columns: number, rows: number) => {
    Object.defineProperty(app.stdout, 'columns', { get: () => columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { get: () => rows, configurable: true });
    app.stdout.emit('resize');
  };
  /** The gaps between the cells of a row: at most this many spaces where a column's content is shorter than the widest. */
  const widestGap = (line: string) => Math.max(0, ...[...line.trimEnd().matchAll(/ {2,}/g)].map((m) => m[0].length));

  for (const [columns, rows] of [
    [80, 24],
    [100, 30],
    [200, 50],
  ] as const) {
    it(`are as wide as their content at ${columns}x${rows}: the room left goes after the last column`, async () => {
      const registries = [
        { name: 'lab', url: 'https://lab.example.internal:5000', trustCert: false, username: 'ann', password: 'x', version: 'v2' as const },
        { name: 'corporate-mirror', url: 'https://registry.corp.example.com', trustCert: true, username: 'svc-stevedore', password: '', version: 'v1' as const },
      ];
      const repositories = [
        { name: 'lab.example.internal:5000/team/web', registry: 'lab', inUse: true },
        { name: 'ghcr.io/example/app', registry: null, inUse: false },
      ];
      const { services } = fakeServices({ local: [], registries, repositories });
      const app = renderApp(services);
      sized(app, columns, rows);
      await app.press('R');
      await app.waitFor((f) => f.includes('corporate-mirror'));
      const registryRow = app.frame().split('\n').find((l) => l.includes('corporate-mirror')) ?? '';
      // At 80 columns the URL is cut in its middle (its host's end and port stay); wider, nothing is cut.
      if (columns > 80) expect(registryRow).toMatch(/corporate-mirror +https:\/\/registry\.corp\.example\.com +v1 +yes +svc-stevedore +-/);
      else expect(registryRow).toMatch(/corporate-mirror +https:\/\/.+corp\.example\.com +v1 +yes +svc-ste.* +-/);
      // The widest gap is the one after "Docker Hub (built in)"'s shorter neighbours, never the terminal's spare room.
      expect(widestGap(registryRow)).toBeLessThanOrEqual(8);
      await app.press('E');
      await app.waitFor((f) => f.includes('ghcr.io/example/app'));
      const header = app.frame().split('\n').find((l) => /NAME +REGISTRY/.test(l)) ?? '';
      expect(header).toMatch(/NAME {20,40}REGISTRY {4,10}IN USE/);
      const repoRow = app.frame().split('\n').find((l) => l.includes('team/web')) ?? '';
      expect(repoRow).toMatch(/lab\.example\.internal:5000\/team\/web +lab +yes/);
      expect(widestGap(repoRow)).toBeLessThanOrEqual(12);
    });
  }
});
