// Pure presentation of depot rows: columns per category, cells from domain objects, and the
// client-side filter of lists that filter as you type. Tested without rendering.
import type { RemoteImage } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { asciiText } from '../../../domain/prose';
import { type PriorityColumnSpec, displayWidth, layoutByPriority, renderColumns } from '../../../domain/text';
import { LOCAL_COLUMNS, type LocalSort, localHeaders } from './local';
import type { Theme } from '../../theme/theme';

export type DepotKind = 'local' | 'selected' | 'official' | 'dockerhub' | 'private';

export interface Columns {
  specs: PriorityColumnSpec[];
  headers: string[];
}

/** Names keep their end when cut (`…5000/team/web`) and get their room before the free text. */
const NAME = { grow: 2, max: 64, priority: 1, keep: 'end' } as const;

export function columnsFor(kind: DepotKind, sort: LocalSort = 'name', arrow = '↓'): Columns {
  switch (kind) {
    case 'local':
      return { headers: localHeaders(sort, arrow), specs: LOCAL_COLUMNS.map((c) => c.spec) };
    case 'selected':
      return {
        // TYPE: docker or lxc (the catalog's LXC entries, issue 14b), as in Local.
        headers: ['', 'NAME', 'TITLE', 'GROUP', 'TAG', 'TYPE', 'DESCRIPTION'],
        specs: [
          { width: 1 },
          { width: 14, ...NAME },
          { width: 10, grow: 1, max: 24, priority: 3, optional: true },
          { width: 5, max: 18, optional: true, priority: 4 },
          { width: 3, max: 10 },
          { width: 6 },
          // Room for a few words of the description before the title and group take theirs.
          { width: 20, grow: 4, priority: 5 },
        ],
      };
    case 'official':
      return { headers: ['', 'NAME', 'STARS', 'DESCRIPTION'], specs: [{ width: 1 }, { width: 12, ...NAME }, { width: 5, align: 'right' }, { width: 16, grow: 4, priority: 5 }] };
    case 'dockerhub':
      return {
        headers: ['', 'NAME', 'OFFICIAL', 'STARS', 'DESCRIPTION'],
        specs: [{ width: 1 }, { width: 14, ...NAME }, { width: 8 }, { width: 5, align: 'right' }, { width: 16, grow: 4, priority: 5 }],
      };
    case 'private':
      return { headers: ['', 'NAME', 'LOCATION'], specs: [{ width: 1 }, { width: 20, ...NAME }, { width: 16, grow: 3, priority: 5 }] };
  }
}

/** Widths that fit the content of every row (computed once per list, so scrolling keeps them). */
export function widthsFor(kind: DepotKind, width: number, cells: string[][], sort: LocalSort = 'name'): number[] {
  // Room for the widest sort mark (` v`, in ASCII) beside the sorted column's header.
  const c = columnsFor(kind, sort, ' v');
  return layoutByPriority(c.specs, c.headers, cells, width);
}

/**
 * The column headers; the sorted column carries the arrow (`CREATED▼`). When the sorted column is left out
 * (a narrow terminal), the header says the sort at its right end (`sorted by age ▼`), over the last
 * headers if it must.
 */
export function headerLine(kind: DepotKind, widths: number[], sort: LocalSort, theme: Theme, lxcServer = false): string {
  const arrow = sortMark(sort, theme);
  const c = columnsFor(kind, sort, arrow);
  // An LXC server's tab lists images by alias, with what each is (release, architecture, serial, size).
  const headers = lxcServer && kind === 'private' ? ['', 'ALIAS', 'IMAGE (release, architecture, serial, size)'] : c.headers;
  const line = renderColumns(headers, widths, c.specs).trimEnd();
  if (kind !== 'local') return line;
  const sorted = LOCAL_COLUMNS.findIndex((col) => col.sort === sort);
  if ((widths[sorted] ?? 0) > 0) return line;
  const shown = widths.filter((w) => w > 0);
  const total = shown.reduce((a, w) => a + w, 0) + Math.max(0, shown.length - 1);
  return withNote(line, `sorted by ${sort} ${arrow.trim()}`, total);
}

