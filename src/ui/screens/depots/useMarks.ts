// Marks on the Local list (issue 23, as in lazygit and mc): space marks or unmarks the selected image, by
// its image ID, so a mark survives reloads, filters and sorts (and drops out when the image is gone). The
// disk service's plan says what deleting the marked images frees (layers shared only among them count as
// freed); `d` deletes the whole set with one question, Esc clears the marks.
import { useEffect, useMemo, useState } from 'react';
import { type ReclaimPlan, reclaimSummary } from '../../../domain/diskUsage';
import { formatBytes } from '../../../domain/format';
import type { LocalRepository } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { type Action, disabled, now, task } from '../../actions/action';
import { type UiServices, errorText } from '../../services';
import { type LocalRow, localRowDeleteRefs, shortId } from './local';
import type { ShownRows } from './useDepotRows';

export interface Marks {
  /** Marked image IDs (those still on the engine). */
  ids: ReadonlySet<string>;
  /** What deleting them frees, once worked out for exactly these marks. */
  plan: ReclaimPlan | null;
  /** The plan for the marks on show is being worked out (`d` waits for it). */
  planning: boolean;
  /** The line over the list: "2 marked: 2 images, frees 3 MB; 1 layer stays, used by web:1", or null. */
  line: string | null;
  mark: Action;
  /** `d` while images are marked (undefined: nothing marked, `d` deletes the selected row). */
  deleteMarked: Action | undefined;
  clear: Action | undefined;
}

/** How a row is named in a question: `web:1, 1.0` or `dangling 0123456789ab`. */
export function rowLabel(row: LocalRow): string {
  return row.repo.name === '<none>' ? `dangling ${shortId(row.id)}` : `${sanitizeLine(row.repo.name)}:${row.tags.map(sanitizeLine).join(', ')}`;
}

/** Names as lines of at most `width` cells, at most `max` lines (the last says how many more). */
export function nameLines(names: readonly string[], width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, name] of names.entries()) {
    const next = line ? `${line}, ${name}` : name;
    if (line && next.length > width) {
      if (lines.length === max - 1) {
        lines.push(`${line}, and ${names.length - i} more`);
        return lines;
      }
      lines.push(`${line},`);
      line = name;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const keyOf = (ids: Iterable<string>): string => [...ids].sort().join(',');

export function useMarks(props: {
  services: UiServices;
  rows: ShownRows | undefined;
  /** The listing the rows come from (the disk service counts sharing over all of it). */
  repos: readonly LocalRepository[] | undefined;
  selected: LocalRow | undefined;
  none: string;
  reload(): void;
}): Marks {
  const { services, rows, repos, selected, none, reload } = props;
  const disk = services.disk;
  const [marked, setMarked] = useState<ReadonlySet<string>>(() => new Set());
  const items = rows?.kind === 'local' ? rows.items : undefined;

  // Marks of images that are gone drop out (an image deleted elsewhere, a reload after a delete).
  useEffect(() => {
    if (!items) return;
    const present = new Set(items.map((r) => r.id));
    setMarked((m) => ([...m].every((id) => present.has(id)) ? m : new Set([...m].filter((id) => present.has(id)))));
  }, [items]);

  // What deleting the marked images frees, from the disk service (again for each new listing).
  const key = keyOf(marked);
  const [planned, setPlanned] = useState<{ key: string; repos: readonly LocalRepository[]; plan: ReclaimPlan | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!disk || !repos || marked.size === 0) return undefined;
    const abort = new AbortController();
    disk.plan(repos, [...marked], abort.signal).then(
      (plan) => !abort.signal.aborted && setPlanned({ key, repos, plan, error: null }),
      (error: unknown) => !abort.signal.aborted && setPlanned({ key, repos, plan: null, error: errorText(error) }),
    );
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `marked`
  }, [disk, repos, key]);
  const current = planned && planned.key === key && planned.repos === repos ? planned : null;
  const plan = current?.plan ?? null;
  const planning = marked.size > 0 && current === null && disk !== undefined && repos !== undefined;

  const rowsOf = useMemo(() => {
    const byId = new Map<string, LocalRow[]>();
    for (const row of items ?? []) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
    return byId;
  }, [items]);

  let line: string | null = null;
  if (marked.size > 0) {
    const what = current?.error ? `cannot work out what deleting them frees: ${current.error}` : plan ? sanitizeLine(reclaimSummary(plan)) : 'working out what deleting them frees';
    line = `${marked.size} marked: ${what}`;
  }

  const mark: Action = !disk
    ? disabled('this engine does not say what images cost on disk')
    : !selected
      ? disabled(none)
      : selected.repo.type === 'lxc'
        ? disabled('LXC images are not marked: d deletes one')
        : now(() => {
            const id = selected.id;
            setMarked((m) => {
              const next = new Set(m);
              if (next.has(id)) next.delete(id);
              else next.add(id);
              return next;
            });
          });

  const clear = marked.size > 0 ? now(() => setMarked(new Set())) : undefined;

  let deleteMarked: Action | undefined;
  if (marked.size > 0 && disk && repos) {
    if (!plan) deleteMarked = disabled(current?.error ? `cannot work out what deleting the marked images frees: ${current.error}` : 'still working out what deleting the marked images frees');
    else deleteMarked = deleteSet({ services, disk, repos, plan, rowsOf, clear: () => setMarked(new Set()), reload });
  }
  return { ids: marked, plan, planning, line, mark, deleteMarked, clear };
}

