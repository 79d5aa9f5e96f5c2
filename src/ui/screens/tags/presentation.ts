import { formatAge, formatBytes } from '../../../domain/format';
import type { TagDetail, TagList } from '../../../domain/images';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import type { Theme } from '../../theme/theme';

export interface TagRow {
  name: string;
  installed: boolean;
  detail: TagDetail | undefined;
}

const SPECS: ColumnSpec[] = [{ width: 1 }, { width: 14, grow: 2 }, { width: 8, align: 'right' }, { width: 14 }, { width: 12, grow: 3 }];
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

export function tagHeader(width: number): string {
  return renderColumns(HEADERS, layoutColumns(SPECS, width), SPECS).trimEnd();
}

export function tagRowText(row: TagRow, width: number, theme: Theme, now: number): string {
  const d = row.detail;
  const cells = [
    row.installed ? theme.glyph.installed : '',
    row.name,
    d?.size != null ? formatBytes(d.size) : '',
    d?.lastUpdated ? formatAge(d.lastUpdated, now) : '',
    d ? d.platforms.join(', ') : '',
  ];
  return renderColumns(cells, layoutColumns(SPECS, width), SPECS, 1, theme.glyph.ellipsis);
}
