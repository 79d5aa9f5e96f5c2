import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from '../../../../src/services/downloads/throttle';

describe('Throttle (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once, then at most once per interval with one trailing run', () => {
    const runs: number[] = [];
    const t = new Throttle(() => runs.push(Date.now()), 100);
    const start = Date.now();
    t.request();
    expect(runs).toHaveLength(1);
    for (let i = 0; i < 49; i++) {
      vi.advanceTimersByTime(2);
      t.request();
    }
    expect(runs).toHaveLength(1); // 98 ms: still inside the interval
    vi.advanceTimersByTime(10);
    // One trailing run at +100 for everything requested meanwhile.
    expect(runs.map((r) => r - start)).toEqual([0, 100]);
    vi.advanceTimersByTime(500);
    expect(runs).toHaveLength(2); // nothing new was requested
  });

  it('keeps to 10 runs a second under a continuous burst', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, 100);
    for (let ms = 0; ms < 1000; ms++) {
      t.request();
      vi.advanceTimersByTime(1);
    }
    expect(runs).toBeGreaterThanOrEqual(9);
    expect(runs).toBeLessThanOrEqual(11);
  });

  it('flush runs at once and cancels the pending run', () => {
    let runs = 0;
    const t = new Throttle(() => runs++, 100);
    t.request();
    t.request(); // pending trailing run
    t.flush();
    expect(runs).toBe(2);
    vi.advanceTimersByTime(200);
    expect(runs).toBe(2);
  });
});
