// Rough edges a new user meets at 80x24 and 100x30 (issue 19, item 7): the platform picker beside the tags,
// wrapped help and messages that keep their indent, form values in one column, the inspect screen's blank
// lines and wrapped digests, the status line's words, and ASCII under LANG=C.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteInspect } from '../../src/domain/images';
import { fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

/** The frame at `columns` x `rows`, as a terminal of that size would give it. */
function sized(app: ReturnType<typeof renderApp>, columns: number, rows: number): void {
  Object.defineProperty(app.stdout, 'columns', { get: () => columns, configurable: true });
  Object.defineProperty(app.stdout, 'rows', { get: () => rows, configurable: true });
  app.stdout.emit('resize');
}

const lines = (frame: string) => frame.split('\n');
/** Text a frame shows inside a box's border (`│ text │` -> `text`). */
const inner = (line: string) => line.replace(/^[│|] ?/, '').replace(/ *[│|]$/, '');

const manyTags = Array.from({ length: 40 }, (_, i) => `tag-${String(i).padStart(2, '0')}`);

describe('the platform picker (P on Tags)', () => {
  it('opens under the list: the title, the column header, the selected tag and its own title stay in view', async () => {
    const { services } = fakeServices({
      local: [],
      remote: { official: [remoteImage('redis', { starCount: 1 })] },
      tags: {
        name: 'redis',
        fullName: 'docker.io/library/redis',
        installed: [],
        tags: manyTags,
        details: manyTags.map((name) => ({ name, size: 40_000_000, lastUpdated: '2026-11-22T00:00:00Z', digest: `sha256:${name}`, platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'] })),
      },
    });
    const app = renderApp(services);
    sized(app, 80, 24);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('40 tags'));
    for (let i = 0; i < 12; i++) await app.press('j');
    await app.waitFor((f) => /› +tag-12/.test(f), 'tag-12 selected');
    await app.press('P');
    const f = await app.waitFor((x) => x.includes('Platforms of tag-12'), 'the picker').then(() => app.frame());
    expect(f).toMatch(/redis {2}40 tags/);
    expect(f).toMatch(/TAG +SIZE +UPDATED +PLATFORMS/);
    expect(f).toMatch(/› +tag-12 /);
    for (const option of ["default (the engine's)", 'linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']) expect(f).toContain(option);
    expect(f).toContain('Enter picks  Esc closes');
    // The tag rows on show are a run with none missing, ending at the selected one.
    const shown = lines(f)
      .map((l) => /^[ ›] +tag-(\d\d) /.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => shown[0]! + i));
    expect(shown[shown.length - 1]).toBe(12);
    // The picker is under the list, and the frame is still 23 rows (one less than the terminal).
    expect(lines(f).findIndex((l) => l.includes('Platforms of'))).toBeGreaterThan(lines(f).findIndex((l) => l.includes('tag-12')));
    expect(lines(f).length).toBe(23);
    await app.press(KEY.escape);
    await app.waitFor((x) => !x.includes('Platforms of') && x.includes('tag-12'), 'the picker closed');
  });
});

describe('wrapped text', () => {
  it('help wraps long descriptions under themselves at 80 columns instead of cutting them', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    sized(app, 80, 24);
    await app.waitFor((f) => f.includes('redis'));
    await app.press('?');
    await app.waitFor((f) => f.includes('Anywhere'));
    const f = app.frame();
    expect(f).not.toContain('…');
    const rows = lines(f).map(inner);
    const at = rows.findIndex((l) => /^ {2}e +show the whole error message/.test(l));
    expect(at).toBeGreaterThan(0);
    const column = rows[at]!.indexOf('show');
    // The continuation starts in the description's column, the keys column blank.
    expect(rows[at + 1]!.slice(0, column).trim()).toBe('');
    expect(rows[at + 1]!.slice(column)).toMatch(/^\S/);
    expect(`${rows[at]!.slice(column)} ${rows[at + 1]!.slice(column)}`).toContain('show the whole error message when the banner cuts it (where e is not bound)');
  });

  it('the message pane (e) wraps the whole message, an indented line keeping its indent', async () => {
    const { services, warn } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    sized(app, 80, 24);
    await app.waitFor((f) => f.includes('redis'));
    warn('the settings file was damaged and has been moved aside\n  hint: the old file is kept next to it as settings.json.bad; stevedore doctor checks the folder');
    await app.waitFor((f) => f.includes('e: whole'), 'the cut banner');
    await app.press('e');
    await app.waitFor((f) => f.includes('Esc closes'), 'the message pane');
    const rows = lines(app.frame()).map(inner);
    const hint = rows.findIndex((l) => l.startsWith('  hint: the old file'));
    expect(hint).toBeGreaterThan(0);
    expect(rows[hint + 1]).toMatch(/^ {2}\S/);
    expect(`${rows[hint]} ${rows[hint + 1]!.trim()}`).toContain('settings.json.bad; stevedore doctor checks the folder');
    // Inside the border and its padding: 76 cells of text.
    for (const l of lines(app.frame()).filter((x) => x.startsWith('│'))) expect(inner(l).length).toBeLessThanOrEqual(76);
  });
});

describe('forms', () => {
  it('line up their placeholders and values in one column, the focused empty field too', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    sized(app, 80, 24);
    const valueColumns = (f: string, labels: string[]) =>
      labels.map((label) => {
        const row = lines(f).find((l) => new RegExp(`[›>]? +${label} `).test(inner(l))) ?? '';
        const at = row.indexOf(label) + label.length;
        return at + (/^ +/.exec(row.slice(at))?.[0].length ?? 0);
      });
    const open = async (screen: string, title: string) => {
      await app.press(screen);
      await app.press('a');
      await app.waitFor((f) => f.includes(title), title);
      return app.frame();
    };
    const registry = await open('R', 'Add a registry');
    const columns = valueColumns(registry, ['Name', 'URL', 'API', 'Trust cert', 'Username', 'Password']);
    expect(new Set(columns).size, registry).toBe(1);
    expect(registry).toMatch(/Name +e\.g\. lab/);
    await app.press(KEY.escape);
    const repository = await open('E', 'Add a saved repository');
    expect(valueColumns(repository, ['Name', 'Username', 'Password']), repository).toEqual([columns[0], columns[0], columns[0]]);
    await app.press(KEY.escape);
    const engine = await open('C', 'Add an engine');
    expect(valueColumns(engine, ['Name', 'Host', 'Docker path', 'TLS verify', 'Cert path']), engine).toEqual(Array(5).fill(columns[0]));
  });
});