/** ▲ for names (A to Z), ▼ for sizes and ages (largest, newest first); ` ^`/` v` in ASCII (`CREATED v`). */
export function sortMark(sort: LocalSort, theme: Theme): string {
  const arrow = sort === 'name' ? theme.glyph.arrowUp : theme.glyph.arrowDown;
  return theme.ascii ? ` ${arrow}` : arrow;
}

/** `text` with `note` at the right end of `width` cells; words of `text` that are in the way give way. */
export function withNote(text: string, note: string, width: number): string {
  const room = width - displayWidth(note) - 2;
  let head = text;
  while (head && displayWidth(head) > room) head = head.replace(/\s*\S+\s*$/, '');
  head = head.trimEnd();
  return `${head}${' '.repeat(Math.max(head ? 2 : 0, width - displayWidth(head) - displayWidth(note)))}${note}`;
}

function mark(image: RemoteImage, theme: Theme): string {
  if (image.downloading) return theme.glyph.downloading;
  if (image.installed) return theme.glyph.installed;
  return '';
}

export function remoteCells(kind: Exclude<DepotKind, 'local'>, image: RemoteImage, theme: Theme): string[] {
  const cells = remoteCellsOf(kind, image, theme);
  // A terminal that is not UTF-8 cannot show a registry's `’` or `é`: their ASCII forms keep the columns.
  return theme.ascii ? cells.map(asciiText) : cells;
}

function remoteCellsOf(kind: Exclude<DepotKind, 'local'>, image: RemoteImage, theme: Theme): string[] {
  const d = sanitizeLine(image.description);
  const stars = image.starCount === undefined ? '' : String(image.starCount);
  switch (kind) {
    case 'selected':
      return [mark(image, theme), sanitizeLine(image.name), sanitizeLine(image.title ?? ''), sanitizeLine(image.group ?? ''), image.type === 'lxc' ? '-' : sanitizeLine(image.version ?? ''), image.type ?? 'docker', d];
    case 'official':
      return [mark(image, theme), sanitizeLine(image.name), stars, d];
    case 'dockerhub':
      return [mark(image, theme), sanitizeLine(image.name), image.isOfficial ? theme.glyph.official : '', stars, d];
    case 'private':
      return [mark(image, theme), sanitizeLine(image.name), sanitizeLine(image.location)];
  }
}

export function rowText(kind: DepotKind, cells: string[], widths: number[], theme: Theme): string {
  return renderColumns(cells, widths, columnsFor(kind).specs, 1, theme.glyph.ellipsis);
}

/** Case-insensitive match of every word of `filter` against the row's searchable text. */
export function matches(filter: string, haystack: string[]): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack.join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

export function remoteHaystack(i: RemoteImage): string[] {
  return [i.name, i.title ?? '', i.description, i.group ?? '', i.type ?? ''];
}

/** Indexes of the rows that match (all of them without a filter): rows keep their cells and widths. */
export function filterIndices<T>(items: readonly T[], filter: string, haystack: (item: T) => string[]): number[] {
  const all = items.map((_, i) => i);
  return filter.trim() ? all.filter((i) => matches(filter, haystack(items[i] as T))) : all;
}


export function remoteRef(image: RemoteImage): string {
  // An LXC entry is named by its alias alone (a download takes the newest serial).
  if (image.type === 'lxc') return image.name;
  return `${image.name}:${image.version || 'latest'}`;
}

/** The depot a row's requests go to: an LXC entry's simplestreams server (`lxd:NAME`), else the tab's registry. */
export function rowRegistry(image: RemoteImage, tabRegistry: string | undefined): string | undefined {
  return image.type === 'lxc' ? `lxd:${image.server ?? 'images'}` : tabRegistry;
}

