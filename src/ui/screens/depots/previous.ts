// The image an update replaced, as the Local list shows it (issue 22): a mark in the row's first column, and
// "previous: 3 days ago" for the selected row; `b` rolls its tag back (useRollbackAction). Pure.
import { formatAge } from '../../../domain/format';
import type { PreviousImage } from '../../services';
import type { LocalRow } from './local';

/** The kept images by `fullName:tag` (from `updates.previous`). */
export type PreviousMap = ReadonlyMap<string, PreviousImage>;

/** The first tag of the row that has a kept previous image, with that image; null when none has. */
export function rowPrevious(row: LocalRow, previous: PreviousMap | undefined): { tag: string; image: PreviousImage } | null {
  if (!previous || previous.size === 0 || row.repo.fullName === '' || row.repo.type === 'lxc') return null;
  for (const tag of row.tags) {
    const image = previous.get(`${row.repo.fullName}:${tag}`);
    if (image && image.id !== row.id) return { tag, image };
  }
  return null;
}

/** What `b` on a row rolls back: a tag, the kept image it goes back to, and the image it points at now. */
export interface RollbackTarget {
  tag: string;
  image: PreviousImage;
  currentId: string;
}

/**
 * What `b` on this row rolls back: the row's own tag that has a kept image, or, on the kept image's own row (the
 * old image after an update, untagged now), the tag of its repository it was kept for. Null: nothing.
 */
export function rollbackTarget(row: LocalRow, previous: PreviousMap | undefined, rows: readonly LocalRow[]): RollbackTarget | null {
  const own = rowPrevious(row, previous);
  if (own) return { ...own, currentId: row.id };
  if (!previous || row.repo.fullName === '' || row.repo.type === 'lxc') return null;
  for (const [key, image] of previous) {
    if (image.id !== row.id || !key.startsWith(`${row.repo.fullName}:`)) continue;
    const tag = key.slice(row.repo.fullName.length + 1);
    const current = rows.find((r) => r.repo.fullName === row.repo.fullName && r.tags.includes(tag));
    if (current && current.id !== row.id) return { tag, image, currentId: current.id };
  }
  return null;
}

/**
 * What the line over the list says about the selected row: `previous: 3 days ago (b rolls back)`, with the tag
 * when the row has several (`previous of 1.27: …`); on the kept image's row, whose previous image it is; ''
 * otherwise. Ages from the injected clock.
 */
export function previousText(row: LocalRow | undefined, previous: PreviousMap | undefined, now: number, rows: readonly LocalRow[] = []): string {
  if (!row) return '';
  const own = rowPrevious(row, previous);
  if (own) return `previous${row.tags.length > 1 ? ` of ${own.tag}` : ''}: ${formatAge(own.image.replacedAt, now)} (b rolls back)`;
  // The kept image's own row: b puts its tag back on it.
  const kept = rollbackTarget(row, previous, rows);
  return kept ? `previous image of ${kept.tag}, replaced ${formatAge(kept.image.replacedAt, now)} (b rolls back)` : '';
}