function deleteSet(props: {
  services: UiServices;
  disk: NonNullable<UiServices['disk']>;
  repos: readonly LocalRepository[];
  plan: ReclaimPlan;
  rowsOf: ReadonlyMap<string, LocalRow[]>;
  clear(): void;
  reload(): void;
}): Action {
  const { services, disk, repos, plan, rowsOf, clear, reload } = props;
  const label = (id: string): string => (rowsOf.get(id) ?? []).map(rowLabel).join(', ') || shortId(id);
  const going = plan.images.map(label);
  const used = plan.inUse.map((u) => `${label(u.id)}${u.containers.length ? ` (${u.containers.map(sanitizeLine).join(', ')})` : ''}`);
  const count = plan.images.length + plan.inUse.length;
  const lines = [...nameLines(going, 70, 4), sanitizeLine(reclaimSummary(plan))];
  if (used.length > 0) {
    lines.push(...nameLines([`used by a container: ${used[0] ?? ''}`, ...used.slice(1)], 70, 2));
    lines.push(plan.images.length > 0 ? 'y deletes the others; f also untags these (the containers keep running on them)' : 'only f (force) deletes them: the containers keep running on the untagged images');
  }
  return task({
    question: {
      title: `Delete ${count === 1 ? 'the marked image' : `the ${count} marked images`}?`,
      lines,
      // As the single delete: an image a container uses goes only by force (y alone would fail for it).
      answers: [...(plan.images.length > 0 ? (['yes'] as const) : []), ...(plan.inUse.length > 0 ? (['force'] as const) : [])],
      destroys: true,
    },
    run: async (answer) => {
      const removal = plan.images.length > 0 ? await disk.remove(repos, plan.images) : null;
      const forced: string[] = [];
      const failed = [...(removal?.failed.map((f) => `${sanitizeLine(f.label)}: ${sanitizeLine(f.message)}`) ?? [])];
      if (answer === 'force') {
        for (const u of plan.inUse) {
          for (const row of rowsOf.get(u.id) ?? []) {
            for (const ref of localRowDeleteRefs(row)) {
              try {
                await services.local.remove(ref, { force: true });
                forced.push(ref);
              } catch (error) {
                failed.push(`${ref}: ${errorText(error)}`);
              }
            }
          }
        }
      }
      clear();
      return { removal, forced, failed };
    },
    success: ({ removal, forced, failed }) => {
      const n = removal?.images.length ?? 0;
      const parts = [`deleted ${n} image${n === 1 ? '' : 's'}, freed ${formatBytes(removal?.spaceReclaimed ?? 0)}`];
      if (forced.length > 0) parts.push(`untagged ${forced.join(', ')}`);
      if (failed.length > 0) return { kind: 'error', text: `${parts.join('; ')}; not deleted: ${failed.join('; ')}` };
      return parts.join('; ');
    },
    refresh: reload,
  });
}
