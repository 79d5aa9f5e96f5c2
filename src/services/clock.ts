// The real clock, handed to the UI through its services port (the UI never reads the wall clock)
// and to the download throttle.
import type { TimerClock } from '../domain/clock';

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
