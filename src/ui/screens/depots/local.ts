// The Local depot as rows: one row per image (its ID) with all its tags in that repository, its own
// size and age; rows of one repository stay together, in the chosen order. Columns are a list of
// definitions (header, layout, cell), so a new column (a type, an update mark) is one more entry.
import type { ImageDiskSize } from '../../../domain/diskUsage';
import { formatAge, formatBytes } from '../../../domain/format';
import type { LocalRepository } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import type { PriorityColumnSpec } from '../../../domain/text';
import type { UpdateMark } from '../../services';
import type { Theme } from '../../theme/theme';
import { type PreviousMap, rowPrevious } from './previous';

/** One image of a repository (several tags of one image are one row). */
export interface LocalRow {
  repo: LocalRepository;
  /** Full image ID (`sha256:…`). */
  id: string;
  /** Its tags in this repository (`<none>` when it has none here). */
  tags: string[];
  size: number;
  /** ISO 8601. */
  created: string;
  inUse: boolean;
  /** Names of the containers that use it. */
  containers: string[];
}

export type LocalSort = 'name' | 'size' | 'unique' | 'age';
export const LOCAL_SORTS: readonly LocalSort[] = ['name', 'size', 'unique', 'age'];

/** Unique bytes by image ID as far as known: absent = not worked out yet, null = cannot be told. */
export type UniqueSizes = ReadonlyMap<string, ImageDiskSize>;

export function nextSort(sort: LocalSort): LocalSort {
  return LOCAL_SORTS[(LOCAL_SORTS.indexOf(sort) + 1) % LOCAL_SORTS.length] ?? 'name';
}

const NONE = '<none>';

