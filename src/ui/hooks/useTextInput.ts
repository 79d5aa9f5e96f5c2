// Editing state of a one-line text field. Keys reach it through the input router (the typing
// layer's `onText`), one at a time and in order; a paste arrives as one event and goes in literally
// (line breaks and control characters dropped: the field is one line). The readline keys people
// expect: ctrl+a/e (start/end), ctrl+u/k (delete to start/end), ctrl+w (delete a word back),
// left/right, home/end, backspace, delete.
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { KeyEvent } from '../input/tokenizer';

export type TextUpdate = (update: (previous: string) => string) => void;

export interface TextInputState {
  cursor: number;
  onText(event: KeyEvent): void;
}

/** Text a key or a paste inserts: control characters (C0, DEL, C1) and line breaks dropped. */
export function printable(input: string): string {
  return input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

export interface EditResult {
  value: string;
  cursor: number;
}

/** One key applied to a field's text and cursor (pure: the hook and the tests use it). */
export function applyEdit(value: string, cursor: number, event: KeyEvent): EditResult {
  const at = Math.max(0, Math.min(cursor, value.length));
  if (event.kind === 'paste') {
    const text = printable(event.text);
    return { value: value.slice(0, at) + text + value.slice(at), cursor: at + text.length };
  }
  switch (event.name) {
    case 'left':
      return { value, cursor: Math.max(0, at - 1) };
    case 'right':
      return { value, cursor: Math.min(value.length, at + 1) };
    case 'home':
    case 'ctrl+a':
      return { value, cursor: 0 };
    case 'end':
    case 'ctrl+e':
      return { value, cursor: value.length };
    case 'backspace':
      return at === 0 ? { value, cursor: at } : { value: value.slice(0, at - 1) + value.slice(at), cursor: at - 1 };
    case 'delete':
      return { value: value.slice(0, at) + value.slice(at + 1), cursor: at };
    case 'ctrl+u':
      return { value: value.slice(at), cursor: 0 };
    case 'ctrl+k':
      return { value: value.slice(0, at), cursor: at };
    case 'ctrl+w': {
      // The word before the cursor and the spaces after it, as readline's unix-word-rubout.
      let start = at;
      while (start > 0 && value[start - 1] === ' ') start--;
      while (start > 0 && value[start - 1] !== ' ') start--;
      return { value: value.slice(0, start) + value.slice(at), cursor: start };
    }
    default: {
      const text = printable(event.text);
      if (!text) return { value, cursor: at };
      return { value: value.slice(0, at) + text + value.slice(at), cursor: at + text.length };
    }
  }
}

export function useTextInput(value: string, update: TextUpdate): TextInputState {
  const cursorRef = useRef(value.length);
  const [, rerender] = useState(0);
  // The value of the last commit: keys are applied one per commit, so this is what the previous key left.
  const valueRef = useRef(value);
  useLayoutEffect(() => {
    valueRef.current = value;
  });
  // A value replaced from outside (cleared, reset, another tab's) moves the cursor to its end.
  if (value !== valueRef.current) cursorRef.current = value.length;
  else if (cursorRef.current > value.length) cursorRef.current = value.length;

  const onText = useCallback(
    (event: KeyEvent) => {
      const previous = valueRef.current;
      const next = applyEdit(previous, cursorRef.current, event);
      cursorRef.current = next.cursor;
      valueRef.current = next.value;
      if (next.value !== previous) update(() => next.value);
      else rerender((n) => n + 1);
    },
    // `update` is a state setter or built on one; refs carry the rest.
    [update],
  );

  return { cursor: Math.min(cursorRef.current, value.length), onText };
}
