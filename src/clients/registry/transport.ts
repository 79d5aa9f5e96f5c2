// The HTTP layer under every registry, index and Docker Hub request (undici):
// - one dispatcher per registry origin with its own TLS policy: verified by default; with trustCert, the
//   chain is not checked but the peer certificate's SHA-256 must equal the pin taken when the registry was
//   added or edited (trustCert without a pin fails closed unless the chain verifies). Every other origin
//   (CDN redirects, token realms, Docker Hub) gets a verified dispatcher;
// - HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the given environment; a proxy that refuses or drops the CONNECT
//   fails the request with a typed error naming the proxy (undici would otherwise reconnect in a tight loop);
// - timeouts: connect, headers (`timeoutMs`), an idle-body timeout, and an overall deadline per try
//   (`deadlineMs`, about twice `timeoutMs`, redirects included) so no request waits forever, not even
//   for a server that sends one byte at a time;
// - bounded retries with backoff for idempotent requests on 5xx / 429 (a Retry-After over ~10 s, on any
//   status, fails at once: 429 says when to retry, a 5xx is a 502/503 naming the time);
// - redirects followed by hand: Authorization is sent only to the origin it was meant for;
// - bodies read with a size limit; every failure becomes a typed error with a one-line message.
import { createHash } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { EnvHttpProxyAgent, Pool, buildConnector, request } from './undici';
import { AppError, BadResponse, Cancelled, TimedOut, Unreachable, UntrustedCertificate } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { clockHint, isCertDateError } from '../../domain/clock';
import { serverOffsetMs } from './headers';

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
  /**
   * Longest one try of a request may take, from connecting to the last byte of the body, redirects
   * included (ms). Every retry gets its own. Default 2 × timeoutMs + 2 s (undici's headers and body
   * timers fire up to a second late; they say more precisely what went wrong, so they go first).
   */
  deadlineMs?: number;
  /** Retries after the first try for idempotent requests. Default 2. */
  maxRetries?: number;
  /** First backoff (ms), multiplied by 4 each time. Default 250. */
  backoffMs?: number;
  /** A Retry-After longer than this (any status) is not waited on: the answer is returned at once. Default 10. */
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
const DEADLINE_SLACK_MS = 2_000;
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

/** Raised inside the connector for trustCert without a pin and a certificate that does not verify. */
class UnpinnedTrustError extends Error {
  readonly code = 'STEVEDORE_UNPINNED';
  constructor(readonly seen: string) {
    super('the certificate is trusted without a pinned fingerprint');
  }
}

/**
 * Raised inside the connector when the proxy did not open the tunnel: it answered CONNECT with another
 * status than 200, closed the connection, or could not be reached. Its code is none of the codes undici's
 * client treats as "reconnect at once" (UND_ERR_SOCKET, UND_ERR_INFO), so the waiting requests fail.
 */
class ProxyTunnelError extends Error {
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

/** The reason a try is aborted when its deadline passes. */
class DeadlineExceeded extends Error {
  readonly code = 'STEVEDORE_DEADLINE';
  constructor() {
    super('deadline exceeded');
  }
}

/** What a try is aborted by: the caller's signal (Cancelled) or the try's deadline (TimedOut). */
interface TrySignals {
  /** Aborted by either. */
  signal: AbortSignal;
  caller: AbortSignal | undefined;
  deadline: { ms: number; hit: boolean };
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
  readonly deadlineMs: number;
  private readonly connectTimeoutMs: number;
  private readonly policies = new Map<string, TlsPolicy>();
  /** Origins whose host name must connect to one address (checked before, e.g. a token realm). */
  private readonly pinned = new Map<string, { address: string; family: number }>();
  private readonly dispatchers = new Map<string, Dispatcher>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.min(this.timeoutMs, 10_000);
    this.deadlineMs = options.deadlineMs ?? 2 * this.timeoutMs + DEADLINE_SLACK_MS;
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

  /**
   * Connects `origin` to `address` only (the address its host name was resolved to and checked at), so a
   * second DNS answer cannot send the request elsewhere (DNS rebinding). TLS still verifies the name.
   */
  pinAddress(origin: string, address: string): void {
    const key = originOf(origin);
    if (this.pinned.get(key)?.address === address) return;
    this.pinned.set(key, { address, family: isIP(address) });
    const d = this.dispatchers.get(key);
    if (d) {
      this.dispatchers.delete(key);
      void d.close().catch(() => undefined);
    }
  }

  policy(origin: string): TlsPolicy | undefined {
    return this.policies.get(originOf(origin));
  }

  /** Closes every connection (end of a one-shot command); `abort`: the requests in flight fail at once. */
  async close(options: { abort?: boolean } = {}): Promise<void> {
    const all = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(all.map((d) => (options.abort ? d.destroy() : d.close()).catch(() => undefined)));
  }

