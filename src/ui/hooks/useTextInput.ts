// Editing state of a one-line text field. Keys reach it through the input router (the typing
// layer's `onText`), which listens for the app's whole life: a key typed right after a field opens,
// or several keys in one burst, are never lost to a handler that is not subscribed yet or stale.
import type { Key } from 'ink';
import { useCallback, useRef, useState } from 'react';

export type TextUpdate = (update: (previous: string) => string) => void;

export interface TextInputState {
  cursor: number;
  onText(input: string, key: Key): void;
}

/** Printable text from a key press (a paste arrives as one string); control characters dropped. */
function printable(input: string): string {
  return input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

export function useTextInput(value: string, update: TextUpdate): TextInputState {
  const cursorRef = useRef(value.length);
  const [, rerender] = useState(0);
  const valueRef = useRef(value);
  valueRef.current = value;
  // A value replaced from outside (cleared, reset) moves the cursor to its end.
  if (cursorRef.current > value.length) cursorRef.current = value.length;

  const move = (to: number) => {
    cursorRef.current = Math.max(0, Math.min(valueRef.current.length, to));
    rerender((n) => n + 1);
  };

  const onText = useCallback(
    (input: string, key: Key) => {
      const at = Math.min(cursorRef.current, valueRef.current.length);
      if (key.leftArrow) return move(at - 1);
      if (key.rightArrow) return move(at + 1);
      if (key.home) return move(0);
      if (key.end) return move(valueRef.current.length);
      if (key.backspace || key.delete) {
        if (at === 0) return;
        const next = valueRef.current.slice(0, at - 1) + valueRef.current.slice(at);
        valueRef.current = next;
        cursorRef.current = at - 1;
        update(() => next);
        return;
      }
      if (key.ctrl || key.meta) return;
      const text = printable(input);
      if (!text) return;
      const next = valueRef.current.slice(0, at) + text + valueRef.current.slice(at);
      valueRef.current = next;
      cursorRef.current = at + text.length;
      update(() => next);
    },
    // `update` is a state setter or built on one; refs carry the rest.
     
    [update],
  );

  return { cursor: Math.min(cursorRef.current, value.length), onText };
}
