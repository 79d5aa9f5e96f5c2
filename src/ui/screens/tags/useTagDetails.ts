// Size, date and platforms of the tags on screen, for registries whose tag list says only names:
// each visible tag is inspected remotely (manifest and config, no pull), a few at a time; a tag
// scrolled away before its answer came is cancelled; answers are kept while the screen lives.
import { useEffect, useRef, useState } from 'react';
import type { TagDetail } from '../../../domain/images';
import type { UiServices } from '../../services';

/** Lookups in flight at once. */
export const DETAIL_CONCURRENCY = 3;

export type DetailState = TagDetail | 'failed';

export function useTagDetails(options: {
  services: UiServices;
  name: string;
  registry: string | undefined;
  /** Tags on screen that the tag list gave no details for. */
  wanted: readonly string[];
  enabled: boolean;
}): ReadonlyMap<string, DetailState> {
  const { services, name, registry, wanted, enabled } = options;
  const [found, setFound] = useState<ReadonlyMap<string, DetailState>>(() => new Map());
  const inFlight = useRef(new Map<string, AbortController>());
  const key = wanted.join('\n');

  // Everything in flight stops when the screen goes.
  useEffect(() => {
    const flights = inFlight.current;
    return () => {
      for (const c of flights.values()) c.abort();
      flights.clear();
    };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const visible = new Set(key ? key.split('\n') : []);
    const flights = inFlight.current;
    // Scrolled away: cancel.
    for (const [tag, controller] of flights) {
      if (!visible.has(tag)) {
        controller.abort();
        flights.delete(tag);
      }
    }
    for (const tag of visible) {
      if (flights.size >= DETAIL_CONCURRENCY) break;
      if (found.has(tag) || flights.has(tag)) continue;
      const controller = new AbortController();
      flights.set(tag, controller);
      services.remote.inspect(`${name}:${tag}`, registry ? { registry } : {}, controller.signal).then(
        (r) => {
          if (controller.signal.aborted) return;
          flights.delete(tag);
          const detail: TagDetail = { name: tag, size: r.size, lastUpdated: r.created, digest: r.digest, platforms: r.platforms.length ? r.platforms : [r.platform] };
          setFound((m) => new Map(m).set(tag, detail));
        },
        () => {
          if (controller.signal.aborted) return;
          flights.delete(tag);
          setFound((m) => new Map(m).set(tag, 'failed'));
        },
      );
    }
  }, [key, enabled, found, services, name, registry]);

  return found;
}
