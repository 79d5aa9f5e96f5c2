// Every transport failure as a typed error with a one-line message naming the host: the try's deadline,
// certificates (changed pin, unpinned trust, dates, untrusted chain), proxies, connect / headers / body
// timeouts, refused and unknown hosts, answers that are not HTTP.
import { AppError, BadResponse, Cancelled, TimedOut, Unreachable, UntrustedCertificate } from '../../../domain/errors';
import { clockHint, isCertDateError } from '../../../domain/clock';
import { sanitizeLine } from '../../../domain/sanitize';
import { errorCodes, findInChain } from './codes';
import { ProxyTunnelError, proxyFailure } from './proxy';
import { PinMismatchError, TLS_UNTRUSTED, type TlsPolicy, short } from './tls';

/** The reason a try is aborted when its deadline passes. */
export class DeadlineExceeded extends Error {
  readonly code = 'STEVEDORE_DEADLINE';
  constructor() {
    super('deadline exceeded');
  }
}

/** What a try is aborted by: the caller's signal (Cancelled) or the try's deadline (TimedOut). */
export interface TrySignals {
  /** Aborted by either. */
  signal: AbortSignal;
  caller: AbortSignal | undefined;
  deadline: { ms: number; hit: boolean };
}

export interface ErrorContext {
  /** The try's signals (absent outside a request). */
  signals?: Pick<TrySignals, 'caller' | 'deadline'> | undefined;
  deadlineMs: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** The TLS policy of the URL's origin, if it has one. */
  policy: TlsPolicy | undefined;
}

/** Turns an undici / socket / TLS error into a typed error naming the host. */
export function mapTransportError(error: unknown, url: URL, context: ErrorContext, phase: 'connect' | 'body'): AppError {
  const { signals, policy } = context;
  if (error instanceof AppError) return error;
  // Cancelled only when the caller asked for it: undici also says "aborted" for other reasons.
  if (signals?.caller?.aborted) return new Cancelled();
  const host = url.host;
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  if (signals?.deadline.hit || error instanceof DeadlineExceeded) {
    const ms = signals?.deadline.ms ?? context.deadlineMs;
    return new TimedOut(`${host} did not finish answering within ${seconds(ms)}`, { hint: 'a request may take up to twice the http.timeout setting', cause: error });
  }
  const codes = errorCodes(error);
  const has = (...list: string[]) => list.some((c) => codes.includes(c));
  const trustHint = policy?.trustHint ?? '`stevedore registry edit NAME --trust-cert`';
  if (has('STEVEDORE_PIN_MISMATCH')) {
    const seen = findInChain(error, PinMismatchError)?.seen ?? '';
    const pinned = policy?.pinnedCertSha256 ?? '';
    return new UntrustedCertificate(`the certificate of ${host} has changed since it was trusted (pinned sha256 ${short(pinned)}, now ${short(seen)})`, {
      hint: `if the change is expected, trust the new one with ${trustHint}`,
      cause: error,
    });
  }
  if (has('STEVEDORE_UNPINNED')) {
    return new UntrustedCertificate(`the certificate of ${host} is trusted without a pinned fingerprint and does not verify; refusing to connect unverified`, {
      hint: `pin it with ${trustHint}`,
      cause: error,
    });
  }
  const tunnel = findInChain(error, ProxyTunnelError);
  if (tunnel?.kind === 'timeout') {
    return new TimedOut(`the proxy at ${tunnel.proxy} did not open a connection to ${host} within ${seconds(context.timeoutMs)}`, { hint: 'the wait is set by http.timeout', cause: error });
  }
  if (tunnel) return proxyFailure(tunnel, host);
  if (has('UND_ERR_CONNECT_TIMEOUT')) return new TimedOut(`${host} did not accept a connection within ${seconds(context.connectTimeoutMs)}`, { cause: error });
  if (has('UND_ERR_HEADERS_TIMEOUT')) return new TimedOut(`${host} did not answer within ${seconds(context.timeoutMs)}`, { hint: 'the wait is set by http.timeout', cause: error });
  if (has('UND_ERR_BODY_TIMEOUT')) return new TimedOut(`${host} stopped sending its answer (nothing for ${seconds(context.timeoutMs)})`, { cause: error });
  if (has('ETIMEDOUT')) return new TimedOut(`${host} did not answer in time`, { cause: error });
  if (codes.some(isCertDateError)) {
    // Often this machine's clock, not the certificate: say so rather than offer --trust-cert.
    const expired = has('CERT_HAS_EXPIRED');
    return new UntrustedCertificate(`the certificate of ${host} is not trusted: ${expired ? 'its certificate has expired' : 'its certificate is not valid yet'}`, {
      hint: `${clockHint()}${expired ? `; if it is right, ${host} needs a renewed certificate` : ''}`,
      cause: error,
    });
  }
  if (has(...TLS_UNTRUSTED)) {
    const code = codes.find((c) => TLS_UNTRUSTED.includes(c)) ?? '';
    const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'its certificate is for another name' : 'its certificate is not signed by a trusted authority';
    const hint = policy?.trustHint ?? `if you trust it, add it with \`stevedore registry add NAME --url ${url.origin} --trust-cert\``;
    return new UntrustedCertificate(`the certificate of ${host} is not trusted: ${why}`, { hint, cause: error });
  }
  if (has('ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_SSL_PACKET_LENGTH_TOO_LONG')) {
    return new BadResponse(`${host} does not speak https on this port`, { hint: url.protocol === 'https:' ? `try http://${host}` : undefined, cause: error });
  }
  if (has('ECONNREFUSED')) return new Unreachable(`cannot reach ${host}: connection refused`, { cause: error });
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) return new Unreachable(`cannot reach ${host}: unknown host name`, { cause: error });
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL')) return new Unreachable(`cannot reach ${host}: no route to it`, { cause: error });
  if (has('UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH')) {
    return new BadResponse(`${host} sent an answer whose length does not match what it announced`, { cause: error });
  }
  if (phase === 'body' && has('UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED', 'EPIPE')) {
    return new BadResponse(`${host} closed the connection before its answer was complete`, { cause: error });
  }
  if (has('UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED', 'EPIPE')) return new Unreachable(`${host} closed the connection`, { cause: error });
  if (has('HPE_INVALID_CONSTANT', 'HPE_INVALID_VERSION', 'UND_ERR_HEADERS_OVERFLOW', 'HPE_HEADER_OVERFLOW', 'UND_ERR_INFO')) {
    return new BadResponse(`${host} answered something that is not HTTP`, { cause: error });
  }
  if (has('UND_ERR_INVALID_ARG')) return new BadResponse(`request to ${host} could not be made`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new Unreachable(`cannot reach ${host}: ${sanitizeLine(message).slice(0, 200)}`, { cause: error });
}