  /**
   * Sends a request: redirects by hand, retries for idempotent requests, the body read in full (bounded).
   * Each try (redirects included) has its own deadline (`deadlineMs`); the number of tries is bounded, so a
   * call lasts at most about (retries + 1) × deadline plus the waits between tries, and a single slow try
   * (which is not retried) at most the deadline.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    const retry = req.retry ?? (method === 'GET' || method === 'HEAD');
    const maxRetries = retry ? (this.options.maxRetries ?? 2) : 0;
    let backoff = this.options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.tryOnce(req);
      } catch (error) {
        // A dropped connection (keep-alive race, reset) or tunnel is worth one more try; refused/timeouts are not.
        if (attempt < maxRetries && isDroppedConnection(error)) {
          await this.sleep(backoff, req.signal);
          backoff *= 4;
          continue;
        }
        throw error;
      }
      const retryable = response.status === 429 || (response.status >= 500 && response.status <= 599 && response.status !== 501);
      if (!retryable || attempt >= maxRetries) return response;
      // One rule for every status: a server that asks for a wait longer than ~10 s is not waited on; the
      // caller turns the answer into an error naming the time (429 → 429, 5xx → 502/503).
      const waitSeconds = retryAfterSeconds(response.headers);
      if (waitSeconds !== undefined && waitSeconds > (this.options.maxRetryAfterSeconds ?? 10)) return response;
      await this.sleep(waitSeconds !== undefined ? waitSeconds * 1000 : backoff, req.signal);
      backoff *= 4;
    }
  }

  /** One try (redirects included) under its own deadline, also ended by the caller's signal. */
  private async tryOnce(req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw new Cancelled();
    const controller = new AbortController();
    const deadline = { ms: this.deadlineMs, hit: false };
    const timer = setTimeout(() => {
      deadline.hit = true;
      controller.abort(new DeadlineExceeded());
    }, this.deadlineMs);
    const onAbort = (): void => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.sendFollowing(req, { signal: controller.signal, caller: req.signal, deadline });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async sendFollowing(req: HttpRequest, signals: TrySignals): Promise<HttpResponse> {
    const start = new URL(req.url);
    let url = start;
    let method = req.method ?? 'GET';
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === start.origin;
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'stevedore', ...req.headers };
      if (req.authorization && sameOrigin) headers.authorization = req.authorization;
      const res = await this.once(url, method, headers, body, req, signals);
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

  private async once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, req: HttpRequest, signals: TrySignals): Promise<HttpResponse> {
    if (signals.signal.aborted) throw this.mapError(signals.signal.reason, url, signals, 'connect');
    const host = url.host;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
    let res: Dispatcher.ResponseData;
    try {
      const pending = request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.dispatcherFor(url.origin),
        signal: signals.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      res = await settleOnAbort(pending, signals.signal);
    } catch (error) {
      throw this.mapError(error, url, signals, 'connect');
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
      throw this.mapError(error, url, signals, 'body');
    }
    return { status, headers: res.headers, url: url.toString(), body: Buffer.concat(chunks) };
  }

  private dispatcherFor(origin: string): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    const policy = this.policies.get(origin);
    const pinned = this.pinned.get(origin);
    const key = policy || pinned ? origin : '*';
    let d = this.dispatchers.get(key);
    if (!d) {
      d = this.createDispatcher(policy, pinned);
      this.dispatchers.set(key, d);
    }
    return d;
  }

