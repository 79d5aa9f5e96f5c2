// Remote lookups that are cancellable and race-free (STYLE.md): each new key aborts the previous
// request, answers for an old key are dropped, "loading" shows only after `loadingDelayMs`, and a
// search can be debounced while the user types.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  data: T | undefined;
  /** True once a request has been running for longer than the loading delay. */
  loading: boolean;
  error: unknown;
  /** Runs the current query again (refresh). */
  reload(): void;
}

export interface QueryOptions<T = unknown> {
  /** Wait this long after the key changes before asking (typing). */
  debounceMs?: number;
  loadingDelayMs?: number;
  /** When false, nothing is requested and the state stays as it is. */
  enabled?: boolean;
  /** Keep showing the previous data while the next answer is on its way. */
  keepPrevious?: boolean;
  /** An answer already at hand for the first key: shown at once, and not asked for again until a reload. */
  initial?: T | undefined;
}

export function useQuery<T>(key: string, run: (signal: AbortSignal) => Promise<T>, options: QueryOptions<T> = {}): QueryState<T> {
  const { debounceMs = 0, loadingDelayMs = 100, enabled = true, keepPrevious = true } = options;
  // `key` is the key the data and error belong to: after the key changes, the previous answer is not
  // this key's (a key typed right after `3` must not act on the rows of the tab that was left).
  const [state, setState] = useState<{ data: T | undefined; loading: boolean; error: unknown; key: string }>({ data: options.initial, loading: false, error: undefined, key });
  const [generation, setGeneration] = useState(0);
  const runRef = useRef(run);
  runRef.current = run;
  const skipFirst = useRef(options.initial !== undefined ? key : null);

  useEffect(() => {
    if (!enabled) return undefined;
    if (skipFirst.current !== null) {
      const initialKey = skipFirst.current;
      skipFirst.current = null;
      if (initialKey === key && generation === 0) return undefined;
    }
    const controller = new AbortController();
    // The function of THIS key: a timer that fires after a newer render must not run the newer one.
    const runForKey = runRef.current;
    let done = false;
    setState((s) => (keepPrevious ? (s.error === undefined && !s.loading ? s : { ...s, loading: false, error: undefined }) : { data: undefined, loading: false, error: undefined, key }));
    const loadingTimer = setTimeout(() => {
      if (!done) setState((s) => ({ ...s, loading: true }));
    }, debounceMs + loadingDelayMs);
    const start = setTimeout(() => {
      runForKey(controller.signal).then(
        (data) => {
          if (controller.signal.aborted) return; // a newer key owns the state now
          done = true;
          setState({ data, loading: false, error: undefined, key });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          done = true;
          setState((s) => ({ data: keepPrevious ? s.data : undefined, loading: false, error, key }));
        },
      );
    }, debounceMs);
    return () => {
      done = true;
      controller.abort();
      clearTimeout(start);
      clearTimeout(loadingTimer);
    };
  }, [key, generation, enabled, debounceMs, loadingDelayMs, keepPrevious]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = state.key === key;
  return { data: current || keepPrevious ? state.data : undefined, loading: state.loading, error: current ? state.error : undefined, reload };
}
