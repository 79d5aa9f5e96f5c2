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

/**
 * What the line over the list says about the selected row: `previous: 3 days ago (b rolls back)`, with the tag
 * when the row has several (`previous of 1.27: …`); '' when it has none. Ages from the injected clock.
 */
export function previousText(row: LocalRow | undefined, previous: PreviousMap | undefined, now: number): string {
  if (!row) return '';
  const kept = rowPrevious(row, previous);
  if (!kept) return '';
  const of = row.tags.length > 1 ? ` of ${kept.tag}` : '';
  return `previous${of}: ${formatAge(kept.image.replacedAt, now)} (b rolls back)`;
}
