// The server keeps the engine's local image list warm: it is fetched once and then kept until the engine
// says images or containers changed (its event stream, the same watch the app uses), the server itself
// changed something, or a few seconds passed (a safety net for events missed while the stream reconnects).
// A request then costs the filtering and the JSON, not two engine calls over 1,000 images.
import type { LocalRepository } from '../domain/images';
import type { EngineServices } from '../services/index';
import { filterLocal } from '../services/engine/depot';

const MAX_AGE_MS = 3_000;

export class LocalListCache {
  private value: Promise<LocalRepository[]> | null = null;
  private fetchedAt = 0;
  private stopWatching: (() => void) | null = null;

  constructor(
    private readonly engine: () => Promise<EngineServices>,
    private readonly now: () => number,
  ) {}

  async list(filter: string): Promise<LocalRepository[]> {
    if (!this.value || this.now() - this.fetchedAt > MAX_AGE_MS) {
      const engine = await this.engine();
      this.stopWatching ??= engine.images.watch(() => this.invalidate());
      this.fetchedAt = this.now();
      const fetching = engine.images.listLocal();
      this.value = fetching;
      // A failure is not kept: the next request asks the engine again.
      fetching.catch(() => {
        if (this.value === fetching) this.value = null;
      });
    }
    const repos = await this.value;
    return filter ? filterLocal(repos, filter) : repos;
  }

  invalidate(): void {
    this.value = null;
  }

  close(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }
}