/** The rows of one repository: its images in the order the service gave (latest first, newest first). */
function repoRows(repo: LocalRepository): LocalRow[] {
  const byId = new Map<string, LocalRow>();
  for (const image of repo.images) {
    let row = byId.get(image.id);
    if (!row) {
      row = { repo, id: image.id, tags: [], size: image.size, created: image.created, inUse: image.inUse, containers: image.containers ?? [] };
      byId.set(image.id, row);
    }
    if (!row.tags.includes(image.tag)) row.tags.push(image.tag);
  }
  // A tag beside `<none>` says it all.
  for (const row of byId.values()) if (row.tags.length > 1) row.tags = row.tags.filter((t) => t !== NONE);
  return [...byId.values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every image as a row. `name`: repositories by name (as the service orders them), `latest` first
 * within one; `size`: repositories by their largest image, largest first; `unique`: the same by the bytes
 * each image alone holds (not known yet: last); `age`: by their newest image, newest first; within a
 * repository the same key decides. Dangling images stay last.
 */
export function localRows(repos: readonly LocalRepository[], sort: LocalSort = 'name', unique?: UniqueSizes): LocalRow[] {
  const groups = repos.map((repo) => ({ repo, rows: repoRows(repo) }));
  if (sort !== 'name') {
    const key = (r: LocalRow): number => (sort === 'size' ? r.size : sort === 'unique' ? (unique?.get(r.id)?.unique ?? -1) : Date.parse(r.created) || 0);
    for (const g of groups) g.rows.sort((a, b) => key(b) - key(a) || compare(a.id, b.id));
    const best = (g: { rows: LocalRow[] }) => g.rows.reduce((m, r) => Math.max(m, key(r)), -Infinity);
    groups.sort((a, b) => Number(a.repo.name === NONE) - Number(b.repo.name === NONE) || best(b) - best(a) || compare(a.repo.name, b.repo.name));
  }
  return groups.flatMap((g) => g.rows);
}

export interface LocalCellContext {
  theme: Theme;
  now: number;
  /** The repository has a download running. */
  downloading: boolean;
  /** The last update checks, by `fullName:tag` (issue 12); absent when none ran. */
  updates?: ReadonlyMap<string, UpdateMark>;
  /** What each image alone holds on disk, as far as worked out (issue 23); absent: not asked. */
  unique?: UniqueSizes;
  /** Image IDs marked with space. */
  marked?: ReadonlySet<string>;
  /** The images kept for a rollback, by `fullName:tag` (issue 22); absent when none is known. */
  previous?: PreviousMap;
}

/** What the update checks say about one row: an update for any of its tags, and the newest version seen. */
export function rowUpdate(row: LocalRow, marks: ReadonlyMap<string, UpdateMark> | undefined): { available: boolean; newest: string | null } {
  if (!marks || row.repo.fullName === '') return { available: false, newest: null };
  let available = false;
  let newest: string | null = null;
  for (const tag of row.tags) {
    const m = marks.get(`${row.repo.fullName}:${tag}`);
    if (!m || m.id !== row.id) continue;
    if (m.status === 'update_available') available = true;
    newest ??= m.newerTags[0] ?? null;
  }
  return { available, newest };
}

export interface LocalColumn {
  key: string;
  header: string;
  spec: PriorityColumnSpec;
  cell(row: LocalRow, ctx: LocalCellContext): string;
  /** The sort this column's header shows (`SIZE↓`). */
  sort?: LocalSort;
}

export function shortId(id: string): string {
  return id.replace(/^(?:sha256|lxc):/, '').slice(0, 12);
}

/**
 * The Local list's columns, left to right. The name, the image ID and the age are served first (the ID and the
 * age go only when even the narrowest columns do not fit); the tags give up their room first, then the
 * containers; the name is cut last (keeping its end).
 */
export const LOCAL_COLUMNS: readonly LocalColumn[] = [
  {
    key: 'mark',
    header: '',
    spec: { width: 1 },
    cell: (r, c) =>
      c.marked?.has(r.id)
        ? c.theme.glyph.marked
        : c.downloading
          ? c.theme.glyph.downloading
          : rowUpdate(r, c.updates).available
            ? c.theme.glyph.update
            : rowPrevious(r, c.previous)
              ? c.theme.glyph.previous
              : '',
  },
  { key: 'name', header: 'NAME', sort: 'name', spec: { width: 12, grow: 3, max: 64, priority: 1, keep: 'end' }, cell: (r) => sanitizeLine(r.repo.name) },
  {
    key: 'tags',
    header: 'TAGS',
    spec: { width: 6, grow: 2, max: 40, priority: 2 },
    cell: (r, c) => {
      if (r.repo.name === NONE) return 'dangling';
      const newest = rowUpdate(r, c.updates).newest;
      return `${r.tags.map(sanitizeLine).join(', ')}${newest ? ` ${c.theme.glyph.arrowRight} ${sanitizeLine(newest)}` : ''}`;
    },
  },
  { key: 'id', header: 'IMAGE ID', spec: { width: 12, optional: true, priority: 1 }, cell: (r) => shortId(r.id) },
  { key: 'size', header: 'SIZE', sort: 'size', spec: { width: 8, align: 'right' }, cell: (r) => formatBytes(r.size) },
  // The bytes deleting this image alone frees (its layers no other image holds): `—` until worked out (the
  // rows on screen first), `?` when the engine's history does not tell. LXC images are not counted.
  { key: 'unique', header: 'UNIQUE', sort: 'unique', spec: { width: 8, align: 'right' }, cell: (r, c) => uniqueCell(r, c) },
  { key: 'created', header: 'CREATED', sort: 'age', spec: { width: 7, max: 15, optional: true, priority: 1 }, cell: (r, c) => (r.created ? formatAge(r.created, c.now) : '-') },
  // Docker or LXC (issue 14: LXD's images join the Local depot). Before the containers: that free text
  // is last and takes the room a wide terminal has left.
  // At 80 columns it is the first to go (UNIQUE took its room): LXC rows still say `-` under UNIQUE.
  { key: 'type', header: 'TYPE', spec: { width: 6, optional: true, priority: 5 }, cell: (r) => r.repo.type ?? 'docker' },
  { key: 'inUse', header: 'USED BY', spec: { width: 7, grow: 1, max: 30, priority: 4 }, cell: (r) => r.containers.map(sanitizeLine).join(', ') || (r.inUse ? 'yes' : '') },
];

function uniqueCell(row: LocalRow, ctx: LocalCellContext): string {
  if (row.repo.type === 'lxc') return '-';
  const known = ctx.unique?.get(row.id);
  if (known === undefined) return ctx.theme.ascii ? '-' : '—';
  return known.unique === null ? '?' : formatBytes(known.unique);
}

export function localHeaders(sort: LocalSort, arrow: string): string[] {
  return LOCAL_COLUMNS.map((c) => (c.sort === sort ? `${c.header}${arrow}` : c.header));
}

export function localCells(row: LocalRow, ctx: LocalCellContext): string[] {
  return LOCAL_COLUMNS.map((c) => c.cell(row, ctx));
}

export function localRowHaystack(r: LocalRow): string[] {
  return [r.repo.name, ...r.tags, shortId(r.id), ...r.containers];
}

/** The reference inspect and pull use: `name:tag`, else the image ID. */
export function localRowRef(row: LocalRow): string {
  if (row.repo.name === NONE || row.repo.type === 'lxc') return row.id;
  const tag = row.tags.find((t) => t !== NONE);
  return tag ? `${row.repo.name}:${tag}` : row.id;
}

/** What deleting the row removes: each of its tags here (the image goes with its last tag), or the ID. */
export function localRowDeleteRefs(row: LocalRow): string[] {
  const tags = row.tags.filter((t) => t !== NONE);
  return row.repo.name === NONE || row.repo.type === 'lxc' || tags.length === 0 ? [row.id] : tags.map((t) => `${row.repo.name}:${t}`);
}

/** How many rows a list of repositories makes (the tab's count). */
export function localRowCount(repos: readonly LocalRepository[]): number {
  return repos.reduce((n, r) => n + new Set(r.images.map((i) => i.id)).size, 0);
}
