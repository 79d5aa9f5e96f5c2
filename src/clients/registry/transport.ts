// The HTTP layer under every registry, index and Docker Hub request (undici):
// - one dispatcher per registry origin with its own TLS policy: verified by default; with trustCert, the
//   chain is not checked but the peer certificate's SHA-256 must equal the pin taken when the registry was
//   added or edited. Every other origin (CDN redirects, token realms, Docker Hub) gets a verified dispatcher;
// - HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the given environment;
// - timeouts: connect, headers (`timeoutMs`) and an idle-body timeout, so no request waits forever;
// - bounded retries with backoff for idempotent requests on 5xx / 429 (a Retry-After over ~10 s fails at
//   once with 429 and the time to retry);
// - redirects followed by hand: Authorization is sent only to the origin it was meant for;
// - bodies read with a size limit; every failure becomes a typed error with a one-line message.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { EnvHttpProxyAgent, Pool, buildConnector, request } from './undici';
import { AppError, BadResponse, Cancelled, TimedOut, Unreachable, UntrustedCertificate } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface HttpResponse {
  status: number;
  headers: HeaderMap;
  /** The URL that answered (after redirects). */
  url: string;
  body: Buffer;
}

export interface HttpRequest {
  url: string | URL;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Sent only to the origin of `url`; dropped when a redirect leads elsewhere. */
  authorization?: string;
  signal?: AbortSignal | undefined;
  /** Largest body accepted (bytes). Default 4 MiB. */
  maxBytes?: number;
  /** Follow 3xx (default true). */
  followRedirects?: boolean;
  /** Retry on 5xx / 429 / dropped connections (default: true for GET and HEAD). */
  retry?: boolean;
}

/** How stevedore treats one registry's certificate. */
export interface TlsPolicy {
  trustCert: boolean;
  /** Lower-case hex SHA-256 of the DER certificate accepted for this origin (with trustCert). */
  pinnedCertSha256?: string;
  /** Extra CA certificates (PEM) to verify with. */
  ca?: string | string[];
  /** What to tell the user when the certificate is refused (`stevedore registry edit NAME --trust-cert`). */
  trustHint?: string;
}

