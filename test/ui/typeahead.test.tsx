// Keys typed ahead arrive together (DESIGN.md "Keyboard over SSH"): each burst here is ONE write (one
// read for the app), and must behave as if typed slowly.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Registry } from '../../src/domain/registry';
import { download, fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, paste, renderApp } from './render';

afterEach(() => cleanup());

const lab: Registry = { name: 'lab', url: 'https://lab.example', trustCert: false, username: '', password: '', version: 'v2' };

function world() {
  return fakeServices({
    local: [localRepo('alpine', ['3.19']), localRepo('busybox', ['1.36'])],
    remote: {
      selected: [remoteImage('nginx', { version: '1.27' })],
      official: [remoteImage('redis', { version: '7.4' }), remoteImage('postgres', { version: '17' })],
      private: [remoteImage('team/web'), remoteImage('team/api')],
    },
    registries: [lab],
    tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['7.4', '7'], details: [] },
  });
}

const selectedRow = (f: string) => f.split('\n').find((l) => l.includes('›')) ?? '';

describe('type-ahead: bursts in one read', () => {
  it('`5/web⏎` filters the private registry tab', async () => {
    const { services, calls } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('5/web\r');
    await app.waitFor((f) => f.includes('filter: web'), 'the kept filter on tab 5');
    expect(app.frame()).toMatch(/5 lab/);
    await app.waitFor(() => calls.remoteList.some((q) => q.category === 'private' && q.registry === 'lab' && q.filter === 'web'), 'the search of lab');
  });

  it('`3p` pulls from tab 3 (not the Local row that was showing)', async () => {
    const { services, downloads } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('3p');
    await app.waitFor(() => downloads.started.length === 1, 'the pull');
    expect(downloads.started[0]?.ref).toBe('redis:7.4');
  });

  it('`1`, `3`, Enter opens the tags of the Official image', async () => {
    const { services } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('13\r');
    await app.waitFor((f) => f.includes('Tags of redis'), 'the tags screen');
  });

  it('Tab Tab moves two depots; 500 × j moves 500 rows', async () => {
    const many = Array.from({ length: 600 }, (_, i) => remoteImage(`img${String(i).padStart(3, '0')}`, { version: '1' }));
    const { services } = fakeServices({ local: [localRepo('alpine', ['3.19'])], remote: { official: many } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('\t\t');
    await app.waitFor((f) => f.includes('img000'), 'the Official list');
    app.write('j'.repeat(500));
    await app.waitFor((f) => selectedRow(f).includes('img500'), 'row 501 selected');
  });

  it('seven Backspaces in one read delete seven characters; readline keys edit the field', async () => {
    const { services } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('/busyboxxxxxxxx');
    await app.waitFor((f) => f.includes('busyboxxxxxxxx'));
    app.write('\u007f'.repeat(7));
    await app.waitFor((f) => /filter +busybox(?!x)/.test(f) && !f.includes('alpine'), 'the filter back to busybox');
    app.write(`${KEY.ctrlU}alp${KEY.ctrlA}x${KEY.ctrlE}ine${KEY.home}${KEY.delete}`);
    await app.waitFor((f) => /filter +alpine/.test(f) && !f.includes('busybox'), 'the filter edited to alpine');
    app.write(`${KEY.ctrlE}${KEY.ctrlW}\r`);
    await app.waitFor((f) => f.includes('busybox') && f.includes('alpine') && !f.includes('filter:'), 'the filter cleared and kept');
  });

  it('a filter field reopened after switching tabs has its cursor at the end', async () => {
    const { services } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write('4/abc\r');
    await app.waitFor((f) => f.includes('abc') && !/search +abc/.test(f), 'the search kept');
    app.write('24/X');
    await app.waitFor((f) => /search +abcX/.test(f), 'X typed at the end');
    app.write(KEY.ctrlU);
    await app.waitFor((f) => /search +$/m.test(f) || !f.includes('abcX'), 'ctrl+u clears what is before the cursor');
    expect(app.frame()).not.toContain('abc');
  });

  it('form fields written as separate quick writes land in their own fields', async () => {
    const { services, registryData } = world();
    const app = renderApp(services);
    await app.press('R');
    await app.press('a');
    app.write('nas');
    app.write('\t');
    app.write('https://x');
    await app.waitFor((f) => /Name +nas\b/.test(f) && /URL +https:\/\/x/.test(f), 'name and URL in their fields');
    app.write('\r');
    await app.waitFor(() => registryData().registries.some((r) => r.name === 'nas' && r.url === 'https://x'), 'the registry saved');
  });

  it('Esc then a key at once is Esc, then that key; Esc then `[A` 30 ms later is Up', async () => {
    const { services } = world();
    const app = renderApp(services, { escapeMs: 50 });
    await app.waitFor((f) => f.includes('alpine'));
    await app.press('D');
    await app.waitFor((f) => f.includes('no downloads yet'));
    app.write('\u001b2');
    await app.waitFor((f) => f.includes('nginx'), 'back on Depots, tab 2');
    app.write('\u001b');
    // The rest of the sequence comes later, as over a slow link (this waits for bytes, not a frame).
    await new Promise((r) => setTimeout(r, 30));
    app.write('[A');
    await app.settled();
    expect(app.frame()).toMatch(/2 Selected/);
    expect(app.frame()).not.toContain('[A');
    expect(app.frame()).toContain('nginx');
  });

  it('a paste goes literally into the focused field; on a list it opens the filter; never commands', async () => {
    const { services, registryData } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    app.write(paste('busy'));
    await app.waitFor((f) => /filter +busy/.test(f) && !f.includes('alpine'), 'the filter opened with the paste');
    app.write(KEY.escape);
    await app.waitFor((f) => f.includes('alpine'));
    await app.press('R');
    await app.press('a');
    const url = `https://x.example/${'a'.repeat(3000)}`;
    const bytes = paste(`qD\t${url}\r\n`);
    // A long paste arrives in several reads.
    app.write(bytes.slice(0, 1000));
    app.write(bytes.slice(1000, 2000));
    app.write(bytes.slice(2000));
    await app.settled();
    expect(app.frame()).toMatch(/Name +…a+ /);
    app.write(KEY.ctrlA);
    await app.waitFor((f) => /Name +qDhttps:\/\/x\.example\/a+…/.test(f), 'the start of the pasted text');
    expect(app.frame()).toContain('Add a registry');
    expect(app.quits).toEqual([]);
    expect(registryData().registries.map((r) => r.name)).toEqual(['lab']);
  });

  it('works the same under React StrictMode (layers register in effects, twice mounted is fine)', async () => {
    const { services, downloads } = world();
    const app = renderApp(services, { strict: true });
    await app.waitFor((f) => f.includes('alpine'));
    app.write('3p');
    await app.waitFor(() => downloads.started.length === 1, 'the pull');
    expect(downloads.started[0]?.ref).toBe('redis:7.4');
    app.write('/pos\r');
    await app.waitFor((f) => f.includes('filter: pos  (1 of 2)') && f.includes('postgres'), 'the filter kept');
  });

  it('the footer shows the keys of what has the keyboard: no list keys while a form is open', async () => {
    const { services } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    expect(app.frame()).toMatch(/d delete .*Enter open/);
    await app.press('R');
    await app.press('a');
    const footer = app.frame().split('\n').at(-2) ?? '';
    expect(footer).toContain('Tab next field');
    expect(footer).not.toMatch(/pull|delete|downloads/);
  });
});

describe('bindings as data: disabled commands and help', () => {
  it('a disabled command says why in the footer (and in help) instead of acting', async () => {
    const { services, downloads } = world();
    downloads.set([download('redis:7', { status: 'complete', percent: 100 })]);
    const app = renderApp(services);
    await app.press('D');
    await app.waitFor((f) => f.includes('redis:7'));
    await app.press('x');
    await app.waitFor((f) => f.includes('x: redis:7 is not running'), 'the reason in the footer');
    expect(downloads.cancelled).toEqual([]);
    await app.press('?');
    for (let page = 0; page < 10 && !app.frame().includes('(not now: redis:7 is not running)'); page++) await app.press(KEY.pageDown);
    expect(app.frame()).toContain('cancel the selected download (asks) (not now: redis:7 is not running)');
  });

  it('help scrolls with PgDn/PgUp/Home/End and g/G', async () => {
    const { services } = world();
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'));
    await app.press('?');
    await app.waitFor((f) => f.includes('Keys') && /\(1-\d+ of \d+;/.test(f));
    const range = () => /\((\d+)-(\d+) of (\d+);/.exec(app.frame())?.slice(1).map(Number) ?? [];
    const [, end, total] = range();
    await app.press(KEY.pageDown);
    expect(range()[0]).toBeGreaterThan(1);
    await app.press('G');
    expect(range()[1]).toBe(total);
    await app.press(KEY.pageUp);
    expect(range()[1]).toBeLessThan(total ?? 0);
    await app.press('g');
    expect(range()).toEqual([1, end, total]);
    await app.press(KEY.end);
    expect(range()[1]).toBe(total);
    await app.press(KEY.home);
    expect(range()[0]).toBe(1);
  });
});
