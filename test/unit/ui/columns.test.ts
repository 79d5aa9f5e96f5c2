// The lists' columns at the widths people use (80, 100 and 200 columns): what stays, what is cut first, and
// where the sort shows; the engines' state said whole. Pure presentation, no rendering.
import { describe, expect, it } from 'vitest';
import type { LocalRepository } from '../../../src/domain/images';
import { displayWidth, renderColumns } from '../../../src/domain/text';
import { ENGINE_SPECS, engineCells, engineProblem, engineWidths } from '../../../src/ui/screens/engines/presentation';
import type { UpdateMark } from '../../../src/ui/services';
import { LOCAL_COLUMNS, localCells, localRows } from '../../../src/ui/screens/depots/local';
import { headerLine, rowText, widthsFor, withNote } from '../../../src/ui/screens/depots/presentation';
import { createTheme } from '../../../src/ui/theme/theme';

const utf8 = createTheme({ LANG: 'en_US.UTF-8', NO_COLOR: '1' });
const ascii = createTheme({ LANG: 'C', NO_COLOR: '1' });
const NOW = Date.parse('2026-11-25T10:00:00Z');

const image = (tag: string, id: string, created: string, containers?: string[]) => ({ tag, id, size: 7_340_032, created, inUse: Boolean(containers), digests: [], ...(containers ? { containers } : {}) });
const repos: LocalRepository[] = [
  { name: '127.0.0.1:34091/team/beta', fullName: '127.0.0.1:34091/team/beta', images: [image('1.0', 'sha256:58956ba24ffa0000', '2026-11-25T09:47:00Z')], isLatest: [], inUse: false },
  { name: 'alpine', fullName: 'docker.io/library/alpine', images: [image('3.19', 'sha256:471334483dd20000', '2024-01-27T00:00:00Z')], isLatest: [], inUse: false },
  { name: 'redis', fullName: 'docker.io/library/redis', images: [image('7', 'sha256:5d977926f7a20000', '2024-02-01T00:00:00Z', ['cache'])], isLatest: [], inUse: true },
];
const marks = new Map<string, UpdateMark>([['docker.io/library/alpine:3.19', { id: 'sha256:471334483dd20000', status: 'update_available', newerTags: ['3.20'] } as UpdateMark]]);

function table(width: number, sort: 'name' | 'size' | 'age' = 'name', theme = utf8) {
  const rows = localRows(repos, sort);
  const cells = rows.map((row) => localCells(row, { theme, now: NOW, downloading: false, updates: marks }));
  // The list is drawn two cells in from the left (the pointer and a space).
  const widths = widthsFor('local', width - 2, cells, sort);
  return { widths, header: headerLine('local', widths, sort, theme), lines: cells.map((c) => rowText('local', c, widths, theme)) };
}
const column = (key: string) => LOCAL_COLUMNS.findIndex((c) => c.key === key);

describe('the Local list at 80 and 100 columns', () => {
  it('keeps IMAGE ID and CREATED at 80 columns and cuts the tags before anything else goes', () => {
    const { widths, header, lines } = table(80);
    expect(header).toContain('IMAGE ID');
    expect(header).toContain('CREATED');
    expect(widths[column('id')]).toBe(12);
    expect(lines.find((l) => l.includes('alpine'))).toMatch(/alpine\s+3\.19 …\s+471334483dd2\s+7\.34 MB +— 2 years ago/);
    // Every column but TYPE is still there (UNIQUE took its room, issue 23); the name keeps its end.
    for (const key of ['name', 'tags', 'size', 'unique', 'inUse']) expect(widths[column(key)], key).toBeGreaterThan(0);
    expect(widths[column('type')]).toBe(0);
    expect(lines[0]).toMatch(/^ {2}…\S*\/team\/beta /);
    for (const line of [header, ...lines]) expect(displayWidth(line)).toBeLessThanOrEqual(78);
  });

  it('shows every column whole at 100 columns but TYPE (it goes first), and the update with its arrow', () => {
    const { header, lines } = table(100);
    expect(header).toMatch(/NAME▲\s+TAGS\s+IMAGE ID\s+SIZE\s+UNIQUE CREATED\s+USED BY/);
    expect(table(120).header).toMatch(/NAME▲\s+TAGS\s+IMAGE ID\s+SIZE\s+UNIQUE CREATED\s+TYPE\s+USED BY/);
    expect(lines.find((l) => l.includes('alpine'))).toContain('3.19 → 3.20');
    expect(lines.find((l) => l.includes('team/beta'))).toContain('127.0.0.1:34091/team/beta');
    expect(lines.find((l) => l.includes('redis'))).toMatch(/cache\s*$/);
  });

  it('writes the update arrow and the sort marks in ASCII under LANG=C', () => {
    const { header, lines } = table(100, 'name', ascii);
    expect(lines.find((l) => l.includes('alpine'))).toContain('3.19 -> 3.20');
    expect(header).toContain('NAME ^');
    expect(table(100, 'age', ascii).header).toContain('CREATED v');
    for (const line of [header, ...lines]) expect(line).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('the sorted column', () => {
  it('carries the arrow', () => {
    expect(table(100, 'size').header).toMatch(/SIZE▼/);
    expect(table(100, 'age').header).toMatch(/CREATED▼/);
    expect(table(100, 'name').header).toMatch(/NAME▲/);
  });

  it('is named at the right of the header when the terminal is too narrow for its column', () => {
    // Narrower than the app allows, as the list inside a narrow pane would be: CREATED is the first to go.
    const { widths, header } = table(60, 'age');
    expect(widths[column('created')]).toBe(0);
    expect(header).toMatch(/sorted by age ▼$/);
    expect(displayWidth(header)).toBeLessThanOrEqual(58);
    expect(table(60, 'size').header).toMatch(/SIZE▼/);
  });

  it('gives way to the note word by word', () => {
    expect(withNote('NAME  TAGS  SIZE  USED BY', 'sorted by age v', 30)).toBe('NAME  TAGS     sorted by age v');
    expect(withNote('NAME', 'sorted by age v', 30)).toBe(`NAME${' '.repeat(11)}sorted by age v`);
  });
});

describe('the Engines list', () => {
  const down = { name: 'default', host: 'unix:///var/run/docker.sock', source: 'default', active: false, reachable: false, version: null, error: 'cannot reach the engine at unix:///var/run/docker.sock (is dockerd running? The address is the default socket)', saved: null } as const;
  const up = { name: 'DOCKER_HOST', host: 'unix:///dev/shm/sdw-J6vpJm/d.sock', source: 'env', active: true, reachable: true, version: '20.10.24', error: null, saved: null } as const;

  it('gives the address what it needs and the state the rest', () => {
    const widths = engineWidths([down, up], 78);
    expect(widths[3]).toBe(up.host.length);
    expect(renderColumns(engineCells(up), widths, ENGINE_SPECS)).toContain(up.host);
  });

  it('says whole, wrapped and indented, why the selected engine does not answer', () => {
    const lines = engineProblem(down, 60);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(/^default: not answering: cannot reach/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}\S/);
    expect(lines.map((l) => l.trim()).join(' ')).toContain('(is dockerd running? The address is the default socket)');
    expect(engineProblem(up, 60)).toEqual([]);
  });
});
