// What `stevedore doctor` reports: one check a line, passed or failed (with the fix), or skipped when it does
// not apply here (a socket check for a tcp:// engine, terminal checks when no terminal is attached).

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  /** Stable id for --json (`engine.reachable`, `registry.lab`). */
  id: string;
  /** Short name shown before the detail (`engine`, `socket`, `registry lab`). */
  title: string;
  status: CheckStatus;
  /** What was found, one line, no secrets. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export const pass = (id: string, title: string, detail: string): Check => ({ id, title, status: 'pass', detail });
export const fail = (id: string, title: string, detail: string, fix?: string): Check => ({ id, title, status: 'fail', detail, ...(fix ? { fix } : {}) });
export const skip = (id: string, title: string, detail: string): Check => ({ id, title, status: 'skip', detail });
