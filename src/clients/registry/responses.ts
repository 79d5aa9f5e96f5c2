// Turning HTTP answers into data or typed errors: JSON checked before parsing (an HTML page or a cut-off
// document is a 502 that says so), registry error bodies (`{"errors":[{code,message}]}`) read for the
// message, statuses mapped to the error codes of DESIGN.md. Remote text in messages is sanitised and short.
import { AppError, BadResponse, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized, Unreachable } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { isRecord, records, str } from './json';
import { MAX_RETRY_AFTER_SECONDS, headerValue, retryAfterSeconds, type HttpResponse } from './transport';

export function hostOf(res: HttpResponse): string {
  try {
    return new URL(res.url).host;
  } catch {
    return 'the registry';
  }
}

/** Parses a JSON body after checking it is not an HTML page. `what` names the document for messages. */
export function readJson(res: HttpResponse, what: string): unknown {
  const host = hostOf(res);
  const type = (headerValue(res.headers, 'content-type') ?? '').toLowerCase();
  if (type.includes('html') || /^\s*<(?:!doctype|html)/i.test(res.body.subarray(0, 64).toString('utf8'))) {
    throw new BadResponse(`${host} answered a web page instead of ${what}`, { hint: 'is the URL that of a registry?' });
  }
  if (res.body.length === 0) throw new BadResponse(`${host} sent an empty answer instead of ${what}`);
  try {
    return JSON.parse(res.body.toString('utf8')) as unknown;
  } catch {
    throw new BadResponse(`${host} sent ${what} that is not valid JSON (cut short?)`);
  }
}

/** A JSON object, or a 502 naming what was expected. */
export function readObject(res: HttpResponse, what: string): Record<string, unknown> {
  const value = readJson(res, what);
  if (!isRecord(value)) throw new BadResponse(`${hostOf(res)} sent ${what} in an unexpected shape`);
  return value;
}

export interface RegistryErrorDetail {
  code: string;
  message: string;
}

/** The first error of a registry error body (`{"errors":[…]}`), or Hub's `{"message"|"detail"}`; sanitised. */
export function errorDetail(res: HttpResponse): RegistryErrorDetail | undefined {
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(body)) return undefined;
  const first = records(body.errors)[0];
  if (first) return { code: sanitizeLine(str(first.code) ?? 'UNKNOWN').slice(0, 40), message: clip(str(first.message) ?? '') };
  const message = str(body.message) ?? str(body.detail) ?? str(body.details) ?? str(body.error);
  return message ? { code: 'UNKNOWN', message: clip(message) } : undefined;
}

function clip(text: string): string {
  const line = sanitizeLine(text);
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

export interface StatusContext {
  /** What was asked for, for messages: `the tags of team/app`, `team/app:1.0`. */
  what: string;
  /** The error for a 404 (e.g. `Image not found: NAME`); default `<what> not found on HOST`. */
  notFound?: (detail: RegistryErrorDetail | undefined) => AppError;
  /** The error for a 401 (names the credentials tried). */
  unauthorized?: (detail: RegistryErrorDetail | undefined) => AppError;
}

/** The typed error for a non-success answer. */
export function statusError(res: HttpResponse, ctx: StatusContext): AppError {
  const host = hostOf(res);
  const detail = errorDetail(res);
  const said = detail?.message ? `: ${detail.message}` : '';
  const status = res.status;
  if (status === 401) return ctx.unauthorized?.(detail) ?? new Unauthorized(`${host} asks for credentials to read ${ctx.what}${said}`);
  if (status === 403) return new Forbidden(`${host} denied access to ${ctx.what}${said}`);
  if (status === 404) return ctx.notFound?.(detail) ?? new NotFound(`${ctx.what} not found on ${host}`);
  if (status === 429) return rateLimited(res, host);
  if (status === 400 && detail && /_INVALID$/.test(detail.code)) return new InvalidInput(`${host} refused the request for ${ctx.what}${said}`);
  if (status === 400 && res.url.startsWith('http:') && /HTTP request to an HTTPS server/i.test(res.body.subarray(0, 512).toString('utf8'))) {
    // Go's TLS servers (the reference registry among them) answer plain http so: the likely cause, named.
    return new BadResponse(`${host} speaks https, and was asked over plain http (for ${ctx.what})`, {
      hint: `add it as a registry: \`stevedore registry add NAME --url https://${host}\` (with --trust-cert for a self-signed certificate)`,
    });
  }
  if (status >= 500) {
    const later = retryLater(res);
    const text = `${host} failed to answer for ${ctx.what} (HTTP ${status}${detail?.message ? `, ${detail.message}` : ''})${later ? `; it asks to retry ${later}` : ''}`;
    return status === 503 ? new Unreachable(text) : new BadResponse(text);
  }
  return new BadResponse(`${host} answered HTTP ${status} for ${ctx.what}${said}`);
}

export function rateLimited(res: HttpResponse, host = hostOf(res), now = Date.now()): RateLimited {
  const seconds = retryAfterSeconds(res.headers, now);
  const later = retryLater(res, now);
  if (seconds === undefined || !later) return new RateLimited(`${host} is rate-limiting requests; retry later`, undefined);
  return new RateLimited(`${host} is rate-limiting requests; retry ${later}`, seconds);
}

/**
 * `in 1 h (after 13:05:00 UTC)` from the answer's Retry-After (or X-Retry-After); undefined when it has none.
 * A wait beyond what is believed (a week: `Retry-After: 3 years`, `2100`) is not shown as a week: the
 * server's own words are (`later (it said "Retry-After: Fri, 01 Jan 2100 00:00:00 GMT")`).
 */
export function retryLater(res: HttpResponse, now = Date.now()): string | undefined {
  const seconds = retryAfterSeconds(res.headers, now);
  const at = seconds === undefined ? undefined : new Date(now + seconds * 1000);
  if (seconds === undefined || !at || Number.isNaN(at.getTime())) return undefined;
  if (seconds >= MAX_RETRY_AFTER_SECONDS) {
    const name = headerValue(res.headers, 'retry-after') !== undefined ? 'Retry-After' : 'X-Retry-After';
    const said = sanitizeLine(headerValue(res.headers, name) ?? '').slice(0, 80);
    return `later (it said "${name}: ${said}")`;
  }
  // The time of day is enough within a day; further out, the date too.
  const iso = at.toISOString();
  const clock = seconds < 86_400 ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  return `in ${describeSeconds(seconds)} (after ${clock} UTC)`;
}

function describeSeconds(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 360) / 10} h`;
  return `${Math.round(s / 8640) / 10} days`;
}

export function isSuccess(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}
