// The HTTP(S) server of `stevedore serve`: login and session cookie, body limits (413), JSON answers in
// DESIGN.md's error shape, an access log without secrets, and a graceful stop (answers in flight
// finish; new connections are refused). Routes are in routes.ts.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/clock';
import { AppError, isAppError } from '../domain/errors';
import { redactSecrets, sanitizeLine } from '../domain/sanitize';
import { COOKIE_NAME, LoginThrottle, Sessions, clearedCookie, cookieValue, sessionCookie, type ThrottleOptions } from './auth';
import { createRoutes, type RouteDeps } from './routes';
import { LoginBody, validate } from './schemas';

export const DEFAULT_BODY_LIMIT = 64 * 1024;
const STOP_DEADLINE_MS = 10_000;

export interface LoginCheck {
  /** True when the user and password match the saved login. */
  verify(user: string, password: string): Promise<boolean>;
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
  clock: Clock;
  tls?: { cert: string | Buffer; key: string | Buffer };
  bodyLimit?: number;
  sessionMs?: number;
  throttle?: ThrottleOptions;
  /** One line per answered request (never a cookie, password or body). */
  accessLog?: (entry: AccessLogEntry) => void;
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

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ServeServer {
  server: Server;
  secure: boolean;
  /** From now on, answers say `Connection: close` (a stop is under way); the engine's events are let go. */
  setStopping(): void;
}

export function createServeServer(options: ServeOptions): ServeServer {
  const secure = options.tls !== undefined;
  const sessions = new Sessions(options.clock, options.sessionMs);
  const throttle = new LoginThrottle(options.clock, options.throttle);
  const routes = createRoutes(options, () => options.clock.now());
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  let stopping = false;

  type Done = { status: number; user: string | null; bytes: number };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<Done> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const client = req.socket.remoteAddress ?? 'unknown';
    const token = cookieValue(req.headers.cookie, COOKIE_NAME);
    const body = bodyReader(req, limit);
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
      return { status, user: sessions.check(token), bytes: method === 'HEAD' ? 0 : Buffer.byteLength(text) };
    };
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => send(status, { error: { code: status, message } }, headers);

    try {
      if (Number(req.headers['content-length'] ?? 0) > limit) throw new HttpError(413, `the body is larger than ${limit} bytes`);
      const path = url.pathname;
      if (path === '/healthz') {
        if (method !== 'GET' && method !== 'HEAD') return fail(405, `${method} is not allowed here`, { Allow: 'GET, HEAD' });
        return send(200, { status: 'ok' });
      }
      if (path === '/api/v1/login' || path === '/api/v1/login/') {
        if (method !== 'POST') return fail(405, `${method} is not allowed here`, { Allow: 'POST' });
        const wait = throttle.waitFor(client);
        if (wait > 0) {
          await body.discard();
          const seconds = Math.ceil(wait / 1000);
          return fail(429, `too many failed logins from this address: try again in ${seconds} s`, { 'Retry-After': String(seconds) });
        }
        const fields = validate(LoginBody, await body.form());
        if (!(await options.login.verify(fields.username, fields.password))) {
          const next = Math.ceil(throttle.failed(client) / 1000);
          return fail(401, `wrong user name or password (the next try is possible in ${next} s)`);
        }
        throttle.succeeded(client);
        const session = sessions.create(fields.username);
        const answer = send(200, { username: fields.username, expires: new Date(session.expires).toISOString() }, {
          'Set-Cookie': sessionCookie(session.token, session.expires, options.clock.now(), secure),
        });
        return { ...answer, user: fields.username };
      }
      if (path === '/api/v1/logout' || path === '/api/v1/logout/') {
        if (method !== 'POST') return fail(405, `${method} is not allowed here`, { Allow: 'POST' });
        await body.discard();
        sessions.end(token);
        return send(200, {}, { 'Set-Cookie': clearedCookie(secure) });
      }
      // Without a session nothing more is said, not even whether a route exists.
      const user = sessions.check(token);
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
      const reply = await match.handler({ method, segments: [], query: url.searchParams, json: () => body.json() }).then(
        (r) => r,
        async (error: unknown) => {
          await body.discard();
          throw error;
        },
      );
      await body.discard();
      return send(reply.status, reply.body);
    } catch (error) {
      if (error instanceof HttpError) return fail(error.status, error.message, { ...error.headers, Connection: 'close' });
      if (isAppError(error)) return fail(error.code, (error as AppError).describe());
      options.onBug?.(error);
      return fail(500, 'internal error (see the server log)');
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const client = req.socket.remoteAddress ?? 'unknown';
    void handle(req, res).then(
      ({ status, user, bytes }) => {
        options.accessLog?.({
          time: new Date(options.clock.now()).toISOString(),
          client,
          method: sanitizeLine(req.method ?? ''),
          path: logPath(req.url ?? '/'),
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
  return {
    server,
    secure,
    setStopping: () => {
      stopping = true;
      routes.close();
    },
  };
}

/** Listens, and returns the URL and a graceful stop. */
export async function listen(serve: ServeServer, host: string, port: number): Promise<RunningServer> {
  const { server, secure } = serve;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `${secure ? 'https' : 'http'}://${shownHost}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        serve.setStopping();
        const deadline = setTimeout(() => server.closeAllConnections(), STOP_DEADLINE_MS);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

interface BodyReader {
  json(): Promise<unknown>;
  /** Form fields (`a=1&b=2`), or a JSON object when the body is one. */
  form(): Promise<Record<string, string>>;
  discard(): Promise<void>;
}

function bodyReader(req: IncomingMessage, limit: number): BodyReader {
  let read: Promise<string> | undefined;
  const text = (): Promise<string> =>
    (read ??= new Promise<string>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) {
        req.resume();
        reject(new HttpError(413, `the body is larger than ${limit} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.resume();
          reject(new HttpError(413, `the body is larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    }));
  return {
    async json() {
      const t = (await text()).trim();
      if (t === '') return undefined;
      try {
        return JSON.parse(t) as unknown;
      } catch {
        throw new HttpError(400, 'the body is not valid JSON');
      }
    },
    async form() {
      const t = (await text()).trim();
      if (t.startsWith('{')) {
        try {
          const value: unknown = JSON.parse(t);
          if (value && typeof value === 'object' && !Array.isArray(value)) {
            return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
          }
        } catch {
          throw new HttpError(400, 'the body is not valid JSON');
        }
      }
      return Object.fromEntries(new URLSearchParams(t));
    },
    async discard() {
      if (read) {
        await read.catch(() => undefined);
        return;
      }
      if (req.readableEnded) return;
      // An unread body is drained (up to the limit) so the connection can be reused; a larger one closes it.
      await text().catch(() => undefined);
    },
  };
}

function decodeSegments(path: string): string[] {
  try {
    return path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
}

/** The request's path and query for the log: query values that may carry secrets are hidden, controls removed. */
export function logPath(raw: string): string {
  const cut = raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
  const [path = '', query] = cut.split('?', 2);
  if (query === undefined) return sanitizeLine(path);
  const params = new URLSearchParams(query);
  const shown = [...params.entries()].map(([k, v]) => `${k}=${/pass|token|secret|auth/i.test(k) ? '***' : redactSecrets(v)}`);
  return sanitizeLine(`${path}?${shown.join('&')}`);
}
