// The selection and scroll window of a virtualised list. Only `height` rows are rendered; the
// window moves the least needed to keep the selection visible.
import { useCallback, useMemo, useState } from 'react';

export interface ListCursor {
  selected: number;
  offset: number;
  up(): void;
  down(): void;
  pageUp(): void;
  pageDown(): void;
  first(): void;
  last(): void;
  select(index: number): void;
  /** Handles the `list.*` movement commands; returns false for others. */
  command(id: string): boolean;
}

export function clampWindow(selected: number, offset: number, count: number, height: number): { selected: number; offset: number } {
  const sel = count === 0 ? 0 : Math.max(0, Math.min(selected, count - 1));
  const h = Math.max(1, height);
  let off = Math.max(0, Math.min(offset, Math.max(0, count - h)));
  if (sel < off) off = sel;
  if (sel >= off + h) off = sel - h + 1;
  return { selected: sel, offset: off };
}

export function useListCursor(count: number, height: number): ListCursor {
  const [state, setState] = useState({ selected: 0, offset: 0 });
  const view = useMemo(() => clampWindow(state.selected, state.offset, count, height), [state, count, height]);
  const move = useCallback(
    (to: (s: number) => number) =>
      setState((s) => {
        const cur = clampWindow(s.selected, s.offset, count, height);
        return clampWindow(to(cur.selected), cur.offset, count, height);
      }),
    [count, height],
  );
  const page = Math.max(1, height - 1);
  const cursor: ListCursor = {
    ...view,
    up: () => move((s) => s - 1),
    down: () => move((s) => s + 1),
    pageUp: () => move((s) => s - page),
    pageDown: () => move((s) => s + page),
    first: () => move(() => 0),
    last: () => move(() => count - 1),
    select: (index) => move(() => index),
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