export interface TransportOptions {
  /** Environment for proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  env?: NodeJS.ProcessEnv;
  /** Headers timeout and idle-body timeout (ms). Default 15 s. */
  timeoutMs?: number;
  /** Connect timeout (ms). Default min(timeoutMs, 10 s). */
  connectTimeoutMs?: number;
  /** Retries after the first try for idempotent requests. Default 2. */
  maxRetries?: number;
  /** First backoff (ms), multiplied by 4 each time. Default 250. */
  backoffMs?: number;
  /** A Retry-After longer than this fails at once with 429. Default 10. */
  maxRetryAfterSeconds?: number;
  /** Waiting between retries (tests replace it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Instead of real dispatchers (undici MockAgent in tests). */
  dispatcher?: Dispatcher;
  /** Called with a peer certificate's fingerprint on every new TLS connection (certificate pinning). */
  onPeerCertificate?: (origin: string, sha256: string) => void;
  /** User-Agent header. */
  userAgent?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Error raised inside the connector when the certificate does not match its pin. */
class PinMismatchError extends Error {
  readonly code = 'STEVEDORE_PIN_MISMATCH';
  constructor(readonly seen: string) {
    super('certificate does not match the pinned fingerprint');
  }
}

export function sha256Hex(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `AB:CD:…` or `abcd…` → `abcd…`. */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

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

export class Transport {
  readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly policies = new Map<string, TlsPolicy>();
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.min(this.timeoutMs, 10_000);
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Sets the TLS policy of one origin (`https://host:port`). Requests to other origins are verified normally. */
  setPolicy(origin: string, policy: TlsPolicy): void {
    const key = originOf(origin);
    const old = this.policies.get(key);
    if (old && samePolicy(old, policy)) return;
    this.policies.set(key, policy);
    const d = this.dispatchers.get(key);
    if (d) {
      this.dispatchers.delete(key);
      void d.close().catch(() => undefined);
    }
  }

  policy(origin: string): TlsPolicy | undefined {
    return this.policies.get(originOf(origin));
  }

  /** Closes every connection (end of a one-shot command). */
  async close(): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }

  /** Sends a request: redirects by hand, retries for idempotent requests, the body read in full (bounded). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    const retry = req.retry ?? (method === 'GET' || method === 'HEAD');
    const maxRetries = retry ? (this.options.maxRetries ?? 2) : 0;
    let backoff = this.options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.sendFollowing(req);
      } catch (error) {
        // A dropped connection (keep-alive race, reset) is worth one more try; refused/timeouts are not.
        if (attempt < maxRetries && isDroppedConnection(error)) {
          await this.sleep(backoff, req.signal);
          backoff *= 4;
          continue;
        }
        throw error;
      }
      const retryable = response.status === 429 || (response.status >= 500 && response.status <= 599 && response.status !== 501);
      if (!retryable || attempt >= maxRetries) return response;
      const waitSeconds = retryAfterSeconds(response.headers);
      if (response.status === 429 && waitSeconds !== undefined && waitSeconds > (this.options.maxRetryAfterSeconds ?? 10)) {
        return response; // the caller turns it into RateLimited with the time
      }
      await this.sleep(waitSeconds !== undefined ? waitSeconds * 1000 : backoff, req.signal);
      backoff *= 4;
    }
  }

  private async sendFollowing(req: HttpRequest): Promise<HttpResponse> {
    const start = new URL(req.url);
    let url = start;
    let method = req.method ?? 'GET';
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === start.origin;
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'stevedore', ...req.headers };
      if (req.authorization && sameOrigin) headers.authorization = req.authorization;
      const res = await this.once(url, method, headers, body, req);
      const location = headerValue(res.headers, 'location');
      if (req.followRedirects === false || !isRedirect(res.status) || !location) return res;
      if (hop >= MAX_REDIRECTS) throw new BadResponse(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new BadResponse(`${url.host} redirected to an invalid address`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new BadResponse(`${url.host} redirected to an unsupported address`);
      if (url.protocol === 'https:' && next.protocol === 'http:') {
        throw new BadResponse(`${url.host} redirected from https to plain http (${next.host}); refusing`);
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private async once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw new Cancelled();
    const host = url.host;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.dispatcherFor(url.origin),
        signal: req.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw this.mapError(error, url, req.signal, 'connect');
    }
    const status = res.statusCode;
    const limit = status >= 200 && status < 300 ? maxBytes : ERROR_BODY_LIMIT;
    const declared = Number(headerValue(res.headers, 'content-length') ?? NaN);
    if (method === 'HEAD' || isRedirect(status)) {
      await res.body.dump().catch(() => undefined);
      return { status, headers: res.headers, url: url.toString(), body: Buffer.alloc(0) };
    }
    if (Number.isFinite(declared) && declared > limit && status >= 200 && status < 300) {
      discard(res.body);
      throw new BadResponse(`${host} sent an answer of ${declared} bytes, more than the ${limit} accepted`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > limit) {
          if (status >= 200 && status < 300) {
            discard(res.body);
            throw new BadResponse(`${host} sent more than the ${limit} bytes accepted for this answer`);
          }
          chunks.push(buf.subarray(0, buf.length - (size - limit)));
          discard(res.body);
          break;
        }
        chunks.push(buf);
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw this.mapError(error, url, req.signal, 'body');
    }
    return { status, headers: res.headers, url: url.toString(), body: Buffer.concat(chunks) };
  }

  private dispatcherFor(origin: string): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    const policy = this.policies.get(origin);
    const key = policy ? origin : '*';
    let d = this.dispatchers.get(key);
    if (!d) {
      d = this.createDispatcher(policy);
      this.dispatchers.set(key, d);
    }
    return d;
  }

  private createDispatcher(policy: TlsPolicy | undefined): Dispatcher {
    const env = this.options.env ?? {};
    const tls = {
      rejectUnauthorized: !policy?.trustCert,
      ...(policy?.ca ? { ca: policy.ca } : {}),
      // Full handshakes for pinned origins, so the certificate is seen on every connection.
      ...(policy?.pinnedCertSha256 || this.options.onPeerCertificate ? { maxCachedSessions: 0 } : {}),
    };
    const pin = policy?.trustCert && policy.pinnedCertSha256 ? normalizeFingerprint(policy.pinnedCertSha256) : undefined;
    const observe = this.options.onPeerCertificate;
    const inspect = pin !== undefined || observe !== undefined;
    const timeout = this.connectTimeoutMs;
    const factory = (origin: string | URL, options: object): Dispatcher => {
      const given = (options as { connect?: unknown }).connect;
      const base =
        typeof given === 'function'
          ? (given as buildConnector.connector)
          : buildConnector({ ...tls, ...(isObject(given) ? given : {}), timeout } as buildConnector.BuildOptions);
      const connect: buildConnector.connector = inspect
        ? (opts, callback) =>
            base(opts, (...args) => {
              const [error, socket] = args;
              if (error || !socket) return callback(...args);
              const problem = checkPeer(socket, String(origin), pin, observe);
              if (problem) {
                socket.destroy();
                return callback(problem, null);
              }
              callback(null, socket);
            })
        : base;
      return new Pool(origin, { ...(options as Pool.Options), connect });
    };
    return new EnvHttpProxyAgent({
      httpProxy: env.HTTP_PROXY ?? env.http_proxy ?? '',
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy ?? '',
      noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
      factory,
      connect: { ...tls, timeout },
      requestTls: tls,
      connectTimeout: timeout,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10_000,
    } as EnvHttpProxyAgent.Options);
  }

  /** Turns an undici / socket / TLS error into a typed error naming the host. */
  mapError(error: unknown, url: URL, signal: AbortSignal | undefined, phase: 'connect' | 'body'): AppError {
    if (error instanceof AppError) return error;
    if (signal?.aborted) return new Cancelled();
    const host = url.host;
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    const codes = errorCodes(error);
    const has = (...list: string[]) => list.some((c) => codes.includes(c));
    if (error instanceof PinMismatchError || has('STEVEDORE_PIN_MISMATCH')) {
      const seen = error instanceof PinMismatchError ? error.seen : findPinError(error)?.seen ?? '';
      const pinned = this.policies.get(url.origin)?.pinnedCertSha256 ?? '';
      return new UntrustedCertificate(
        `the certificate of ${host} has changed since it was trusted (pinned sha256 ${short(pinned)}, now ${short(seen)})`,
        { hint: `if the change is expected, trust the new one with ${this.policies.get(url.origin)?.trustHint ?? '`stevedore registry edit NAME --trust-cert`'}`, cause: error },
      );
    }
    if (has('AbortError', 'ABORT_ERR', 'UND_ERR_ABORTED')) return new Cancelled();
    if (has('UND_ERR_CONNECT_TIMEOUT')) return new TimedOut(`${host} did not accept a connection within ${seconds(this.connectTimeoutMs)}`, { cause: error });
    if (has('UND_ERR_HEADERS_TIMEOUT')) return new TimedOut(`${host} did not answer within ${seconds(this.timeoutMs)}`, { hint: 'the wait is setting http.timeout', cause: error });
    if (has('UND_ERR_BODY_TIMEOUT')) return new TimedOut(`${host} stopped sending its answer (nothing for ${seconds(this.timeoutMs)})`, { cause: error });
    if (has('ETIMEDOUT')) return new TimedOut(`${host} did not answer in time`, { cause: error });
    if (has(...TLS_UNTRUSTED)) {
      const code = codes.find((c) => TLS_UNTRUSTED.includes(c)) ?? '';
      const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'its certificate is for another name' : code === 'CERT_HAS_EXPIRED' ? 'its certificate has expired' : 'its certificate is not signed by a trusted authority';
      const hint = this.policies.get(url.origin)?.trustHint ?? `if you trust it, add it with \`stevedore registry add NAME --url ${url.origin} --trust-cert\``;
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
}

const TLS_UNTRUSTED = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
];

/** Stops reading a body we do not want (its 'error' on destroy is expected, not a crash). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

function short(fp: string): string {
  const f = normalizeFingerprint(fp);
  return f ? `${f.slice(0, 12)}…` : 'unknown';
}

function checkPeer(socket: Socket, origin: string, pin: string | undefined, observe: TransportOptions['onPeerCertificate']): Error | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  const raw: unknown = cert && 'raw' in cert ? cert.raw : undefined;
  const seen = raw instanceof Buffer ? sha256Hex(raw) : '';
  observe?.(origin, seen);
  if (pin !== undefined && seen !== pin) return new PinMismatchError(seen);
  return undefined;
}

function findPinError(error: unknown): PinMismatchError | undefined {
  for (let e: unknown = error, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) if (e instanceof PinMismatchError) return e;
  return undefined;
}

/** Error codes (and names) along the cause chain, for matching. */
function errorCodes(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    if (typeof e !== 'object') break;
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') out.push(code);
    if (typeof name === 'string') out.push(name);
    if (Array.isArray((e as { errors?: unknown }).errors)) {
      for (const inner of (e as { errors: unknown[] }).errors) {
        const c = (inner as { code?: unknown } | null)?.code;
        if (typeof c === 'string') out.push(c);
      }
    }
  }
  return out;
}

function isDroppedConnection(error: unknown): boolean {
  const codes = errorCodes(error);
  return error instanceof Unreachable && ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EPIPE'].some((c) => codes.includes(c));
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function samePolicy(a: TlsPolicy, b: TlsPolicy): boolean {
  return a.trustCert === b.trustCert && (a.pinnedCertSha256 ?? '') === (b.pinnedCertSha256 ?? '') && String(a.ca ?? '') === String(b.ca ?? '') && a.trustHint === b.trustHint;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/** First value of a header. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a header (several WWW-Authenticate headers, for example). */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const v = headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Seconds to wait, from `Retry-After` (seconds or an HTTP date) or Docker Hub's `X-Retry-After` (a unix time).
 * `now` in ms for tests.
 */
export function retryAfterSeconds(headers: HeaderMap, now = Date.now()): number | undefined {
  const value = headerValue(headers, 'retry-after')?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const unix = headerValue(headers, 'x-retry-after')?.trim();
  if (unix && /^\d+$/.test(unix)) return Math.max(0, Number(unix) - Math.floor(now / 1000));
  return undefined;
}
