// Engines as data (DESIGN.md "Engines"): the default socket, docker's contexts, engines saved with
// `engine add`, and DOCKER_HOST; one of them is active.

export type EngineSource = 'env' | 'context' | 'saved' | 'default';

/** An engine saved with `stevedore engine add` (settings dir, engines.json, mode 0600). */
export interface SavedEngine {
  name: string;
  /** `ssh://user@host[:port]`, `tcp://host:port`, `unix:///path`. */
  host: string;
  /** tcp: verify the engine's certificate with ca.pem of `certPath`. */
  tlsVerify: boolean;
  /** tcp+TLS: directory with ca.pem, cert.pem, key.pem. */
  certPath: string | null;
  /** ssh: `docker` on the far side when it is not on the non-interactive PATH. */
  dockerPath: string | null;
}

export interface EngineEntry {
  name: string;
  host: string;
  source: EngineSource;
  active: boolean;
  /** Saved engines only. */
  saved: SavedEngine | null;
}

export interface EngineStatus extends EngineEntry {
  reachable: boolean;
  version: string | null;
  /** Why it did not answer (one line), when it did not. */
  error: string | null;
}

/** Which rule chose the engine in use (DESIGN.md "Engines"); `switched`: in the app, this session. */
export type EngineRule = '--engine' | 'switched' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'chosen' | 'docker context' | 'default';

/** The name `engine list` gives DOCKER_HOST when it is set. */
export const ENV_ENGINE = 'DOCKER_HOST';
export const DEFAULT_ENGINE = 'default';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A saved engine's name: letters, digits, `_ . -`, up to 64, not one of the built-in names. */
export function engineNameProblem(name: string): string | null {
  if (!NAME.test(name)) return 'an engine name is 1-64 letters, digits, `_`, `.` or `-`, starting with a letter or digit';
  if (name === DEFAULT_ENGINE || name === ENV_ENGINE) return `"${name}" is a built-in engine name`;
  return null;
}

/** `engine list --json`: [{"name", "host", "source", "active", "reachable", "version"}] (+ "error" when it did not answer). */
export function engineToJson(e: EngineStatus): Record<string, unknown> {
  return { name: e.name, host: e.host, source: e.source, active: e.active, reachable: e.reachable, version: e.version, ...(e.error ? { error: e.error } : {}) };
}
