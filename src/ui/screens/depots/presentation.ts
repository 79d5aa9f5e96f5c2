// Pure presentation of depot rows: columns per category, cells from domain objects, and the
// client-side filter of lists that filter as you type. Tested without rendering.
import type { LocalRepository, RemoteImage } from '../../../domain/images';
import { formatAge, formatBytes } from '../../../domain/format';
import { sanitizeLine } from '../../../domain/sanitize';
import { type ColumnSpec, layoutToContent, renderColumns } from '../../../domain/text';
import type { Theme } from '../../theme/theme';

export type DepotKind = 'local' | 'selected' | 'official' | 'dockerhub' | 'private';

export interface Columns {
  specs: (ColumnSpec & { max?: number })[];
  headers: string[];
}

export function columnsFor(kind: DepotKind): Columns {
  switch (kind) {
    case 'local':
      return {
        headers: ['', 'NAME', 'TAGS', 'SIZE', 'CREATED', 'IN USE'],
        specs: [{ width: 1 }, { width: 12, grow: 3, max: 64 }, { width: 6, grow: 2, max: 48 }, { width: 7, align: 'right' }, { width: 7, max: 15 }, { width: 6 }],
      };
    case 'selected':
      return {
        headers: ['', 'NAME', 'TITLE', 'GROUP', 'TAG', 'DESCRIPTION'],
        specs: [{ width: 1 }, { width: 14, grow: 2, max: 40 }, { width: 10, grow: 1, max: 24 }, { width: 5, max: 10 }, { width: 3, max: 10 }, { width: 10, grow: 4 }],
      };
    case 'official':
      return { headers: ['', 'NAME', 'STARS', 'DESCRIPTION'], specs: [{ width: 1 }, { width: 12, grow: 1, max: 40 }, { width: 5, align: 'right' }, { width: 16, grow: 4 }] };
    case 'dockerhub':
      return {
        headers: ['', 'NAME', 'OFFICIAL', 'STARS', 'DESCRIPTION'],
        specs: [{ width: 1 }, { width: 14, grow: 2, max: 48 }, { width: 8 }, { width: 5, align: 'right' }, { width: 16, grow: 4 }],
      };
    case 'private':
      return { headers: ['', 'NAME', 'LOCATION'], specs: [{ width: 1 }, { width: 20, grow: 2, max: 64 }, { width: 16, grow: 3 }] };
  }
}

/** Widths that fit the content of every row (computed once per list, so scrolling keeps them). */
export function widthsFor(kind: DepotKind, width: number, cells: string[][]): number[] {
  const c = columnsFor(kind);
  return layoutToContent(c.specs, c.headers, cells, width);
}

export function headerLine(kind: DepotKind, widths: number[]): string {
  const c = columnsFor(kind);
  return renderColumns(c.headers, widths, c.specs).trimEnd();
}

export function localCells(repo: LocalRepository, downloading: boolean, theme: Theme, now: number): string[] {
  const sizes = repo.images.map((i) => i.size);
  const newest = repo.images.reduce<string>((acc, i) => (i.created > acc ? i.created : acc), '');
  const tags = repo.images.map((i) => i.tag).filter((t, i, all) => all.indexOf(t) === i);
  return [
    downloading ? theme.glyph.downloading : '',
    sanitizeLine(repo.name),
    repo.name === '<none>' ? `${repo.images.length} dangling` : tags.join(', '),
    sizes.length ? formatBytes(sizes.reduce((a, b) => Math.max(a, b), 0)) : '-',
    newest ? formatAge(newest, now) : '-',
    repo.inUse ? 'yes' : '',
  ];
}

function mark(image: RemoteImage, theme: Theme): string {
  if (image.downloading) return theme.glyph.downloading;
  if (image.installed) return theme.glyph.installed;
  return '';
}

export function remoteCells(kind: Exclude<DepotKind, 'local'>, image: RemoteImage, theme: Theme): string[] {
  const d = sanitizeLine(image.description);
  const stars = image.starCount === undefined ? '' : String(image.starCount);
  switch (kind) {
    case 'selected':
      return [mark(image, theme), sanitizeLine(image.name), sanitizeLine(image.title ?? ''), sanitizeLine(image.group ?? ''), sanitizeLine(image.version ?? ''), d];
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

export function localHaystack(r: LocalRepository): string[] {
  return [r.name, ...r.images.map((i) => i.tag), ...r.images.map((i) => i.id.slice(7, 19))];
}

export function remoteHaystack(i: RemoteImage): string[] {
  return [i.name, i.title ?? '', i.description, i.group ?? ''];
}

/** Indexes of the rows that match (all of them without a filter): rows keep their cells and widths. */
export function filterIndices<T>(items: readonly T[], filter: string, haystack: (item: T) => string[]): number[] {
  const all = items.map((_, i) => i);
  return filter.trim() ? all.filter((i) => matches(filter, haystack(items[i] as T))) : all;
}


/** The reference a pull or inspect of a depot row uses. */
export function localRef(repo: LocalRepository): string | null {
  if (repo.name === '<none>') return repo.images[0]?.id ?? null;
  const tag = repo.images.find((i) => i.tag !== '<none>')?.tag;
  return tag ? `${repo.name}:${tag}` : (repo.images[0]?.id ?? null);
}

export function remoteRef(image: RemoteImage): string {
  return `${image.name}:${image.version || 'latest'}`;
}

