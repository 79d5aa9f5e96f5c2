// Remote lookups that are cancellable and race-free (STYLE.md): each new key aborts the previous
// request, answers for an old key are dropped, "loading" shows only after `loadingDelayMs`, and a
// search can be debounced while the user types. The query owns one cache, by key, written only with
// answers it keeps: going back to a key shows what it answered last (marked `fetching` while it is
// asked again), never an answer that was dropped or belongs to another key.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useActivity } from './activity';

export interface QueryState<T> {
  /** This key's last kept answer (it may be asked again right now: see `fetching`). */
  data: T | undefined;
  /** A request for this key is due or in flight: what `data` shows may be about to change. */
  fetching: boolean;
  /** True once a request has been running for longer than the loading delay. */
  loading: boolean;
  error: unknown;
  /** Runs the current query again (refresh). */
  reload(): void;
  /** What another key answered last (a tab's count). */
  cached(key: string): T | undefined;
}

export interface QueryOptions<T = unknown> {
  /** Wait this long after the key changes before asking (typing). */
  debounceMs?: number;
  loadingDelayMs?: number;
  /** When false, nothing is requested; what the key answered before is still shown. */
  enabled?: boolean;
  /** An answer already at hand for the first key: shown at once, and not asked for again until a reload. */
  initial?: T | undefined;
}

type Entry<T> = { data: T } | { error: unknown };

/** Answers kept per query (searches add a key each): the least recently answered go first. */
const KEPT = 50;

export function useQuery<T>(key: string, run: (signal: AbortSignal) => Promise<T>, options: QueryOptions<T> = {}): QueryState<T> {
  const { debounceMs = 0, loadingDelayMs = 100, enabled = true } = options;
  const activity = useActivity();
  const [cache] = useState(() => new Map<string, Entry<T>>(options.initial !== undefined ? [[key, { data: options.initial }]] : []));
  const [generation, setGeneration] = useState(0);
  // The request (key and generation) whose answer is in the cache: anything else is still due.
  const [settled, setSettled] = useState<{ key: string; generation: number } | null>(() => (options.initial !== undefined ? { key, generation: 0 } : null));
  const [slow, setSlow] = useState<{ key: string; generation: number } | null>(null);
  const runRef = useRef(run);
  runRef.current = run;
  // Requests whose answer was kept: their activity ends once the commit with that answer is done.
  const endAfterCommit = useRef<(() => void)[]>([]);
  useEffect(() => {
    for (const end of endAfterCommit.current.splice(0)) end();
  });

  const due = enabled && (settled?.key !== key || settled.generation !== generation);
  useEffect(() => {
    if (!due) return undefined;
    const controller = new AbortController();
    // The function of THIS key: a timer that fires after a newer render must not run the newer one.
    const runForKey = runRef.current;
    const end = activity?.begin(`list ${key || '(query)'}`) ?? (() => undefined);
    const loadingTimer = setTimeout(() => setSlow({ key, generation }), debounceMs + loadingDelayMs);
    const keep = (entry: Entry<T>) => {
      if (controller.signal.aborted) return; // a newer key or reload owns the state now
      clearTimeout(loadingTimer);
      cache.delete(key);
      cache.set(key, entry);
      for (const old of cache.keys()) {
        if (cache.size <= KEPT) break;
        if (old !== key) cache.delete(old);
      }
      setSettled({ key, generation });
      // Busy until the answer is on screen: React commits it later (an update from a promise, rendered in slices
      // under load), and the idle signal must not be told before that frame (the effect below ends it).
      endAfterCommit.current.push(end);
    };
    const start = setTimeout(() => {
      let answer: Promise<T>;
      try {
        answer = runForKey(controller.signal);
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (data) => keep({ data }),
        (error: unknown) => keep({ error }),
      );
    }, debounceMs);
    return () => {
      controller.abort();
      clearTimeout(start);
      clearTimeout(loadingTimer);
      end();
    };
  }, [due, key, generation, debounceMs, loadingDelayMs, cache, activity]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const cached = useCallback((k: string) => {
    const entry = cache.get(k);
    return entry && 'data' in entry ? entry.data : undefined;
  }, [cache]);
  const entry = cache.get(key);
  return {
    data: entry && 'data' in entry ? entry.data : undefined,
    fetching: due,
    loading: due && slow?.key === key && slow.generation === generation,
    error: entry && 'error' in entry ? entry.error : undefined,
    reload,
    cached,
  };
}
