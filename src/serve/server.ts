// The HTTP(S) server of `stevedore serve`: the checks every request passes first (Host, Origin, body
// type: guard.ts), login with a throttle and a session cookie (auth.ts), connection limits
// (connections.ts), body limits (413), JSON answers in DESIGN.md's error shape, an access log without
// secrets, and a graceful stop (answers in flight finish until a deadline; then connections are cut and
// the registry calls still running are aborted). Routes are in routes.ts. (A little over 300 lines: the
// request pipeline is kept in one place; its parts live in auth, guard, body, connections and accessLog.)
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../domain/clock';
import { AppError, isAppError } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';
import { logPath } from './accessLog';
import { HttpError, bodyReader, decodeSegments, hasBody, parseTarget, type BodyReader } from './body';
import { COOKIE_NAME, LoginThrottle, Sessions, clearedCookie, clientKey, cookieValue, sessionCookie, type Monotonic, type ThrottleOptions } from './auth';
import { limitConnections, type ConnectionLimits } from './connections';
import { GuardError, checkHost, checkJsonBody, checkLoginBody, checkOrigin, hostRules, type HostRules } from './guard';
import { createRoutes, type RouteDeps } from './routes';
import { LoginBody, validate } from './schemas';

export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const STOP_DEADLINE_MS = 10_000;

export interface LoginCheck {
  /** True when the user and password match the saved login. */
  verify(user: string, password: string): Promise<boolean>;
  /** Changes whenever the saved login changes (`serve passwd`): every session then ends. */
  stamp?(): string;
}

export interface AccessLogEntry {
  time: string;
  client: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  bytes: number;
  user: string | null;
}

export interface ServeOptions extends RouteDeps {
  login: LoginCheck;
  /** The wall clock: the cookie's Expires and the access log's time. */
  clock: Clock;
  /** Durations (sessions, login waits, caches); default performance.now. */
  monotonic?: Monotonic;
  tls?: { cert: string | Buffer; key: string | Buffer };
  bodyLimit?: number;
  sessionMs?: number;
  throttle?: ThrottleOptions;
  limits?: ConnectionLimits;
  /** Names `Host` may carry besides the listen address's (a TLS proxy's public name): `--allowed-host`. */
  allowedHosts?: string[];
  /** How long a stop waits for answers in flight (default 10 s). */
  stopDeadlineMs?: number;
  /** At the stop deadline: abort what the answers still in flight wait for (registry calls). */
  abortInFlight?: () => void;
  /** One line per answered request (never a cookie, password or body). */
  accessLog?: (entry: AccessLogEntry) => void;
  /** Something worth a line in the server's log that is no request (connections refused). */
  notice?: (line: string) => void;
  /** A route failed for a reason that is not the client's (a bug): logged, answered 500. */
  onBug?: (error: unknown) => void;
}

export interface RunningServer {
  server: Server;
  /** `http://127.0.0.1:8118` */
  url: string;
  /** Stops accepting, lets answers in flight finish (up to a deadline), then closes every connection. */
  stop(): Promise<void>;
}

export interface ServeServer {
  server: Server;
  secure: boolean;
  options: ServeOptions;
  /** Which names `Host` may carry: set by listen() once the port is known. */
  setHosts(rules: HostRules): void;
  /** From now on, answers say `Connection: close` (a stop is under way); the engine's events are let go. */
  setStopping(): void;
}

