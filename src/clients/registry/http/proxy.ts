// HTTPS_PROXY / HTTP_PROXY tunnels: a proxy that refuses, drops or never opens the CONNECT fails the request
// with a typed error naming the proxy (undici would otherwise reconnect in a tight loop, or wait 300 s).
import type { buildConnector } from 'undici';
import { type AppError, Unreachable } from '../../../domain/errors';
import { sanitizeLine } from '../../../domain/sanitize';
import { errorCodes } from './codes';

/**
 * Raised inside the connector when the proxy did not open the tunnel: it answered CONNECT with another
 * status than 200, closed the connection, or could not be reached. Its code is none of the codes undici's
 * client treats as "reconnect at once" (UND_ERR_SOCKET, UND_ERR_INFO), so the waiting requests fail.
 */
export class ProxyTunnelError extends Error {
  readonly code = 'STEVEDORE_PROXY';
  constructor(
    /** host[:port] of the proxy. */
    readonly proxy: string,
    readonly kind: 'status' | 'closed' | 'unreachable' | 'timeout',
    /** The proxy's answer to CONNECT (kind 'status'). */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(`proxy ${proxy}: ${kind}${status ? ` ${status}` : ''}`, { cause });
  }

  /** Worth another (bounded) try: a dropped tunnel or a 5xx of the proxy. */
  get retryable(): boolean {
    return this.kind === 'closed' || (this.status !== undefined && this.status >= 500);
  }
}

/** `host:port` of a proxy URL, without credentials. */
export function proxyName(url: string): string {
  try {
    return new URL(url).host || 'the proxy';
  } catch {
    return sanitizeLine(url).replace(/^.*@/, '').slice(0, 100) || 'the proxy';
  }
}

/**
 * Wraps ProxyAgent's tunnel connector (CONNECT through the proxy, then TLS with the registry):
 * - undici's client reconnects at once, with no backoff and no end, after a connector error coded
 *   UND_ERR_SOCKET or UND_ERR_INFO (it takes it for a recoverable socket error), and ProxyAgent passes on the
 *   CONNECT request's "other side closed" (UND_ERR_SOCKET) as it is: a proxy that drops the CONNECT made
 *   every request spin at full CPU, never settling (not even on abort: undici applies an abort only once a
 *   request has a connection);
 * - ProxyAgent reports a non-200 answer to CONNECT as "Request aborted" (UND_ERR_ABORTED), which is no
 *   cancellation;
 * - the CONNECT has no timeout of its own (ProxyAgent's client to the proxy waits 300 s for an answer).
 * These become a ProxyTunnelError, which fails the waiting requests, and the tunnel must be open within
 * `timeoutMs` (its CONNECT is aborted then).
 */
export function throughProxy(tunnel: buildConnector.connector, proxy: string, timeoutMs: number): buildConnector.connector {
  return (opts, callback) => {
    const controller = new AbortController();
    let done = false;
    const finish = (...args: Parameters<buildConnector.Callback>): void => {
      if (done) {
        args[1]?.destroy();
        return;
      }
      done = true;
      clearTimeout(timer);
      callback(...args);
    };
    const timer = setTimeout(() => {
      controller.abort();
      finish(new ProxyTunnelError(proxy, 'timeout', undefined, new Error(`no tunnel within ${timeoutMs} ms`)), null);
    }, timeoutMs);
    // ProxyAgent hands `signal` to its CONNECT request, so a timed-out CONNECT does not linger.
    tunnel({ ...opts, signal: controller.signal } as buildConnector.Options, (...args) => {
      const [error] = args;
      if (!error) return finish(...args);
      const codes = errorCodes(error);
      const status = /proxy response \((\d{3})\)/i.exec(error.message)?.[1];
      if (codes.includes('UND_ERR_ABORTED') && status) return finish(new ProxyTunnelError(proxy, 'status', Number(status), error), null);
      if (['UND_ERR_SOCKET', 'UND_ERR_INFO', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE'].some((c) => codes.includes(c))) {
        return finish(new ProxyTunnelError(proxy, 'closed', undefined, error), null);
      }
      if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH'].some((c) => codes.includes(c))) {
        return finish(new ProxyTunnelError(proxy, 'unreachable', undefined, error), null);
      }
      finish(...args);
    });
  };
}

/** The typed error for a tunnel the proxy did not open. */
export function proxyFailure(e: ProxyTunnelError, host: string): AppError {
  const hint = 'check HTTPS_PROXY / HTTP_PROXY, or list the host in NO_PROXY';
  if (e.kind === 'status' && e.status === 407) {
    return new Unreachable(`the proxy at ${e.proxy} asks for credentials (407)`, { hint: 'give them in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT', cause: e });
  }
  if (e.kind === 'status') return new Unreachable(`the proxy at ${e.proxy} refused the connection: it answered HTTP ${e.status} to CONNECT ${host}`, { hint, cause: e });
  if (e.kind === 'closed') return new Unreachable(`the proxy at ${e.proxy} refused the connection: it closed the connection when asked for ${host}`, { hint, cause: e });
  const codes = errorCodes(e.cause);
  const why = codes.includes('ECONNREFUSED') ? 'connection refused' : codes.some((c) => c.startsWith('EAI_') || c === 'ENOTFOUND') ? 'unknown host name' : 'no route to it';
  return new Unreachable(`cannot reach the proxy at ${e.proxy}: ${why}`, { hint, cause: e });
}

