// A list a screen shows, with its `/` filter and a cursor keyed by row id: the rows that match, the
// selected one, and the list commands as actions (moves, filter). Every list filters the same way
// (DESIGN.md "TUI keys": `/` on every list); the selection follows its row through filters and reloads.
import { useMemo, useState } from 'react';
import { type Action, type Actions, disabled, now } from '../actions/action';
import type { CommandId } from '../keys/bindings';
import { matches } from '../screens/depots/presentation';
import { type FilterField, useFilterField } from './useFilterField';
import { type ListCursor, MOVES, useListCursor } from './useListCursor';

export interface FilteredList<T> {
  filter: string;
  /** The rows that match the filter, in order. */
  shown: readonly T[];
  cursor: ListCursor;
  field: FilterField;
  selected: T | undefined;
}

export function useFilteredList<T>(options: { rows: readonly T[]; id: (row: T) => string; haystack: (row: T) => string[]; height: number; active: boolean }): FilteredList<T> {
  const { rows, id, haystack, height, active } = options;
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => (filter.trim() ? rows.filter((r) => matches(filter, haystack(r))) : rows), [rows, filter, haystack]);
  const ids = useMemo(() => shown.map(id), [shown, id]);
  const cursor = useListCursor(ids, height);
  const field = useFilterField({ value: filter, update: setFilter, active, onChange: cursor.keepOrFirst });
  return { filter, shown, cursor, field, selected: shown[cursor.selected] };
}

/** The cursor moves as actions (disabled on an empty list: nothing to move through). */
export function moveActions(cursor: ListCursor, count: number, empty = 'the list is empty'): Actions {
  const out: Actions = {};
  for (const id of MOVES) out[id] = count === 0 ? disabled(empty) : now(() => cursor.command(id));
  return out;
}

/** Moves and `/` for a list. */
export function listActions(list: Pick<FilteredList<unknown>, 'cursor' | 'field' | 'shown'>, empty?: string): Actions {
  const filter: Action = now(() => list.field.open());
  return { ...moveActions(list.cursor, list.shown.length, empty), ['list.filter' satisfies CommandId]: filter };
}