export function createServeServer(options: ServeOptions): ServeServer {
  const secure = options.tls !== undefined;
  const monotonic = options.monotonic ?? (() => performance.now());
  const sessions = new Sessions(monotonic, options.sessionMs);
  const throttle = new LoginThrottle(monotonic, options.throttle);
  const routes = createRoutes(options, monotonic);
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  let hosts: HostRules | null = null;
  let stopping = false;

  // The saved login as it was when the sessions began: a new one (`serve passwd`) ends them all.
  let loginStamp = options.login.stamp?.();
  const sessionUser = (token: string | undefined): string | null => {
    if (options.login.stamp) {
      const now = options.login.stamp();
      if (now !== loginStamp) {
        loginStamp = now;
        sessions.endAll();
      }
    }
    return sessions.check(token);
  };

  type Done = { status: number; user: string | null; bytes: number };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<Done> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const token = cookieValue(req.headers.cookie, COOKIE_NAME);
    const body = bodyReader(req, limit);
    let user: string | null = null;
    const send = (status: number, value: unknown, headers: Record<string, string | string[]> = {}): Done => {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        ...(stopping ? { Connection: 'close' } : {}),
        ...headers,
      });
      res.end(method === 'HEAD' ? undefined : text);
      return { status, user, bytes: method === 'HEAD' ? 0 : Buffer.byteLength(text) };
    };
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => send(status, { error: { code: status, message } }, headers);

    try {
      // Before anything else: a request for another name (DNS rebinding) or from another origin's page.
      if (!hosts) throw new HttpError(503, 'the server is starting');
      checkHost(hosts, req.headers.host);
      checkOrigin(hosts, req);
      const { path, query } = parseTarget(req.url ?? '');
      if (Number(req.headers['content-length'] ?? 0) > limit) throw new HttpError(413, `the body is larger than ${limit} bytes`);
      if (path === '/healthz') {
        if (method !== 'GET' && method !== 'HEAD') return fail(405, `${method} is not allowed here`, { Allow: 'GET, HEAD' });
        return send(200, { status: 'ok' });
      }
      if (path === '/api/v1/login' || path === '/api/v1/login/') {
        if (method !== 'POST') return fail(405, `${method} is not allowed here`, { Allow: 'POST' });
        return await login(req, body, send, fail, (u) => (user = u));
      }
      if (hasBody(req)) checkJsonBody(req);
      if (path === '/api/v1/logout' || path === '/api/v1/logout/') {
        if (method !== 'POST') return fail(405, `${method} is not allowed here`, { Allow: 'POST' });
        await body.discard();
        sessions.end(token);
        return send(200, {}, { 'Set-Cookie': clearedCookie(secure) });
      }
      // Without a session nothing more is said, not even whether a route exists.
      user = sessionUser(token);
      if (!user) {
        await body.discard();
        return fail(401, 'log in first: POST /api/v1/login with username and password, and send the session cookie');
      }
      const segments = decodeSegments(path);
      const match = routes.match(method, segments);
      if (!match) {
        await body.discard();
        return fail(404, `no such route: ${method} ${sanitizeLine(path)}`);
      }
      if ('allowed' in match) {
        await body.discard();
        return fail(405, `${method} is not allowed on ${sanitizeLine(path)}`, { Allow: match.allowed.join(', ') });
      }
      const reply = await match.handler({ method, segments: [], query, json: () => body.json() }).then(
        (r) => r,
        async (error: unknown) => {
          await body.discard();
          throw error;
        },
      );
      await body.discard();
      return send(reply.status, reply.body);
    } catch (error) {
      // The body of a refused request is not read: the connection closes after the answer.
      if (error instanceof HttpError) return fail(error.status, error.message, { ...error.headers, Connection: 'close' });
      if (error instanceof GuardError) return fail(error.status, error.message, { Connection: 'close' });
      if (isAppError(error)) return fail(error.code, (error as AppError).describe());
      options.onBug?.(error);
      return fail(500, 'internal error (see the server log)');
    }
  };

  /** POST /api/v1/login: one verification per client at a time, a few at a time in all (auth.ts). */
  const login = async (
    req: IncomingMessage,
    body: BodyReader,
    send: (status: number, value: unknown, headers?: Record<string, string | string[]>) => Done,
    fail: (status: number, message: string, headers?: Record<string, string>) => Done,
    setUser: (user: string) => void,
  ): Promise<Done> => {
    const ticket = throttle.begin(clientKey(req.socket.remoteAddress));
    if (!ticket.ok) {
      await body.discard();
      const seconds = Math.max(1, Math.ceil(ticket.retryMs / 1000));
      return fail(429, `${ticket.reason}: try again in ${seconds} s`, { 'Retry-After': String(seconds) });
    }
    let outcome: 'ok' | 'failed' | 'none' = 'none';
    try {
      checkLoginBody(req);
      const fields = validate(LoginBody, await body.form());
      outcome = (await options.login.verify(fields.username, fields.password)) ? 'ok' : 'failed';
      if (outcome === 'failed') {
        const next = Math.ceil(ticket.done('failed') / 1000);
        return fail(401, `wrong user name or password (the next try is possible in ${next} s)`);
      }
      ticket.done('ok');
      sessionUser(undefined); // the login checked is the current one: sessions from now on belong to it
      const session = sessions.create(fields.username);
      setUser(fields.username);
      const wallNow = options.clock.now();
      return send(200, { username: fields.username, expires: new Date(wallNow + session.ttlMs).toISOString() }, {
        'Set-Cookie': sessionCookie(session.token, session.ttlMs, wallNow, secure),
      });
    } finally {
      ticket.done(outcome);
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    void handle(req, res).then(
      ({ status, user, bytes }) => {
        options.accessLog?.({
          time: new Date(options.clock.now()).toISOString(),
          client: sanitizeLine(req.socket.remoteAddress ?? 'unknown'),
          method: sanitizeLine(req.method ?? '').slice(0, 20),
          path: logPath(req.url ?? ''),
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          bytes,
          user,
        });
      },
      (error: unknown) => {
        options.onBug?.(error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      },
    );
  };

  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  // Slow or stuck clients do not hold the server: whole request within 30 s, headers within 10 s.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  limitConnections(server, options.limits ?? {}, (line) => options.notice?.(line));
  // A request Node cannot parse: answered as Node would, and logged like the others.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    options.accessLog?.({
      time: new Date(options.clock.now()).toISOString(),
      client: sanitizeLine(socket.remoteAddress ?? 'unknown'),
      method: '-',
      path: '-',
      status,
      ms: 0,
      bytes: 0,
      user: null,
    });
  });
  return {
    server,
    secure,
    options,
    setHosts: (rules) => (hosts = rules),
    setStopping: () => {
      stopping = true;
      routes.close();
    },
  };
}

/** Listens, and returns the URL and a graceful stop. */
export async function listen(serve: ServeServer, host: string, port: number): Promise<RunningServer> {
  const { server, secure, options } = serve;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  serve.setHosts(hostRules(host, address.port, { ...(options.tls ? { cert: options.tls.cert } : {}), allowed: options.allowedHosts ?? [] }));
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const deadlineMs = options.stopDeadlineMs ?? STOP_DEADLINE_MS;
  return {
    server,
    url: `${secure ? 'https' : 'http'}://${shownHost}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        serve.setStopping();
        const deadline = setTimeout(() => {
          // What is still in flight is given up: its connections are cut and its registry calls aborted.
          options.abortInFlight?.();
          server.closeAllConnections();
        }, deadlineMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

export { logPath } from './accessLog';
