// The services the screens get, with every call that returns a promise counted as activity until it
// settles (or its AbortSignal aborts: a request the screen has moved past is not waited for). The
// whole-app idle signal waits for them; what they return is unchanged.
import type { Activity } from '../ui/hooks/activity';
import type { UiServices } from '../ui/services';

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** One group (`local`, `remote`…): functions wrapped, anything else (a store) as it is. */
function trackGroup<G extends object>(name: string, group: G, activity: Activity): G {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group)) {
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    out[key] = (...args: unknown[]) => {
      const result: unknown = (value as (...a: unknown[]) => unknown).apply(group, args);
      if (!isThenable(result)) return result;
      const signal = args.find((a): a is AbortSignal => a instanceof AbortSignal);
      return activity.track(`${name}.${key}`, result, signal);
    };
  }
  return out as G;
}

export function trackServices(services: UiServices, activity: Activity): UiServices {
  const out: Record<string, unknown> = {};
  for (const [name, group] of Object.entries(services)) {
    // The clock is read on every frame: left as it is.
    out[name] = name === 'clock' || typeof group !== 'object' || group === null ? group : trackGroup(name, group as object, activity);
  }
  return out as unknown as UiServices;
}
