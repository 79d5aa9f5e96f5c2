// LXD's (and Incus's) REST API over its unix socket (PROTOCOLS.md "LXD / Incus images"): sync answers,
// async answers followed as operations (polled, with the operation's metadata handed out as progress, and
// cancelled with DELETE), and LXD's error shape turned into our typed errors. Every request has a deadline;
// bodies are read with a size limit. Incus speaks the same API for images (issue 22): only `dialect()` tells them
// apart. (Just over 300 lines: one protocol, request to typed error; the parsing is in parse.ts already.)
import { statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { AppError, BadResponse, Cancelled, Conflict, Forbidden, InvalidInput, NotFound, NotSupported, TimedOut, Unreachable } from '../../domain/errors';
import { dialectOf, type LxcDialect, type LxcImage } from '../../domain/lxc';
import { sanitizeLine } from '../../domain/sanitize';
import { type LxdOperation, type LxdServerInfo, parseAliasTarget, parseEnvelope, parseLocalImage, parseOperation, parseServerInfo } from './parse';
import { findSocket } from './socket';

export interface LxdClientOptions {
  env: NodeJS.ProcessEnv;
  /** Deadline of one request (ms). Default 15 s. */
  timeoutMs?: number;
  /** Largest answer accepted (bytes). Default 32 MiB. */
  maxBytes?: number;
  /** How often a running operation is asked about (ms). Default 250. */
  pollMs?: number;
}

export interface PullSource {
  /** Simplestreams server URL (https). */
  server: string;
  /** The image's fingerprint on that server. */
  fingerprint: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class LxdClient {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly pollMs: number;
  private socketPath: string | null = null;
  private dialectAnswer: Promise<LxcDialect> | undefined;

  constructor(private readonly options: LxdClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.pollMs = options.pollMs ?? 250;
  }

  /** The socket this client talks to; 501 naming every path looked at when there is none. */
  socket(): string {
    if (this.socketPath) return this.socketPath;
    const found = findSocket(this.options.env);
    if (!found.path) {
      throw new NotSupported(`no LXD or Incus socket found (looked at ${found.looked.join(', ')})`, {
        hint: 'install and start LXD (apt install lxd, or snap install lxd), or set LXD_DIR / INCUS_DIR',
      });
    }
    this.socketPath = found.path;
    return found.path;
  }

  async server(): Promise<LxdServerInfo> {
    return parseServerInfo(await this.sync('GET', '/1.0'));
  }

  /** LXD or Incus, as GET /1.0 says (`environment.server`); asked once per client. */
  dialect(): Promise<LxcDialect> {
    this.dialectAnswer ??= this.server().then((info) => dialectOf(info.server));
    this.dialectAnswer.catch(() => (this.dialectAnswer = undefined));
    return this.dialectAnswer;
  }

  async listImages(signal?: AbortSignal): Promise<LxcImage[]> {
    const meta = await this.sync('GET', '/1.0/images?recursion=1', undefined, signal);
    if (!Array.isArray(meta)) throw new BadResponse('LXD answered the image list with something that is not a list');
    return meta.map(parseLocalImage).filter((i): i is LxcImage => i !== null);
  }

  /** The raw image object as LXD gives it (for inspect), and the parsed one. */
  async image(fingerprint: string): Promise<{ raw: Record<string, unknown>; image: LxcImage }> {
    const meta = await this.sync('GET', `/1.0/images/${encodeURIComponent(fingerprint)}`);
    const image = parseLocalImage(meta);
    if (!image || meta === null || typeof meta !== 'object') throw new BadResponse('LXD answered an image request with something unusable');
    return { raw: meta as Record<string, unknown>, image };
  }

  /** The fingerprint an alias points at, or null when there is no such alias. */
  async aliasTarget(name: string): Promise<string | null> {
    try {
      return parseAliasTarget(await this.sync('GET', `/1.0/images/aliases/${encodeAlias(name)}`));
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /** Points `name` at `fingerprint`, creating the alias or moving it. */
  async setAlias(name: string, fingerprint: string): Promise<void> {
    const existing = await this.aliasTarget(name);
    if (existing === fingerprint) return;
    if (existing) await this.sync('PUT', `/1.0/images/aliases/${encodeAlias(name)}`, { target: fingerprint, description: '' });
    else await this.sync('POST', '/1.0/images/aliases', { name, target: fingerprint, description: '' });
  }

  /** Deletes an image (an async operation in LXD), waiting for it to finish. */
  async deleteImage(fingerprint: string, signal?: AbortSignal): Promise<void> {
    const answer = await this.request('DELETE', `/1.0/images/${encodeURIComponent(fingerprint)}`, undefined, signal);
    if (answer.type === 'async') await this.follow(answer.operation, () => undefined, signal);
  }

  /**
   * Asks LXD to download an image from a simplestreams server and follows the operation: `onProgress` gets
   * the operation's metadata (LXD 5: `download_progress: "rootfs: 42% (1.2MB/s)"`). Aborting `signal`
   * cancels the operation. Resolves with the fingerprint LXD reports.
   */
  async pull(source: PullSource, onProgress: (op: LxdOperation) => void, signal?: AbortSignal): Promise<string> {
    const body = {
      source: { type: 'image', mode: 'pull', server: source.server, protocol: 'simplestreams', fingerprint: source.fingerprint },
      auto_update: false,
    };
    const answer = await this.request('POST', '/1.0/images', body, signal);
    if (answer.type !== 'async') throw new BadResponse('LXD did not start a download operation');
    const done = await this.follow(answer.operation, onProgress, signal);
    return done.metadata.fingerprint ?? source.fingerprint;
  }

  /**
   * Follows an operation until it ends. Progress goes to `onProgress`; aborting `signal` sends DELETE (cancel)
   * and waits for LXD to say the operation ended. Failure → a typed error with LXD's message.
   */
  async follow(operationUrl: string, onProgress: (op: LxdOperation) => void, signal?: AbortSignal): Promise<LxdOperation> {
    const path = operationPath(operationUrl);
    let cancelSent = false;
    for (;;) {
      if (signal?.aborted && !cancelSent) {
        cancelSent = true;
        await this.cancel(path);
      }
      const op = parseOperation(await this.sync('GET', path));
      if (!op) throw new BadResponse('LXD answered an operation request with something unusable');
      if (op.status === 'Success') return op;
      if (op.status === 'Cancelled' || (cancelSent && op.status === 'Failure')) throw new Cancelled();
      if (op.status === 'Failure') throw operationError(op.err);
      onProgress(op);
      await pause(this.pollMs, signal);
    }
  }

  /** DELETE on an operation; LXD refuses while the download has no request in flight, so it is re-tried briefly. */
  private async cancel(path: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        await this.sync('DELETE', path);
        return;
      } catch (error) {
        // Already finished: nothing to cancel.
        if (error instanceof NotFound) return;
        const op = parseOperation(await this.sync('GET', path).catch(() => null));
        if (op && op.status !== 'Running' && op.status !== 'Pending') return;
        if (Date.now() > deadline) throw new Conflict(`LXD would not cancel the operation: ${error instanceof Error ? error.message : String(error)}`);
        await pause(this.pollMs);
      }
    }
  }

  /** A sync request: its metadata, or a typed error. */
  async sync(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const answer = await this.request(method, path, body, signal);
    if (answer.type === 'async') throw new BadResponse(`LXD answered ${method} ${path} with an operation where a result was expected`);
    return answer.metadata;
  }

  async request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<{ type: 'sync'; metadata: unknown } | { type: 'async'; operation: string }> {
    const socketPath = this.socket();
    const { status, text } = await this.send(socketPath, method, path, body, signal);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadResponse(`LXD answered ${method} ${path} with ${status} and a body that is not JSON`);
    }
    const envelope = parseEnvelope(json);
    if (!envelope) throw new BadResponse(`LXD answered ${method} ${path} with ${status} and an unknown shape`);
    if (envelope.type === 'error') throw lxdError(envelope.errorCode || status, envelope.error, socketPath);
    if (status >= 400) throw lxdError(status, '', socketPath);
    return envelope.type === 'async' ? { type: 'async', operation: envelope.operation } : { type: 'sync', metadata: envelope.metadata };
  }

  private send(socketPath: string, method: string, path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    if (signal?.aborted) return Promise.reject(new Cancelled());
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, value?: { status: number; text: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (value) resolve(value);
      };
      const req = http.request(
        {
          socketPath,
          path,
          method,
          host: 'lxd',
          agent: false,
          headers: { 'user-agent': 'stevedore', ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > this.maxBytes) {
              req.destroy();
              finish(new BadResponse(`LXD's answer to ${method} ${path} is larger than ${this.maxBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('error', (e) => finish(socketError(e, socketPath)));
          res.on('end', () => finish(null, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish(new TimedOut(`LXD did not answer ${method} ${path} within ${Math.round(this.timeoutMs / 1000)} s`, { hint: `is LXD at ${socketPath} stuck?` }));
      }, this.timeoutMs);
      const onAbort = (): void => {
        req.destroy();
        finish(new Cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => finish(socketError(e, socketPath)));
      req.end(payload);
    });
  }
}

/** An alias name in a URL path: its slashes stay (LXD routes `/1.0/images/aliases/{name:.*}`). */
function encodeAlias(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

function operationPath(url: string): string {
  const m = /^\/1\.0\/operations\/([A-Za-z0-9-]+)/.exec(url);
  if (!m) throw new BadResponse(`LXD named an operation that is not one: ${sanitizeLine(url).slice(0, 100)}`);
  return `/1.0/operations/${m[1]}`;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** LXD's error shape as our typed errors. */
export function lxdError(code: number, message: string, socketPath: string): AppError {
  const text = sanitizeLine(message) || `LXD answered ${code}`;
  if (code === 404) return new NotFound(text);
  if (code === 403) return new Forbidden(text, { hint: `LXD at ${socketPath} refused this user` });
  if (code === 409) return new Conflict(text);
  if (code === 400) return new InvalidInput(text);
  if (code === 501) return new NotSupported(text);
  return new BadResponse(text);
}

/** A failed operation's `err` text as a typed error. */
export function operationError(err: string): AppError {
  const text = sanitizeLine(err) || 'the LXD operation failed';
  if (/couldn't be found|not found/i.test(text)) return new NotFound(text);
  if (/x509|certificate/i.test(text)) {
    return new AppError(495, text, { hint: "LXD does not trust the server's certificate: add its CA to the LXD host's trusted certificates" });
  }
  if (/no such host|connection refused|i\/o timeout|network is unreachable|dial tcp/i.test(text)) return new Unreachable(text);
  if (/already exists/i.test(text)) return new Conflict(text);
  return new BadResponse(text);
}

function socketError(error: Error, socketPath: string): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    const group = socketGroup(socketPath);
    return new Forbidden(`permission denied on LXD's socket ${socketPath}`, {
      hint: group ? `join the group "${group}" (sudo usermod -aG ${group} $USER, then log in again)` : 'join the group that owns the socket (usually lxd)',
    });
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new NotSupported(`LXD is not running: nothing answers on ${socketPath}`, { hint: 'start LXD (systemctl start lxd, or snap start lxd)' });
  }
  return new Unreachable(`cannot talk to LXD at ${socketPath}: ${sanitizeLine(error.message)}`);
}

/** The name of the group that owns the socket (from /etc/group), or null. */
function socketGroup(socketPath: string): string | null {
  try {
    const gid = statSync(socketPath).gid;
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === gid) return name;
    }
    return null;
  } catch {
    return null;
  }
}
