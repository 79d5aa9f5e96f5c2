// The `/` filter field of a list: open it, type into it (keys come through the router), Enter keeps
// the text, Esc clears it; every change puts the cursor back on the first row.
import { useCallback, useState } from 'react';
import { useCommands } from './inputRouter';
import { type TextUpdate, useTextInput } from './useTextInput';

export interface FilterField {
  editing: boolean;
  open(): void;
  cursor: number;
}

export function useFilterField(options: { value: string; update: TextUpdate; active: boolean; onChange: () => void }): FilterField {
  const { value, update, active, onChange } = options;
  const [editing, setEditing] = useState(false);
  const input = useTextInput(value, update);
  useCommands(
    ['filter'],
    (command) => {
      if (command === 'filter.submit') setEditing(false);
      else if (command === 'filter.cancel') {
        update(() => '');
        setEditing(false);
      } else return false;
      onChange();
      return true;
    },
    {
      active: active && editing,
      typing: true,
      modal: true,
      onText: (text, key) => {
        input.onText(text, key);
        onChange();
      },
    },
  );
  return { editing, open: useCallback(() => setEditing(true), []), cursor: input.cursor };
}
