// A terminal resize drawn once, cleanly. Ink answers 'resize' at once by drawing the tree it has: the one laid
// out for the old size, since React applies the app's new size (useTerminalSize) a moment later. After a
// width-only shrink (100 -> 80 columns) that frame is wider than the terminal: its lines wrap, the screen
// scrolls, and old rows stay on screen until Ctrl-L. So Ink's own resize listener is taken off the stream and
// called from the commit in which the app has re-rendered for the new size: Ink then clears what it drew
// (when narrower) and draws the new frame whole.
import React, { useLayoutEffect, useRef } from 'react';
import { useTerminalSize } from '../ui/hooks/useTerminalSize';

type Listener = (...args: unknown[]) => void;

/**
 * How long a resize waits for the app's re-render before Ink is told anyway: the app re-renders only when the
 * size changed (a resize and its undoing within one frame do not), and a busy machine can take a while.
 */
export const RESIZE_DEADLINE_MS = 1000;

export interface ResizeRelay {
  /** The app has re-rendered for the terminal's size: Ink draws it now. */
  resized(): void;
  /** Puts Ink's listeners back on the stream (when the app ends). */
  release(): void;
}

/**
 * Takes Ink's 'resize' listener off the stream: the first one added since `before` was read (Ink adds it in
 * its constructor, before the tree renders; the app's own, from useTerminalSize, come after it as the tree
 * mounts and stay on the stream). It runs when the app has re-rendered (`resized`), or after a deadline when
 * it does not.
 */
export function relayResize(stream: NodeJS.EventEmitter, before: ReadonlySet<unknown>, deadlineMs = RESIZE_DEADLINE_MS): ResizeRelay {
  const taken = (stream.listeners('resize') as Listener[]).filter((l) => !before.has(l)).slice(0, 1);
  let timer: NodeJS.Timeout | undefined;
  // A resize the app has not re-rendered for yet (Ink may have been told already, after the deadline).
  let pending = false;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const l of taken) l();
  };
  const onResize = () => {
    pending = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, deadlineMs);
  };
  for (const l of taken) stream.off('resize', l);
  stream.on('resize', onResize);
  return {
    resized: () => {
      if (!pending) return;
      pending = false;
      run();
    },
    release: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      stream.off('resize', onResize);
      for (const l of taken) stream.on('resize', l);
    },
  };
}

/** Calls `onResized` in the commit that lays the app out for a new terminal size. */
export function ResizeGate({ onResized, children }: { onResized: () => void; children: React.ReactNode }): React.JSX.Element {
  const { columns, rows } = useTerminalSize();
  const first = useRef(true);
  const callback = useRef(onResized);
  callback.current = onResized;
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    callback.current();
  }, [columns, rows]);
  return <>{children}</>;
}
