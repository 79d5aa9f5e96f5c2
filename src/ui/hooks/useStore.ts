import { useCallback, useSyncExternalStore } from 'react';

/** Something that holds a value and says when it changes (a service's snapshot store). */
export interface ExternalStore<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}

export function useStore<T>(store: ExternalStore<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

const noSubscription = (): (() => void) => () => undefined;

/**
 * A part of a store's value: the component re-renders only when what `select` returns changes
 * (`Object.is`), so `select` should return a primitive (a count, a line of text) or a value the store
 * keeps. With `active` false it does not listen at all (a screen under another one does not re-render
 * for a progress tick); it reads the current value when its parent renders it.
 */
export function useStoreSelector<T, S>(store: ExternalStore<T>, select: (value: T) => S, active = true): S {
  const subscribe = useCallback((listener: () => void) => (active ? store.subscribe(listener) : noSubscription()), [store, active]);
  const get = (): S => select(store.getSnapshot());
  return useSyncExternalStore(subscribe, get, get);
}
