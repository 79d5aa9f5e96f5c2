// Request bodies and targets of `stevedore serve`: read with a size limit (413), as JSON or as the login's
// form fields; the target's path split into percent-decoded segments (a bad target is a 400, not a bug).
import type { IncomingMessage } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface BodyReader {
  json(): Promise<unknown>;
  /** Form fields (`a=1&b=2`), or a JSON object when the body is one. */
  form(): Promise<Record<string, string>>;
  discard(): Promise<void>;
}

export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function bodyReader(req: IncomingMessage, limit: number): BodyReader {
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

/** The request target's path and query. Only origin-form (`/path?query`) is served; anything else is a 400. */
export function parseTarget(raw: string): { path: string; query: URLSearchParams } {
  if (!raw.startsWith('/')) throw new HttpError(400, 'the request target must be a path (/…)');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  // RFC 3986 path characters; anything else (`[`, `"`, `{`, `\`…) must come percent-encoded.
  if (!/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/.test(path)) throw new HttpError(400, 'the request path has characters that must be percent-encoded');
  return { path, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

export function decodeSegments(path: string): string[] {
  try {
    return path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
}

