import type { ExternalStore } from './useStore';

export interface SampleOptions<T> {
  /** Shortest time between two publications of changes that are only progress (bars, bytes, speed). */
  intervalMs: number;
  /** What must show at once when it changes (a download starting or ending): compared as a string. */
  urgent?: (value: T) => string;
  /** The app's clock (milliseconds). */
  now: () => number;
}

/**
 * A store whose value is sampled: progress ticks are folded into at most one publication per
 * `intervalMs` (the last value wins), while a change of `urgent(value)` is published at once. Every
 * reader of the sampled store (the Downloads screen, the status bar) changes in the same frame, so a
 * slow link gets one frame per interval, not one per reader. It listens to `source` only while it has
 * listeners itself.
 */
export function sampledStore<T>(source: ExternalStore<T>, options: SampleOptions<T>): ExternalStore<T> {
  const { intervalMs, urgent, now } = options;
  const listeners = new Set<() => void>();
  let value = source.getSnapshot();
  let stop: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastPublish = 0;
  let lastUrgent = urgent?.(value) ?? '';
  const publish = (): void => {
    timer = null;
    lastPublish = now();
    const next = source.getSnapshot();
    if (next === value) return;
    value = next;
    lastUrgent = urgent?.(value) ?? '';
    for (const l of [...listeners]) l();
  };
  const onChange = (): void => {
    const key = urgent?.(source.getSnapshot()) ?? '';
    if (key !== lastUrgent) {
      if (timer) clearTimeout(timer);
      publish();
      return;
    }
    if (timer) return;
    timer = setTimeout(publish, Math.max(0, lastPublish + intervalMs - now()));
  };
  return {
    getSnapshot: () => value,
    subscribe(listener) {
      listeners.add(listener);
      if (!stop) {
        stop = source.subscribe(onChange);
        // What changed while nobody listened.
        publish();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stop) {
          stop();
          stop = null;
          if (timer) clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
}
