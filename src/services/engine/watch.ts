// Follows the engine's image and container events so screens refresh when something changes, instead
// of polling. Bursts (a pull tags and creates; a prune deletes many) are folded into one call; a dropped
// stream is reopened after a pause.
import type { EngineClient } from '../../clients/engine/index';

export interface WatchOptions {
  debounceMs?: number;
  retryMs?: number;
}

export function watchEngine(client: () => Promise<EngineClient>, onChange: () => void, options: WatchOptions = {}): () => void {
  const debounceMs = options.debounceMs ?? 400;
  const retryMs = options.retryMs ?? 5_000;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!controller.signal.aborted) onChange();
    }, debounceMs);
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref?.();
      controller.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });

  void (async () => {
    let first = true;
    while (!controller.signal.aborted) {
      try {
        const c = await client();
        // A reconnect may have missed events: refresh once it is back.
        if (!first) changed();
        first = false;
        await c.events(changed, controller.signal);
      } catch {
        // unreachable or dropped: try again later (the screens show the engine's state themselves)
      }
      if (!controller.signal.aborted) await pause(retryMs);
    }
  })();

  return () => {
    controller.abort();
    if (timer) clearTimeout(timer);
  };
}
