// Small HTTP helpers on node:http/https. The world needs per-request CAs (the TLS registry) and unix
// sockets (dockerd), which global fetch does not offer, and no dependency beyond Node is wanted here.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json(): unknown;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Extra trusted CA (PEM) for https. */
  ca?: string;
  /** Talk HTTP over this unix socket (the URL's host is then only a placeholder). */
  socketPath?: string;
  timeoutMs?: number;
}

export function httpRequest(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers: Record<string, string> = { ...opts.headers };
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      { method: opts.method ?? 'GET', headers, ca: opts.ca, socketPath: opts.socketPath, timeout: opts.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${opts.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

function toResponse(status: number, headers: http.IncomingHttpHeaders, body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

/** First value of a response header (node gives string | string[] | undefined). */
export function header(res: { headers: http.IncomingHttpHeaders }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- servers -------------------------------------------------------------------------------------------

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 (random port unless given) and return the base URL. */
export async function listen(handler: http.RequestListener, port = 0): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    // A handler that throws must not take the whole world (or the vitest main process) down.
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(data.length), ...headers });
  res.end(data);
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Pass a request to an upstream server unchanged, Host header included: the reference registry builds
 * Location and Link URLs from Host, so they keep pointing at the proxy.
 */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstream: URL,
  pipeBody: (up: http.IncomingMessage, res: http.ServerResponse) => void = (up, r) => void up.pipe(r),
): void {
  const up = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      pipeBody(upRes, res);
    },
  );
  up.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { message: `upstream: ${err.message}` });
    else res.destroy();
  });
  // A client that goes away (docker cancelling a pull) must not leave the upstream request hanging.
  res.on('close', () => up.destroy());
  req.pipe(up);
}
