// The `/` filter field of a list: open it, type into it (keys come through the router), Enter keeps
// the text, Esc clears it (and, the field closed, Esc clears a kept filter before it goes back); every change puts the cursor back on the first row. A paste on the list
// opens the field with the pasted text.
import { useCallback, useState } from 'react';
import { PRIORITY, useCommands } from './inputRouter';
import { type TextUpdate, useTextInput } from './useTextInput';

export interface FilterField {
  editing: boolean;
  open(): void;
  /** Opens the field with `text` added at its end (a paste on the list). */
  paste(text: string): void;
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
      priority: PRIORITY.field,
      active: active && editing,
      typing: true,
      modal: true,
      onText: (event) => {
        input.onText(event);
        onChange();
      },
    },
  );
  // A kept filter: Esc clears it first (as Esc clears lazygit's), and only then goes back.
  useCommands(
    ['kept'],
    () => {
      update(() => '');
      onChange();
      return true;
    },
    { priority: PRIORITY.screen, active: active && !editing && value !== '' },
  );
  const { onText } = input;
  const paste = useCallback(
    (text: string) => {
      setEditing(true);
      onText({ kind: 'key', name: 'end', text: '' });
      onText({ kind: 'paste', text });
      onChange();
    },
    [onText, onChange],
  );
  // Opened again, the field puts its cursor at the end of the text it keeps.
  const open = useCallback(() => {
    setEditing(true);
    onText({ kind: 'key', name: 'end', text: '' });
  }, [onText]);
  return { editing, open, paste, cursor: input.cursor };
}