  private createDispatcher(policy: TlsPolicy | undefined, pinned?: { address: string; family: number }): Dispatcher {
    const env = this.options.env ?? {};
    const pin = policy?.trustCert && policy.pinnedCertSha256 ? normalizeFingerprint(policy.pinnedCertSha256) : undefined;
    // trustCert without a pin (a registry saved before pinning, or a hand-edited file) must not mean "no
    // verification": the chain is read unverified, then the connection is refused unless it verifies.
    const unpinned = policy?.trustCert === true && pin === undefined;
    const observe = this.options.onPeerCertificate;
    const inspect = pin !== undefined || unpinned || observe !== undefined;
    const tls = {
      rejectUnauthorized: !policy?.trustCert,
      ...(policy?.ca ? { ca: policy.ca } : {}),
      // Full handshakes for inspected origins, so the certificate is seen on every connection.
      ...(inspect ? { maxCachedSessions: 0 } : {}),
      // A pinned origin connects to the address that was checked, whatever DNS says now.
      ...(pinned ? { lookup: pinnedLookup(pinned.address, pinned.family) } : {}),
    };
    const timeout = this.connectTimeoutMs;
    const httpProxy = env.HTTP_PROXY ?? env.http_proxy ?? '';
    const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy ?? '';
    const factory = (origin: string | URL, options: object): Dispatcher => {
      const given = (options as { connect?: unknown }).connect;
      // ProxyAgent hands its tunnel (CONNECT through the proxy, then TLS) as a function; the direct
      // agent hands connect options.
      const tunnelled = typeof given === 'function';
      let connect: buildConnector.connector = tunnelled
        ? throughProxy(given as buildConnector.connector, proxyName(new URL(String(origin)).protocol === 'https:' ? httpsProxy || httpProxy : httpProxy), this.timeoutMs)
        : buildConnector({ ...tls, ...(isObject(given) ? given : {}), timeout } as buildConnector.BuildOptions);
      if (inspect) {
        const base = connect;
        connect = (opts, callback) =>
          base(opts, (...args) => {
            const [error, socket] = args;
            if (error || !socket) return callback(...args);
            const problem = checkPeer(socket, String(origin), pin, unpinned, observe);
            if (problem) {
              socket.destroy();
              return callback(problem, null);
            }
            callback(null, socket);
          });
      }
      return new Pool(origin, { ...(options as Pool.Options), connect });
    };
    return new EnvHttpProxyAgent({
      httpProxy,
      httpsProxy,
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
  mapError(error: unknown, url: URL, signals: Pick<TrySignals, 'caller' | 'deadline'> | undefined, phase: 'connect' | 'body'): AppError {
    if (error instanceof AppError) return error;
    // Cancelled only when the caller asked for it: undici also says "aborted" for other reasons.
    if (signals?.caller?.aborted) return new Cancelled();
    const host = url.host;
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    if (signals?.deadline.hit || error instanceof DeadlineExceeded) {
      const ms = signals?.deadline.ms ?? this.deadlineMs;
      return new TimedOut(`${host} did not finish answering within ${seconds(ms)}`, { hint: 'a request may take up to twice the http.timeout setting', cause: error });
    }
    const codes = errorCodes(error);
    const has = (...list: string[]) => list.some((c) => codes.includes(c));
    const trustHint = this.policies.get(url.origin)?.trustHint ?? '`stevedore registry edit NAME --trust-cert`';
    if (has('STEVEDORE_PIN_MISMATCH')) {
      const seen = findInChain(error, PinMismatchError)?.seen ?? '';
      const pinned = this.policies.get(url.origin)?.pinnedCertSha256 ?? '';
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
      return new TimedOut(`the proxy at ${tunnel.proxy} did not open a connection to ${host} within ${seconds(this.timeoutMs)}`, { hint: 'the wait is set by http.timeout', cause: error });
    }
    if (tunnel) return proxyFailure(tunnel, host);
    if (has('UND_ERR_CONNECT_TIMEOUT')) return new TimedOut(`${host} did not accept a connection within ${seconds(this.connectTimeoutMs)}`, { cause: error });
    if (has('UND_ERR_HEADERS_TIMEOUT')) return new TimedOut(`${host} did not answer within ${seconds(this.timeoutMs)}`, { hint: 'the wait is set by http.timeout', cause: error });
    if (has('UND_ERR_BODY_TIMEOUT')) return new TimedOut(`${host} stopped sending its answer (nothing for ${seconds(this.timeoutMs)})`, { cause: error });
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

/**
 * The response, or the abort reason as soon as `signal` aborts: undici applies an abort only once the request
 * has a connection, so a request still waiting for one (connecting, a slow proxy) would not settle.
 */
function settleOnAbort(pending: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const drop = (): void => void pending.then((late) => discard(late.body), () => undefined);
  if (signal.aborted) {
    drop();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      drop();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (res) => {
        signal.removeEventListener('abort', onAbort);
        resolve(res);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

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

function checkPeer(socket: Socket, origin: string, pin: string | undefined, unpinned: boolean, observe: TransportOptions['onPeerCertificate']): Error | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  const raw: unknown = cert && 'raw' in cert ? cert.raw : undefined;
  const seen = raw instanceof Buffer ? sha256Hex(raw) : '';
  observe?.(origin, seen);
  if (pin !== undefined && seen !== pin) return new PinMismatchError(seen);
  // `authorized`: the chain and the name verified (rejectUnauthorized is off, so Node only records it).
  if (unpinned && !socket.authorized) return new UnpinnedTrustError(seen);
  return undefined;
}

function findInChain<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) if (e instanceof type) return e;
  return undefined;
}

/** `host:port` of a proxy URL, without credentials. */
function proxyName(url: string): string {
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
function throughProxy(tunnel: buildConnector.connector, proxy: string, timeoutMs: number): buildConnector.connector {
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
function proxyFailure(e: ProxyTunnelError, host: string): AppError {
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
  if (!(error instanceof Unreachable)) return false;
  const tunnel = findInChain(error, ProxyTunnelError);
  if (tunnel) return tunnel.retryable;
  const codes = errorCodes(error);
  return ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EPIPE'].some((c) => codes.includes(c));
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

/** A `lookup` for net/tls.connect that always answers one address. */
function pinnedLookup(address: string, family: number) {
  return (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
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
