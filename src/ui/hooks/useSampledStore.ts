import { useEffect, useRef, useState } from 'react';
import type { ExternalStore } from './useStore';

export interface SampleOptions<T> {
  /** Shortest time between two frames for changes that are only progress (bars, bytes, speed). */
  intervalMs: number;
  /** What must show at once when it changes (a download starting or ending): compared as a string. */
  urgent?: (value: T) => string;
  /** Off: no subscription at all (a screen under another one). */
  active?: boolean;
  /** The app's clock (milliseconds). */
  now: () => number;
}

/**
 * A store's value, sampled: progress ticks are folded into at most one frame per `intervalMs`
 * (the last value wins), while a change of `urgent(value)` shows at once. Over a slow link this is
 * what keeps a Downloads screen light: a bar a person watches does not need ten frames a second.
 */
export function useSampledStore<T>(store: ExternalStore<T>, options: SampleOptions<T>): T {
  const { intervalMs, urgent, active = true, now } = options;
  const [value, setValue] = useState(() => store.getSnapshot());
  const urgentRef = useRef(urgent);
  urgentRef.current = urgent;
  useEffect(() => {
    if (!active) return undefined;
    let timer: NodeJS.Timeout | null = null;
    let lastFrame = 0;
    let lastUrgent = urgentRef.current?.(store.getSnapshot()) ?? '';
    const show = (): void => {
      timer = null;
      lastFrame = now();
      setValue(store.getSnapshot());
    };
    const onChange = (): void => {
      const next = store.getSnapshot();
      const key = urgentRef.current?.(next) ?? '';
      if (key !== lastUrgent) {
        lastUrgent = key;
        if (timer) clearTimeout(timer);
        show();
        return;
      }
      if (timer) return;
      const wait = Math.max(0, lastFrame + intervalMs - now());
      timer = setTimeout(show, wait);
    };
    // Whatever changed while it was not listening.
    show();
    const unsubscribe = store.subscribe(onChange);
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, intervalMs, active, now]);
  return value;
}
