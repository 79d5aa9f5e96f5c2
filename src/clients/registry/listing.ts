// Bounds for paged lists (tags, catalogs, Docker Hub's repositories): a registry whose every page links to
// another must not keep a command busy for minutes or fill memory. A listing stops at MAX_LIST_ENTRIES
// entries, at its page cap, or when its deadline passes (with entries in hand), and says it was cut short.
import { TimedOut } from '../../domain/errors';

/** The most entries of one list stevedore reads (tags of a repository, repositories of a catalog). */
export const MAX_LIST_ENTRIES = 100_000;

export interface Listing<T> {
  items: T[];
  /** Why the list is incomplete (a sentence naming the cap), or null when it is whole. */
  truncated: string | null;
}

/** `100,000` */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A deadline for a whole listing: its signal aborts when `ms` pass (or when the caller's signal does).
 * `expired` tells the two apart.
 */
export function listingDeadline(ms: number, caller: AbortSignal | undefined): { signal: AbortSignal; expired: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new TimedOut('listing deadline'));
  }, ms);
  const onAbort = (): void => controller.abort(caller?.reason);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

export function deadlineNote(ms: number): string {
  return `stopped after ${Math.round(ms / 1000)} s (the listing deadline)`;
}
