// The user's settings (DESIGN.md "Settings and environment"): one table with each key's type,
// default, validation and description. `stevedore config list|get|set` and the store read it.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidInput } from './errors';
import { redactSecrets, sanitizeLine } from './sanitize';

export interface Settings {
  /** File path or https URL of the selected catalog; empty = the shipped assets/catalog.json. */
  catalog: string;
  'downloads.concurrency': number;
  /** Seconds to wait for a registry's answer. */
  'http.timeout': number;
  /** Default platform (os/arch[/variant]); empty = the engine's. */
  platform: string;
  /** How long an update check stays fresh (`30m`, `6h`, `1d`; `0` = always check again). */
  'updates.ttl': string;
  /** Update checks at once. */
  'updates.concurrency': number;
  /** How often `watch` checks (`6h`; at least 1m). */
  'updates.interval': string;
  /** How long an image an update replaced is kept for `image rollback` (`7d`; `0` = not kept). */
  'updates.keep_previous': string;
  /** Milliseconds a lone Esc waits for the rest of a key's sequence; 0 = 50, or 150 over SSH. */
  'keys.escape_ms': number;
}

export type SettingKey = keyof Settings;

interface SettingSpec<K extends SettingKey> {
  key: K;
  description: string;
  default: Settings[K];
  /** Turns user text into a valid value, or throws InvalidInput. */
  parse(text: string): Settings[K];
}

function integer(key: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidInput(`${key} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

const PLATFORM = /^[a-z0-9_-]+\/[a-z0-9_-]+(?:\/[a-z0-9_.-]+)?$/;

export function parsePlatform(text: string): string {
  const t = text.trim().toLowerCase();
  if (!PLATFORM.test(t)) throw new InvalidInput(`invalid platform "${sanitizeLine(text)}": use os/arch[/variant], e.g. linux/arm64`);
  return t;
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `6h`, `2d`, `0` → milliseconds (at most 30 days); anything else is a 400. */
export function parseDuration(text: string, key = 'updates.ttl'): number {
  const m = DURATION.exec(text.trim().toLowerCase());
  const n = m ? Number(m[1]) : NaN;
  const ms = n * (UNIT_MS[m?.[2] ?? 's'] ?? 1_000);
  if (!m || !Number.isSafeInteger(n) || ms > 30 * 86_400_000) {
    throw new InvalidInput(`${key} must be a duration such as 30m, 6h or 1d (at most 30d${key === 'updates.ttl' ? '; 0 = always check again' : ''})`);
  }
  return ms;
}

/** `https:`, `file:`…: the text names a URL, not a file path (the catalog setting takes either). */
export function hasUrlScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(text);
}

export const SETTINGS: { [K in SettingKey]: SettingSpec<K> } = {
  catalog: {
    key: 'catalog',
    description: 'file path or https URL of the selected catalog (empty: the shipped catalog)',
    default: '',
    parse(text) {
      const t = text.trim();
      if (t === '') return '';
      if (hasUrlScheme(t) && !t.startsWith('/')) {
        let url: URL;
        try {
          url = new URL(t);
        } catch {
          throw new InvalidInput(`invalid catalog URL "${redactSecrets(sanitizeLine(t))}"`);
        }
        if (url.protocol !== 'https:') throw new InvalidInput('catalog must be a file path or an https:// URL');
        if (url.username || url.password) throw new InvalidInput('catalog URL must not carry credentials');
        return url.toString();
      }
      return t;
    },
  },
  'downloads.concurrency': {
    key: 'downloads.concurrency',
    description: 'downloads running at once',
    default: 2,
    parse: integer('downloads.concurrency', 1, 16),
  },
  'http.timeout': {
    key: 'http.timeout',
    description: "seconds to wait for a registry's answer",
    default: 15,
    parse: integer('http.timeout', 1, 300),
  },
  platform: {
    key: 'platform',
    description: "default platform for remote inspect and pull (empty: the engine's)",
    default: '',
    parse: (text) => (text.trim() === '' ? '' : parsePlatform(text)),
  },
  'updates.ttl': {
    key: 'updates.ttl',
    description: 'how long an update check stays fresh (30m, 6h, 1d; 0 = always check again)',
    default: '6h',
    parse: (text) => {
      parseDuration(text);
      return text.trim().toLowerCase().replace(/\s+/g, '');
    },
  },
  'updates.concurrency': {
    key: 'updates.concurrency',
    description: 'update checks at once',
    default: 4,
    parse: integer('updates.concurrency', 1, 32),
  },
  'updates.interval': {
    key: 'updates.interval',
    description: 'how often `stevedore watch` checks for updates (30m, 6h, 1d; at least 1m)',
    default: '6h',
    parse: (text) => {
      if (parseDuration(text, 'updates.interval') < 60_000) throw new InvalidInput('updates.interval must be at least 1m (and at most 30d), e.g. 30m, 6h or 1d');
      return text.trim().toLowerCase().replace(/\s+/g, '');
    },
  },
  'updates.keep_previous': {
    key: 'updates.keep_previous',
    description: 'how long an image an update replaced is kept for `image rollback` (7d; 0 = not kept)',
    default: '7d',
    parse: (text) => {
      parseDuration(text, 'updates.keep_previous');
      return text.trim().toLowerCase().replace(/\s+/g, '');
    },
  },
  'keys.escape_ms': {
    key: 'keys.escape_ms',
    description: 'how long a lone Esc waits for the rest of a key sequence, in ms (0: 50, or 150 over SSH)',
    default: 0,
    parse: integer('keys.escape_ms', 0, 2000),
  },
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTINGS, key);
}

export function defaultSettings(): Settings {
  return {
    catalog: SETTINGS.catalog.default,
    'downloads.concurrency': SETTINGS['downloads.concurrency'].default,
    'http.timeout': SETTINGS['http.timeout'].default,
    platform: SETTINGS.platform.default,
    'updates.ttl': SETTINGS['updates.ttl'].default,
    'updates.concurrency': SETTINGS['updates.concurrency'].default,
    'updates.interval': SETTINGS['updates.interval'].default,
    'updates.keep_previous': SETTINGS['updates.keep_previous'].default,
    'keys.escape_ms': SETTINGS['keys.escape_ms'].default,
  };
}

export function parseSetting<K extends SettingKey>(key: K, text: string): Settings[K] {
  return SETTINGS[key].parse(text);
}

/**
 * Checks a stored value (from a file a person may have edited). Returns the value when valid,
 * undefined when not (the caller restores the default).
 */
export function checkStoredSetting<K extends SettingKey>(key: K, value: unknown): Settings[K] | undefined {
  const spec = SETTINGS[key];
  if (typeof value !== typeof spec.default) return undefined;
  try {
    return spec.parse(String(value));
  } catch {
    return undefined;
  }
}

/**
 * The settings folder: STEVEDORE_CONFIG_DIR, else $XDG_CONFIG_HOME/stevedore (an absolute XDG_CONFIG_HOME),
 * else ~/.config/stevedore (DESIGN.md "Settings and environment"). Here so that the clients can keep files
 * of their own in it (ssh's control sockets) without reaching into the store.
 */
export function settingsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVEDORE_CONFIG_DIR) return env.STEVEDORE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'stevedore');
}
