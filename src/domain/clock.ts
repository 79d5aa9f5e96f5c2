// The clock is a port: screens and presentation take the time from it, never from Date.now(), so
// tests pin it and pass on any date.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock stopped at `at` (an ISO date or epoch milliseconds): for tests and replays. */
export function fixedClock(at: string | number): Clock {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return { now: () => ms };
}

/** A clock that also sets timers (the download throttle's; tests drive it with fake timers). */
export interface TimerClock extends Clock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The hint for a certificate refused as expired or not yet valid: TLS checks it against this machine's clock
 * (the system's, not an injected one), and that clock may be what is wrong.
 */
export function clockHint(now = Date.now()): string {
  return `check this machine's date and time (it says ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
}

/** TLS error codes for a certificate refused for its dates: the fix is often this machine's clock. */
export function isCertDateError(code: string): boolean {
  return code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
}
