// Fast events are folded before anyone sees them: a Throttle runs its task at most once per interval
// (leading edge, then one trailing run with whatever changed meanwhile), and `flush` runs it at once
// (the final snapshot of a download). Timers are injectable, so tests drive it with fake timers.

import type { TimerClock as Clock } from '../../domain/clock';
import { systemClock } from '../clock';

export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly task: () => void,
    private readonly intervalMs = 100,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Something changed: run now if the interval has passed, else once when it has. */
  request(): void {
    if (this.timer !== null) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) this.run();
    else this.timer = this.clock.setTimeout(() => this.run(), wait);
  }

  /** Run now (a final state must not wait), cancelling a pending run. */
  flush(): void {
    this.run();
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.cancel();
    this.last = this.clock.now();
    this.task();
  }
}
