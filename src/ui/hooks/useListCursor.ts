// The selection and scroll window of a virtualised list, keyed by identity: the cursor holds the
// selected row's id, so it stays on that row through reloads, sorts and filters (lazygit restores the
// selection by id after a refresh). When the row goes (deleted, filtered out) the cursor stays at its
// place in the list. Only `height` rows are rendered; the window moves the least needed to keep the
// selection visible.
import { useCallback, useLayoutEffect, useMemo, useState } from 'react';
import type { CommandId } from '../keys/bindings';

export interface ListCursor {
  /** Index of the selected row in `ids` (0 when the list is empty). */
  selected: number;
  /** The selected row's id (undefined when the list is empty). */
  id: string | undefined;
  offset: number;
  up(): void;
  down(): void;
  pageUp(): void;
  pageDown(): void;
  first(): void;
  last(): void;
  /** Selects the row with this id (nothing when it is not in the list). */
  select(id: string): void;
  /** The list is about to show other rows (a new filter): keep the row if it stays, else the first. */
  keepOrFirst(): void;
  /** Handles the `list.*` movement commands; returns false for others. */
  command(id: CommandId | string): boolean;
}

export function clampWindow(selected: number, offset: number, count: number, height: number): { selected: number; offset: number } {
  const sel = count === 0 ? 0 : Math.max(0, Math.min(selected, count - 1));
  const h = Math.max(1, height);
  let off = Math.max(0, Math.min(offset, Math.max(0, count - h)));
  if (sel < off) off = sel;
  if (sel >= off + h) off = sel - h + 1;
  return { selected: sel, offset: off };
}

interface CursorState {
  /** The selected row (null: none chosen yet, the row at `index`). */
  id: string | null;
  /** Where the selected row was last seen: the place kept when it goes. */
  index: number;
  offset: number;
}

/** Where the state's row is in `ids` now (its id, else its last place). */
function placeOf(state: CursorState, ids: readonly string[]): number {
  const at = state.id === null ? -1 : ids.indexOf(state.id);
  return at >= 0 ? at : Math.max(0, Math.min(state.index, ids.length - 1));
}

export const MOVES = ['list.up', 'list.down', 'list.pageUp', 'list.pageDown', 'list.first', 'list.last'] as const satisfies readonly CommandId[];

export function useListCursor(ids: readonly string[], height: number): ListCursor {
  const [state, setState] = useState<CursorState>({ id: null, index: 0, offset: 0 });
  const view = useMemo(() => clampWindow(placeOf(state, ids), state.offset, ids.length, height), [state, ids, height]);
  // The row on show is the one followed from now on (the first rows arriving, or the row that took
  // the place of one that went).
  const shown = ids[view.selected];
  useLayoutEffect(() => {
    if (shown !== undefined && shown !== state.id) setState((s) => (s.id === state.id ? { ...s, id: shown, index: view.selected } : s));
  }, [shown, state.id, view.selected]);
  // Moves are functional: a burst of `j` in one commit composes (each from the last one's place).
  const move = useCallback(
    (to: (at: number) => number) =>
      setState((s) => {
        const at = placeOf(s, ids);
        const next = clampWindow(to(at), s.offset, ids.length, height);
        return { id: ids[next.selected] ?? null, index: next.selected, offset: next.offset };
      }),
    [ids, height],
  );
  const page = Math.max(1, height - 1);
  const cursor: ListCursor = {
    ...view,
    id: ids[view.selected],
    up: () => move((s) => s - 1),
    down: () => move((s) => s + 1),
    pageUp: () => move((s) => s - page),
    pageDown: () => move((s) => s + page),
    first: () => move(() => 0),
    last: () => move(() => ids.length - 1),
    select: (id) => {
      const at = ids.indexOf(id);
      if (at >= 0) move(() => at);
    },
    keepOrFirst: () => setState((s) => ({ ...s, index: 0, offset: 0 })),
    command(id) {
      const actions: Record<string, () => void> = {
        'list.up': cursor.up,
        'list.down': cursor.down,
        'list.pageUp': cursor.pageUp,
        'list.pageDown': cursor.pageDown,
        'list.first': cursor.first,
        'list.last': cursor.last,
      };
      const act = actions[id];
      if (!act) return false;
      act();
      return true;
    },
  };
  return cursor;
}
