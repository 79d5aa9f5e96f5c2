// Retries and waits: bounded retries with backoff for idempotent requests on 5xx / 429 and dropped
// connections, and the server's `Retry-After` (a wait over ~10 s, on any status, is not waited on: the
// caller says when to retry).
import { Cancelled, Unreachable } from '../../../domain/errors';
import { serverOffsetMs } from '../headers';
import { errorCodes, findInChain } from './codes';
import { ProxyTunnelError } from './proxy';
import { type HeaderMap, headerValue } from './types';

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function isDroppedConnection(error: unknown): boolean {
  if (!(error instanceof Unreachable)) return false;
  const tunnel = findInChain(error, ProxyTunnelError);
  if (tunnel) return tunnel.retryable;
  const codes = errorCodes(error);
  return ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EPIPE'].some((c) => codes.includes(c));
}

/** The longest wait a server is believed about (7 days): `Retry-After: 99999999999999999999` is not a date. */
export const MAX_RETRY_AFTER_SECONDS = 7 * 24 * 3600;

/**
 * Seconds to wait, from `Retry-After` (seconds or an HTTP date) or Docker Hub's `X-Retry-After` (a unix time),
 * at most MAX_RETRY_AFTER_SECONDS. A point in time is on the server's clock, so it is measured against the
 * server's now (serverOffsetMs): a clock here that is off does not turn it into no wait or a week's. `now` in
 * ms for tests.
 */
export function retryAfterSeconds(headers: HeaderMap, now = Date.now()): number | undefined {
  const clamp = (s: number): number | undefined => (Number.isNaN(s) ? undefined : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(s))));
  const value = headerValue(headers, 'retry-after')?.trim();
  const serverNow = (): number => now + serverOffsetMs((name) => headerValue(headers, name), now);
  if (value) {
    if (/^\d+$/.test(value)) return clamp(Number(value));
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return clamp((date - serverNow()) / 1000);
  }
  const unix = headerValue(headers, 'x-retry-after')?.trim();
  if (unix && /^\d+$/.test(unix)) return clamp(Number(unix) - Math.floor(serverNow() / 1000));
  return undefined;
}
