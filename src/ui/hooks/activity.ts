// What the app is waiting for: lists being fetched, service calls, actions running. The whole-app idle
// signal (src/ui/input/idle.ts) is "no key queued and nothing here"; each entry has a label so a test
// that waits too long can say what it waited on.
import { createContext, useContext } from 'react';

export class Activity {
  private readonly running = new Map<number, string>();
  private readonly listeners = new Set<() => void>();
  private next = 1;

  /** Something starts; the function returned ends it (calling it again does nothing). */
  begin(label: string): () => void {
    const id = this.next++;
    this.running.set(id, label);
    this.emit();
    return () => {
      if (this.running.delete(id)) this.emit();
    };
  }

  /** Tracks a promise until it settles (or `signal` aborts: an abandoned request is not waited for). */
  track<T>(label: string, promise: Promise<T>, signal?: AbortSignal): Promise<T> {
    const end = this.begin(label);
    signal?.addEventListener('abort', end, { once: true });
    promise.then(end, end);
    return promise;
  }

  /** What is running, '' when nothing. */
  get busy(): string {
    const labels = [...this.running.values()];
    return labels.length === 0 ? '' : `${labels.slice(0, 3).join(', ')}${labels.length > 3 ? ` and ${labels.length - 3} more` : ''}`;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const ActivityContext = createContext<Activity | null>(null);

/** The app's activity (none outside the app: nothing is tracked). */
export function useActivity(): Activity | null {
  return useContext(ActivityContext);
}
