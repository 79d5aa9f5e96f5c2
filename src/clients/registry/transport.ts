// The HTTP layer under every registry, index and Docker Hub request (undici), split by concern in ./http:
// - tls.ts: one policy per registry origin (verified by default; trustCert pins the certificate);
// - dispatcher.ts: one dispatcher per origin with that policy, HTTPS_PROXY / HTTP_PROXY / NO_PROXY;
// - proxy.ts: a proxy that refuses, drops or never opens the CONNECT fails with a typed error naming it;
// - here: timeouts (connect, headers `timeoutMs`, idle body) and an overall deadline per try (`deadlineMs`,
//   about twice `timeoutMs`, redirects included) so no request waits forever, not even for a server that
//   sends one byte at a time;
// - retry.ts: bounded retries with backoff for idempotent requests on 5xx / 429 (a Retry-After over ~10 s,
//   on any status, fails at once: 429 says when to retry, a 5xx is a 502/503 naming the time);
// - redirects.ts: redirects followed by hand, Authorization sent only to the origin it was meant for;
// - body.ts: bodies read with a size limit; errors.ts: every failure a typed error with a one-line message.
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { request } from './undici';
import { type AppError, Cancelled } from '../../domain/errors';
import { DEFAULT_MAX_BYTES, readBounded, settleOnAbort } from './http/body';
import { createDispatcher } from './http/dispatcher';
import { DeadlineExceeded, type TrySignals, mapTransportError } from './http/errors';
import { following } from './http/redirects';
import { abortableSleep, isDroppedConnection, retryAfterSeconds } from './http/retry';
import { type TlsPolicy, dockerCertsCa, dockerCertsDirs, samePolicy } from './http/tls';
import { type HttpRequest, type HttpResponse, isRedirect, originOf } from './http/types';

export { DEFAULT_MAX_BYTES } from './http/body';
export { MAX_RETRY_AFTER_SECONDS, abortableSleep, retryAfterSeconds } from './http/retry';
export { normalizeFingerprint, sha256Hex, type TlsPolicy } from './http/tls';
export { headerValue, headerValues, originOf, type HeaderMap, type HttpRequest, type HttpResponse } from './http/types';

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

export class Transport {
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  private readonly connectTimeoutMs: number;
  private readonly policies = new Map<string, TlsPolicy>();
  /** Origins whose host name must connect to one address (checked before, e.g. a token realm). */
  private readonly pinned = new Map<string, { address: string; family: number }>();
  private readonly dispatchers = new Map<string, Dispatcher>();
  /** The CA certificates of docker's certs.d for each https origin asked (read once). */
  private readonly certsCa = new Map<string, string[]>();
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
    this.dropDispatcher(key);
  }

  /**
   * Connects `origin` to `address` only (the address its host name was resolved to and checked at), so a
   * second DNS answer cannot send the request elsewhere (DNS rebinding). TLS still verifies the name.
   */
  pinAddress(origin: string, address: string): void {
    const key = originOf(origin);
    if (this.pinned.get(key)?.address === address) return;
    this.pinned.set(key, { address, family: isIP(address) });
    this.dropDispatcher(key);
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

  /** Turns an undici / socket / TLS error into a typed error naming the host. */
  mapError(error: unknown, url: URL, signals: Pick<TrySignals, 'caller' | 'deadline'> | undefined, phase: 'connect' | 'body'): AppError {
    const context = { signals, deadlineMs: this.deadlineMs, timeoutMs: this.timeoutMs, connectTimeoutMs: this.connectTimeoutMs, policy: this.policies.get(url.origin) };
    return mapTransportError(error, url, context, phase);
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
    const signals: TrySignals = { signal: controller.signal, caller: req.signal, deadline };
    try {
      return await following(req, this.options.userAgent ?? 'stevedore', (url, method, headers, body) => this.once(url, method, headers, body, req, signals));
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, req: HttpRequest, signals: TrySignals): Promise<HttpResponse> {
    if (signals.signal.aborted) throw this.mapError(signals.signal.reason, url, signals, 'connect');
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
    if (method === 'HEAD' || isRedirect(status)) {
      await res.body.dump().catch(() => undefined);
      return { status, headers: res.headers, url: url.toString(), body: Buffer.alloc(0) };
    }
    const read = await readBounded(res, url.host, req.maxBytes ?? DEFAULT_MAX_BYTES, (error) => this.mapError(error, url, signals, 'body'));
    return { status, headers: res.headers, url: url.toString(), body: read };
  }

  private dispatcherFor(origin: string): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    const policy = this.withDockerCa(origin, this.policies.get(origin));
    const pinned = this.pinned.get(origin);
    const key = policy || pinned ? origin : '*';
    let d = this.dispatchers.get(key);
    if (!d) {
      const { env, onPeerCertificate } = this.options;
      d = createDispatcher({ env, onPeerCertificate, timeoutMs: this.timeoutMs, connectTimeoutMs: this.connectTimeoutMs }, policy, pinned);
      this.dispatchers.set(key, d);
    }
    return d;
  }

  /** A registry's CA in docker's certs.d (`HOST:PORT/ca.crt`) is trusted for it, as docker trusts it for pulls. */
  private withDockerCa(origin: string, policy: TlsPolicy | undefined): TlsPolicy | undefined {
    if (!origin.startsWith('https:')) return policy;
    let extra = this.certsCa.get(origin);
    if (extra === undefined) {
      extra = dockerCertsCa(dockerCertsDirs(this.options.env ?? {}), new URL(origin).host);
      this.certsCa.set(origin, extra);
    }
    if (extra.length === 0) return policy;
    const own = policy?.ca === undefined ? [] : Array.isArray(policy.ca) ? policy.ca : [policy.ca];
    return { ...(policy ?? { trustCert: false }), ca: [...own, ...extra] };
  }

  private dropDispatcher(key: string): void {
    const d = this.dispatchers.get(key);
    if (!d) return;
    this.dispatchers.delete(key);
    void d.close().catch(() => undefined);
  }
}
