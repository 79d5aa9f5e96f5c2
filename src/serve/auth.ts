// Sessions and login throttling of `stevedore serve`. A session is a random token in an HttpOnly,
// SameSite=Strict cookie (Secure over TLS) that expires; sessions live in memory (a restart logs
// everyone out, and so does a new password: `endAll`). Durations are measured on a monotonic clock, so
// a wall clock set back or forward neither extends nor cuts a session or a wait.
//
// Logins are throttled by client, where a client is what an attacker cannot multiply cheaply: every
// loopback address is one client (127.0.0.3 is the same machine as 127.0.0.1, and a TLS proxy in front
// makes every login come from loopback), an IPv6 address counts by its /64, an IPv4 address by itself.
// Per client: one verification at a time (a second login while one is checked is a 429 at once, before
// its body is read or scrypt runs) and, after each failure, a wait (1 s, 2 s, 4 s… up to 5 min).
// For the whole server: at most `maxInFlight` scrypt verifications at once (scrypt runs on libuv's four
// threads, which the other routes need too), and at most `globalFailures` failed logins per window
// from all clients together (many addresses do not buy many guesses).
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

export const COOKIE_NAME = 'stevedore_session';
export const DEFAULT_SESSION_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;
const MAX_CLIENTS = 10_000;

/** Milliseconds from an arbitrary start that never go back (performance.now, or a test's). */
export type Monotonic = () => number;

interface Session {
  user: string;
  /** On the monotonic clock. */
  expiresAt: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  constructor(
    private readonly monotonic: Monotonic,
    readonly ttlMs: number = DEFAULT_SESSION_MS,
  ) {}

  /** A new session; `ttlMs` is how long it lasts (for the cookie's Max-Age and Expires). */
  create(user: string): { token: string; ttlMs: number } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { user, expiresAt: this.monotonic() + this.ttlMs });
    return { token, ttlMs: this.ttlMs };
  }

  /** The session's user, or null when the token is unknown or expired. */
  check(token: string | undefined): string | null {
    if (!token) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    if (s.expiresAt <= this.monotonic()) {
      this.sessions.delete(token);
      return null;
    }
    return s.user;
  }

  end(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  /** Ends every session (the login changed). */
  endAll(): void {
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(): void {
    const now = this.monotonic();
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
}

/**
 * The throttling key of a remote address: `loopback` for every loopback address, an IPv6 address's /64,
 * an IPv4 address itself (IPv4-mapped IPv6 read as IPv4).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  let a = address.toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  if (isIP(a) === 4) return a.startsWith('127.') ? 'loopback' : a;
  if (isIP(a) === 6) {
    if (a === '::1' || a === '0:0:0:0:0:0:0:1') return 'loopback';
    return `${expandIpv6(a).slice(0, 4).join(':')}::/64`;
  }
  return a;
}

function expandIpv6(a: string): string[] {
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(Math.max(0, 8 - h.length - t.length)).fill('0');
  return [...h, ...fill, ...t].map((x) => x.replace(/^0+(?=.)/, ''));
}

export interface ThrottleOptions {
  /** Wait after a client's first failure; doubled after each further one. */
  baseMs?: number;
  maxMs?: number;
  /** scrypt verifications at once, for all clients together. */
  maxInFlight?: number;
  /** Failed logins from all clients together within `globalWindowMs`, before every login waits. */
  globalFailures?: number;
  globalWindowMs?: number;
}

/** A login may go ahead (`done` must be called with its outcome), or must wait (`retryMs`, `reason`). */
export type LoginTicket =
  | { ok: true; /** `failed` returns the client's wait; `none`: nothing was verified (a bad body). Once only. */ done(outcome: 'ok' | 'failed' | 'none'): number }
  | { ok: false; retryMs: number; reason: string };

export class LoginThrottle {
  private readonly clients = new Map<string, { failures: number; until: number }>();
  private readonly busy = new Set<string>();
  private readonly failures: number[] = [];
  private inFlight = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxInFlight: number;
  private readonly globalFailures: number;
  private readonly globalWindowMs: number;

  constructor(
    private readonly monotonic: Monotonic,
    options: ThrottleOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 5 * 60 * 1000;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.globalFailures = options.globalFailures ?? 60;
    this.globalWindowMs = options.globalWindowMs ?? 10 * 60 * 1000;
  }

  /** Asks to verify a login of `client` (a clientKey). Decided at once, before anything is read or hashed. */
  begin(client: string): LoginTicket {
    const now = this.monotonic();
    if (this.busy.has(client)) return { ok: false, retryMs: 1000, reason: 'a login from this client is being checked: one at a time' };
    const c = this.clients.get(client);
    if (c && c.until > now) return { ok: false, retryMs: c.until - now, reason: 'too many failed logins from this client' };
    while (this.failures.length > 0 && (this.failures[0] ?? 0) <= now - this.globalWindowMs) this.failures.shift();
    if (this.failures.length >= this.globalFailures) {
      const freed = (this.failures[0] ?? now) + this.globalWindowMs - now;
      return { ok: false, retryMs: Math.max(1000, freed), reason: 'too many failed logins on this server' };
    }
    if (this.inFlight >= this.maxInFlight) return { ok: false, retryMs: 1000, reason: 'the server is busy checking other logins' };
    this.busy.add(client);
    this.inFlight += 1;
    let finished = false;
    return {
      ok: true,
      done: (outcome) => {
        if (finished) return 0;
        finished = true;
        this.busy.delete(client);
        this.inFlight -= 1;
        if (outcome === 'ok') this.clients.delete(client);
        return outcome === 'failed' ? this.failed(client) : 0;
      },
    };
  }

  /** Milliseconds this client must still wait before it may try again (0: it may). */
  waitFor(client: string): number {
    const c = this.clients.get(client);
    return c ? Math.max(0, c.until - this.monotonic()) : 0;
  }

  private failed(client: string): number {
    const now = this.monotonic();
    this.failures.push(now);
    if (this.failures.length > this.globalFailures) this.failures.shift();
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

/** The session cookie: Max-Age is what counts (relative); Expires (from the wall clock) is for old clients. */
export function sessionCookie(token: string, ttlMs: number, wallNow: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor(ttlMs / 1000));
  return `${COOKIE_NAME}=${token}; Path=/; Max-Age=${maxAge}; Expires=${new Date(wallNow + ttlMs).toUTCString()}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
