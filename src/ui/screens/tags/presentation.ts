import { formatAge, formatBytes } from '../../../domain/format';
import type { TagDetail, TagList } from '../../../domain/images';
import { asciiText } from '../../../domain/prose';
import { type PriorityColumnSpec, layoutByPriority, renderColumns } from '../../../domain/text';
import { sanitizeLine } from '../../../domain/sanitize';
import type { Theme } from '../../theme/theme';
import { sameAsText } from '../../../domain/versions';

export interface TagRow {
  name: string;
  installed: boolean;
  detail: TagDetail | undefined;
}

const SPECS: PriorityColumnSpec[] = [{ width: 1 }, { width: 8, grow: 2, max: 60, priority: 1, keep: 'end' }, { width: 8, align: 'right' }, { width: 7, max: 15 }, { width: 12, grow: 3, priority: 5 }];
const HEADERS = ['', 'TAG', 'SIZE', 'UPDATED', 'PLATFORMS'];

export function tagRows(list: TagList): TagRow[] {
  const details = new Map(list.details.map((d) => [d.name, d]));
  const installed = new Set(list.installed);
  return list.tags.map((name) => ({ name, installed: installed.has(name), detail: details.get(name) }));
}

export function filterTags(rows: TagRow[], filter: string): TagRow[] {
  const f = filter.trim().toLowerCase();
  return f ? rows.filter((r) => r.name.toLowerCase().includes(f)) : rows;
}

/** Platforms seen across the tags, in a stable order (for the platform choice). */
export function platformsOf(list: TagList): string[] {
  const seen = new Set<string>();
  for (const d of list.details) for (const p of d.platforms) seen.add(p);
  return [...seen].sort();
}

/** `pending`: shown in the empty cells of a tag being looked up (`…`). */
export function tagCells(row: TagRow, theme: Theme, now: number, pending = ''): string[] {
  const d = row.detail;
  const cells = [
    row.installed ? theme.glyph.installed : '',
    sanitizeLine(row.name),
    d?.size != null ? formatBytes(d.size) : pending,
    d?.lastUpdated ? formatAge(d.lastUpdated, now) : pending,
    d && d.platforms.length ? d.platforms.map(sanitizeLine).join(', ') : pending,
  ];
  return theme.ascii ? cells.map(asciiText) : cells;
}

/** Rows with the details looked up one by one (a failed lookup leaves the row as it was). */
export function withDetails(rows: readonly TagRow[], looked: ReadonlyMap<string, TagDetail | 'failed'>): TagRow[] {
  if (looked.size === 0) return rows as TagRow[];
  return rows.map((r) => {
    const d = looked.get(r.name);
    return d && d !== 'failed' ? { ...r, detail: { ...d, platforms: d.platforms.map(sanitizeLine) } } : r;
  });
}

export function tagWidths(cells: string[][], width: number): number[] {
  return layoutByPriority(SPECS, HEADERS, cells, width);
}

export function tagHeader(widths: number[]): string {
  return renderColumns(HEADERS, widths, SPECS).trimEnd();
}

export function tagRowText(cells: string[], widths: number[], theme: Theme): string {
  return renderColumns(cells, widths, SPECS, 1, theme.glyph.ellipsis);
}

/** The list rows the platform picker leaves: at least this many stay on show. */
const MIN_LIST_ROWS = 3;

/**
 * The platform picker under the list: the options on show (a window around the chosen one when there are
 * more than fit), what it says about the others, and the rows it takes (border, title and hint included).
 */
export function pickerLayout(picking: { options: readonly string[]; index: number }, listHeight: number): { options: { option: string; index: number }[]; index: number; more: string; rows: number } {
  const n = picking.options.length;
  const fits = Math.max(1, listHeight - MIN_LIST_ROWS - 4);
  const shown = Math.min(n, fits);
  const start = Math.max(0, Math.min(n - shown, picking.index - Math.floor(shown / 2)));
  const options = picking.options.slice(start, start + shown).map((option, i) => ({ option, index: start + i }));
  return { options, index: picking.index, more: shown < n ? `${picking.index + 1}/${n}` : '', rows: shown + 4 };
}

/** The list's window with `taken` of its rows given to something under it: the selected row stays in view. */
export function listWindow(cursor: { selected: number; offset: number }, height: number, taken: number): { offset: number; height: number } {
  const rows = Math.max(1, height - taken);
  const offset = Math.min(cursor.selected, Math.max(cursor.offset, cursor.selected - rows + 1));
  return { offset: Math.max(0, offset), height: rows };
}

/**
 * What the Tags screen says about `latest` (issue 22): `latest = 1.27.3, also 1.27, mainline` when the tag list
 * gave digests (Docker Hub) or `v` asked (`asked`: the tags found then). `known`: nothing more to ask;
 * `has`: the repository has a `latest` tag.
 */
export function latestVersions(list: TagList, asked: readonly string[] | null): { text: string | null; known: boolean; has: boolean } {
  const has = list.tags.includes('latest');
  const detail = list.details.find((d) => d.name === 'latest');
  const same = (asked ?? (detail?.sameAs && detail.sameAs.length > 0 ? detail.sameAs : null))?.map(sanitizeLine) ?? null;
  // The list gave latest's digest (Docker Hub): what shares it is known, nothing to ask.
  const known = asked !== null || Boolean(detail?.digest);
  return { text: same && same.length > 0 ? sameAsText('latest', same) : null, known, has };
}