const inspectFixture: RemoteInspect = {
  name: 'registry.example.com:5000/team/app',
  tag: '1.0',
  digest: `sha256:${'4af1f0a8d1c57a9a'.repeat(4)}`,
  manifestDigest: `sha256:${'4af1f0a8d1c57a9a'.repeat(4)}`,
  platform: 'linux/amd64',
  platforms: ['linux/amd64'],
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  created: '2026-11-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  variant: null,
  config: { cmd: ['serve'], entrypoint: ['/app'], env: [`JAVA_OPTS=${'-Xmx512m -Dfile.encoding=UTF-8 '.repeat(4).trim()}`], exposedPorts: [], labels: {}, workingDir: '/srv', user: 'app' },
  layers: [{ digest: `sha256:${'30719c04e757ee21'.repeat(4)}`, size: 120_000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
  size: 121_000,
};

describe('Inspect', () => {
  it('keeps its blank lines and wraps digests and values under themselves at 80 columns', async () => {
    const { services } = fakeServices({ local: [], remote: { official: [remoteImage('redis', { starCount: 1 })] }, tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['1.0'], details: [] }, inspect: inspectFixture });
    const app = renderApp(services);
    sized(app, 80, 40);
    await app.press('3');
    await app.waitFor((f) => f.includes('redis'));
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('1 tag'));
    await app.press('i');
    await app.waitFor((f) => f.includes('Layers'), 'the inspect screen');
    const rows = lines(app.frame());
    // A blank line before each section after the first.
    for (const title of ['Config', 'Layers']) expect(rows[rows.findIndex((l) => l === title) - 1]?.trim()).toBe('');
    expect(app.frame()).not.toContain('…');
    // The digest of the layer goes on under its own start.
    const layer = rows.findIndex((l) => /^ {2}1 +120 kB {2}sha256:/.test(l));
    const column = rows[layer]!.indexOf('sha256:');
    expect(rows[layer + 1]!.slice(0, column).trim()).toBe('');
    expect(rows[layer + 1]![column]).toMatch(/[0-9a-f]/);
    // An Env entry goes on under its own indent.
    const env = rows.findIndex((l) => l.includes('JAVA_OPTS='));
    const indent = rows[env]!.indexOf('JAVA_OPTS=');
    expect(rows[env + 1]!.slice(0, indent).trim()).toBe('');
    expect(rows[env + 1]![indent]).toMatch(/\S/);
  });
});

describe('LANG=C', () => {
  it('draws the sort marks, the status line, the wrapped help and remote text in ASCII (the update arrow: test/unit/ui/columns)', async () => {
    const { services } = fakeServices({
      local: [localRepo('alpine', ['3.19']), localRepo('redis', ['7'])],
      remote: { official: [remoteImage('redis', { starCount: 1, description: 'Redis is the world’s fastest data platform — “in memory”' })] },
    });
    const app = renderApp(services, { env: { LANG: 'C', NO_COLOR: '1' } });
    sized(app, 80, 24);
    await app.waitFor((f) => f.includes('alpine') && f.includes('Docker Hub pulls left') === false && f.includes('pulls left'));
    const screens = [app.frame()];
    expect(app.frame()).toContain('NAME ^');
    expect(app.frame()).toContain('Hub pulls left: 87/100');
    await app.press('s');
    await app.press('s');
    await app.press('s');
    await app.waitFor((f) => f.includes('CREATED v'), 'sorted by age');
    await app.press('?');
    await app.waitFor((f) => f.includes('Anywhere'));
    screens.push(app.frame());
    await app.press(KEY.escape);
    await app.press('3');
    // A registry's typographic punctuation in its ASCII form.
    await app.waitFor((f) => f.includes(`Redis is the world's fastest data platform - "in memory"`), 'the description in ASCII');
    screens.push(app.frame());
    for (const s of screens) expect([...s].filter((c) => c > '\x7f').join('')).toBe('');
  });
});
