// Sessions and login throttling of `stevedore serve`. A session is a random token in an HttpOnly,
// SameSite=Strict cookie (Secure over TLS) that expires; sessions live in memory (a restart logs
// everyone out). Failed logins are slowed per client address: after each failure the client must wait
// (1 s, 2 s, 4 s… up to 5 min) before its next try, and a try inside that window is a 429.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';

export const COOKIE_NAME = 'stevedore_session';
export const DEFAULT_SESSION_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;
const MAX_CLIENTS = 10_000;

interface Session {
  user: string;
  expires: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly clock: Clock,
    readonly ttlMs: number = DEFAULT_SESSION_MS,
  ) {}

  create(user: string): { token: string; expires: number } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    const expires = this.clock.now() + this.ttlMs;
    this.sessions.set(token, { user, expires });
    return { token, expires };
  }

  /** The session's user, or null when the token is unknown or expired. */
  check(token: string | undefined): string | null {
    if (!token) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    if (s.expires <= this.clock.now()) {
      this.sessions.delete(token);
      return null;
    }
    return s.user;
  }

  end(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [token, s] of this.sessions) if (s.expires <= now) this.sessions.delete(token);
  }
}

export interface ThrottleOptions {
  /** Wait after the first failure; doubled after each further one. */
  baseMs?: number;
  maxMs?: number;
}

/** Failed logins per client address. */
export class LoginThrottle {
  private readonly clients = new Map<string, { failures: number; until: number }>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  constructor(
    private readonly clock: Clock,
    options: ThrottleOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 5 * 60 * 1000;
  }

  /** Milliseconds this client must still wait before it may try again (0: it may). */
  waitFor(client: string): number {
    const c = this.clients.get(client);
    return c ? Math.max(0, c.until - this.clock.now()) : 0;
  }

  failed(client: string): number {
    const now = this.clock.now();
    const c = this.clients.get(client) ?? { failures: 0, until: 0 };
    c.failures += 1;
    const wait = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(c.failures - 1, 30));
    c.until = now + wait;
    this.clients.delete(client);
    this.clients.set(client, c);
    if (this.clients.size > MAX_CLIENTS) {
      for (const [key, value] of this.clients) {
        if (this.clients.size <= MAX_CLIENTS) break;
        if (value.until <= now || this.clients.size > MAX_CLIENTS * 2) this.clients.delete(key);
      }
    }
    return wait;
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, expires: number, now: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expires - now) / 1000));
  return `${COOKIE_NAME}=${token}; Path=/; Max-Age=${maxAge}; Expires=${new Date(expires).toUTCString()}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
