// The Docker Engine API: plain HTTP requests for everything that answers once (listings, version, inspect,
// delete, prune, df), dockerode (loaded lazily) for the pull stream. Protocol only: engine JSON is narrowed
// into small typed records here; the engine services give them meaning. Connection failures become one
// clear Unreachable (503) line, an engine that does not answer in time a TimedOut (504); HTTP failures
// become EngineRequestError with the engine's own message, for the services to turn into typed errors.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { BadResponse, TimedOut, Unreachable, isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { Endpoint } from './endpoint';
import { SshAgent } from './ssh';
import { jsonLines } from './stream';

/** An image as GET /images/json lists it. */
export interface EngineImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Unix seconds. */
  created: number;
  size: number;
}

/** A container as GET /containers/json?all=1 lists it. */
export interface EngineContainer {
  id: string;
  /** Without the leading slash. */
  names: string[];
  /** The image as the container was created with it (a name or an id). */
  image: string;
  imageId: string;
  state: string;
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export interface PullRequest {
  /** Repository (`docker.io/library/redis`). */
  fromImage: string;
  /** A tag or a digest: always sent, or the engine pulls every tag. */
  tag: string;
  platform?: string;
  /** Ready X-Registry-Auth value (padded base64url). */
  registryAuth?: string;
}

/** The engine answered with an HTTP error; `message` is the engine's own text (sanitised). */
export class EngineRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

/** The part of dockerode this client uses (results are validated, so `unknown`). */
interface DockerodeApi {
  createImage(auth: { base64: string } | undefined, opts: Record<string, unknown>): Promise<unknown>;
}

export interface EngineClientOptions {
  /**
   * How long a request that answers once (listings, version, inspect…) may take, in ms. Default:
   * DOCKER_CLIENT_TIMEOUT (seconds) from the environment, else 30 s. The pull and events streams have none.
   */
  timeoutMs?: number;
  /** The same for the work the engine does before answering (delete, prune, disk usage). Default: 5 min, at least `timeoutMs`. */
  slowTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const SLOW_TIMEOUT_MS = 300_000;
const PING_TIMEOUT_MS = 15_000;
const DOCKER_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];

interface Transport {
  socketPath?: string;
  host?: string;
  port?: number;
  tls: boolean;
  agent?: http.Agent;
}

type Method = 'GET' | 'POST' | 'DELETE';

interface RequestOptions {
  /** The caller's cancellation: aborting it rejects with its AbortError (the timeout still applies). */
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** Resolve with the body as text rather than decoded JSON (/_ping). */
  text?: boolean;
}

export class EngineClient {
  private api: Promise<DockerodeApi> | undefined;
  private pinged: Promise<void> | undefined;
  private transportCache: Transport | undefined;
  /** For requests that answer once (ms). */
  readonly timeoutMs: number;
  /** For delete, prune and disk usage (ms). */
  readonly slowTimeoutMs: number;
  /** For the first ping: 15 s, or the timeout the user (or caller) set. */
  private readonly pingTimeoutMs: number;

  constructor(
    readonly endpoint: Endpoint,
    private readonly env: NodeJS.ProcessEnv = process.env,
    options: EngineClientOptions = {},
  ) {
    const explicit = positive(options.timeoutMs) ?? clientTimeoutFromEnv(env);
    this.timeoutMs = explicit ?? DEFAULT_TIMEOUT_MS;
    this.slowTimeoutMs = Math.max(positive(options.slowTimeoutMs) ?? SLOW_TIMEOUT_MS, this.timeoutMs);
    this.pingTimeoutMs = explicit ?? PING_TIMEOUT_MS;
  }

  /** `unix:///var/run/docker.sock`, `ssh://nas`, `tcp://host:2376`. */
  get description(): string {
    return this.endpoint.description;
  }

  /** GET /_ping once per client: the first failure says "cannot reach the engine at …" (or that it did not answer). */
  ping(): Promise<void> {
    this.pinged ??= (async () => {
      await this.request('GET', '/_ping', { text: true, timeoutMs: this.pingTimeoutMs });
    })();
    this.pinged.catch(() => (this.pinged = undefined));
    return this.pinged;
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    const raw = record(await this.request('GET', '/version', { signal }), 'version');
    return { version: str(raw.Version), apiVersion: str(raw.ApiVersion), os: str(raw.Os), arch: str(raw.Arch) };
  }

  async listImages(signal?: AbortSignal): Promise<EngineImage[]> {
    const raw = await this.request('GET', '/images/json', { signal });
    return list(raw, 'images').map((item) => {
      const r = record(item, 'image');
      return {
        id: str(r.Id),
        repoTags: strings(r.RepoTags).filter((t) => t !== '<none>:<none>'),
        repoDigests: strings(r.RepoDigests).filter((d) => d !== '<none>@<none>'),
        created: num(r.Created),
        size: num(r.Size ?? r.VirtualSize),
      };
    });
  }

  async listContainers(signal?: AbortSignal): Promise<EngineContainer[]> {
    const raw = await this.request('GET', '/containers/json?all=1', { signal });
    return list(raw, 'containers').map((item) => {
      const r = record(item, 'container');
      return {
        id: str(r.Id),
        names: strings(r.Names).map((n) => n.replace(/^\//, '')),
        image: str(r.Image),
        imageId: str(r.ImageID),
        state: str(r.State),
      };
    });
  }

  /** GET /images/{name}/json: the engine's inspect JSON as it is. */
  async inspectImage(name: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return record(await this.request('GET', `/images/${imagePath(name)}/json`, { signal }), 'image inspect');
  }

  /** DELETE /images/{name}: what was untagged and what was deleted. */
  async removeImage(name: string, force: boolean): Promise<{ untagged: string[]; deleted: string[] }> {
    // A ping first, so an engine that does not answer at all is told in seconds, not after the long timeout.
    await this.ping();
    const raw = await this.request('DELETE', `/images/${imagePath(name)}?force=${force ? 'true' : 'false'}`, { timeoutMs: this.slowTimeoutMs });
    return splitDeleteResponse(Array.isArray(raw) ? raw : []);
  }

  /** POST /images/prune: dangling images, or every unused image with `all`. */
  async pruneImages(all: boolean): Promise<{ untagged: string[]; deleted: string[]; spaceReclaimed: number }> {
    await this.ping();
    const filters = encodeURIComponent(JSON.stringify({ dangling: [all ? 'false' : 'true'] }));
    const raw = record(await this.request('POST', `/images/prune?filters=${filters}`, { timeoutMs: this.slowTimeoutMs }), 'prune');
    return { ...splitDeleteResponse(Array.isArray(raw.ImagesDeleted) ? raw.ImagesDeleted : []), spaceReclaimed: num(raw.SpaceReclaimed) };
  }

  /** GET /system/df: bytes of image layers on disk and the number of images. */
  async diskUsage(): Promise<{ layersSize: number; images: number }> {
    await this.ping();
    const raw = record(await this.request('GET', '/system/df', { timeoutMs: this.slowTimeoutMs }), 'system df');
    return { layersSize: num(raw.LayersSize), images: Array.isArray(raw.Images) ? raw.Images.length : 0 };
  }

  /**
   * POST /images/create: the progress stream as decoded JSON lines. Aborting `signal` ends the request
   * (the engine then stops the pull, though it may finish extracting layers it already has). No overall
   * timeout (a pull takes what it takes), but a connection that breaks ends the stream with Unreachable.
   */
  async pull(request: PullRequest, signal: AbortSignal): Promise<AsyncIterable<unknown>> {
    const options: Record<string, unknown> = {
      fromImage: request.fromImage,
      tag: request.tag,
      ...(request.platform ? { platform: request.platform } : {}),
      abortSignal: signal,
    };
    const auth = request.registryAuth ? { base64: request.registryAuth } : undefined;
    const stream = (await this.call((api) => api.createImage(auth, options))) as Readable;
    if (!stream || typeof (stream as Partial<Readable>).on !== 'function') throw new BadResponse('the engine answered the pull without a stream');
    const onAbort = (): void => void stream.destroy(Object.assign(new Error('pull cancelled'), { name: 'AbortError' }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return this.guarded(jsonLines(stream), 'pull');
  }

  /**
   * GET /events for images and containers, streamed: `onEvent` gets each event's type and action.
   * Resolves when the engine ends the stream; rejects (typed) when it cannot be reached, does not start
   * the stream within the request timeout, or the connection breaks. No timeout once the stream runs.
   */
  events(onEvent: (event: { type: string; action: string }) => void, signal: AbortSignal): Promise<void> {
    const t = this.transport();
    const filters = encodeURIComponent(JSON.stringify({ type: ['image', 'container'] }));
    return new Promise((resolvePromise, rejectPromise) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(headerTimer);
        fn();
      };
      const resolve = (): void => settle(resolvePromise);
      const reject = (error: unknown): void => settle(() => rejectPromise(error));
      const req = (t.tls ? https : http).request(
        {
          ...(t.tls ? {} : { servername: '' }),
          method: 'GET',
          path: `/events?filters=${filters}`,
          headers: { accept: 'application/json', host: t.socketPath ? 'docker' : `${t.host ?? 'docker'}:${t.port ?? 80}` },
          ...(t.socketPath ? { socketPath: t.socketPath } : { host: t.host, port: t.port }),
          ...(t.agent ? { agent: t.agent } : {}),
          signal,
        },
        (res) => {
          clearTimeout(headerTimer);
          if ((res.statusCode ?? 0) !== 200) {
            res.resume();
            return reject(new EngineRequestError(res.statusCode ?? 0, `GET /events answered ${res.statusCode ?? '?'}`));
          }
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (!line) continue;
              try {
                const r = record(JSON.parse(line), 'event');
                onEvent({ type: str(r.Type), action: str(r.Action ?? r.status) });
              } catch {
                // not an event: ignore it
              }
            }
            if (buffer.length > 1 << 20) buffer = '';
          });
          res.on('end', () => resolve());
          res.on('error', (error) => reject(this.broken(error, 'events')));
          // Closed without its end (and without an error): the connection went away.
          res.on('close', () => {
            if (!res.complete) reject(signal.aborted ? abortError(signal) : this.broken(new Error('the connection closed'), 'events'));
          });
        },
      );
      // The engine starts the stream at once; one that does not answer is reported (and the watch retries).
      const headerTimer = setTimeout(() => {
        reject(this.timedOut(this.timeoutMs));
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (error) => reject(this.translate(error)));
      req.end();
    });
  }

  /**
   * One request that answers once, returning the decoded JSON (the text with `text`). These go over plain
   * http rather than dockerode: the listings are the hot path of `image list` and the TUI, and a
   * connection failure gives the same one-line Unreachable as the ping would. Every one has a timeout:
   * an engine that accepts the connection but never answers is a TimedOut, not a hang.
   */
  private request(method: Method, path: string, options: RequestOptions = {}): Promise<unknown> {
    const t = this.transport();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const what = `${method} ${path.split('?')[0] ?? path}`;
    return new Promise((resolvePromise, rejectPromise) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const resolve = (value: unknown): void => settle(() => resolvePromise(value));
      const reject = (error: unknown): void => settle(() => rejectPromise(error));
      const requestOptions: http.RequestOptions & { servername?: string } = {
        // No TLS name to work out for a plain-http engine (Node would parse the Host header with its IPv6 regex).
        ...(t.tls ? {} : { servername: '' }),
        method,
        path,
        headers: {
          accept: 'application/json',
          host: t.socketPath ? 'docker' : `${t.host ?? 'docker'}:${t.port ?? 80}`,
          ...(method === 'GET' ? {} : { 'content-length': '0' }),
        },
        ...(t.socketPath ? { socketPath: t.socketPath } : { host: t.host, port: t.port }),
        ...(t.agent ? { agent: t.agent } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      const req = (t.tls ? https : http).request(requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(this.translate(error)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(new EngineRequestError(status, messageOf(text)));
          if (options.text) return resolve(text);
          if (status === 204 || !text.trim()) return resolve(null);
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new BadResponse(`the engine answered ${what} with something that is not JSON`));
          }
        });
      });
      const timer = setTimeout(() => {
        reject(this.timedOut(timeoutMs));
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => reject(this.translate(error)));
      req.end();
    });
  }

  private timedOut(ms: number): TimedOut {
    return new TimedOut(`the engine at ${this.description} did not answer within ${seconds(ms)} s`, {
      hint: 'is dockerd stuck? DOCKER_CLIENT_TIMEOUT (seconds) sets a longer wait',
    });
  }

  /** A stream whose connection broke (cancellation and typed errors are passed through). */
  private broken(error: unknown, what: string): unknown {
    if (!(error instanceof Error) || isAppError(error) || isAbort(error)) return error;
    if (typeof (error as { statusCode?: unknown }).statusCode === 'number') return this.translate(error);
    return new Unreachable(`the connection to the engine at ${this.description} broke during the ${what}`, {
      hint: 'did dockerd stop or restart?',
      cause: error,
    });
  }

  /** The lines of a stream, with a broken connection reported as Unreachable. */
  private async *guarded<T>(lines: AsyncIterable<T>, what: string): AsyncGenerator<T> {
    try {
      for await (const line of lines) yield line;
    } catch (error) {
      throw this.broken(error, what);
    }
  }

  /** How to reach the engine: a socket path, or host and port with an agent (TLS, or ssh's dial-stdio). */
  private transport(): Transport {
    if (this.transportCache) return this.transportCache;
    const e = this.endpoint;
    switch (e.kind) {
      case 'unix':
        this.transportCache = { socketPath: e.socketPath, tls: false };
        break;
      case 'tcp':
        this.transportCache = e.tls
          ? { host: e.host, port: e.port, tls: true, agent: new https.Agent({ keepAlive: true, ca: e.tls.ca, cert: e.tls.cert, key: e.tls.key, rejectUnauthorized: e.tls.verify }) }
          : { host: e.host, port: e.port, tls: false, agent: new http.Agent({ keepAlive: true }) };
        break;
      case 'ssh':
        // The host name is a placeholder, as docker's own "http://docker.example.com": the agent dials ssh.
        this.transportCache = { host: 'docker', port: 80, tls: false, agent: new SshAgent(e, this.env) };
        break;
    }
    return this.transportCache;
  }

  private async call<T>(run: (api: DockerodeApi) => Promise<T>): Promise<T> {
    await this.ping();
    const api = await this.dockerode();
    try {
      return await run(api);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private dockerode(): Promise<DockerodeApi> {
    this.api ??= (async () => {
      const { default: Docker } = await import('dockerode');
      const options = this.modemOptions();
      // docker-modem reads DOCKER_HOST & co. from process.env in its constructor; the endpoint was resolved
      // already (from this client's env and the docker context), so keep its own guess out of the way.
      const saved = DOCKER_ENV.map((k) => [k, process.env[k]] as const);
      for (const [k] of saved) delete process.env[k];
      try {
        return new Docker(options) as unknown as DockerodeApi;
      } finally {
        for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
      }
    })();
    return this.api;
  }

  private modemOptions(): Record<string, unknown> {
    const t = this.transport();
    const none = { host: undefined, port: undefined, ca: undefined, cert: undefined, key: undefined, socketPath: undefined, protocol: 'http' };
    if (t.socketPath) return { ...none, socketPath: t.socketPath };
    return { ...none, host: t.host, port: t.port, protocol: t.tls ? 'https' : 'http', ...(t.agent ? { agent: t.agent } : {}) };
  }

  /** Any failure from dockerode or a request as a typed error (cancellation and typed errors are passed through). */
  translate(error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    if (isAbort(error) || isAppError(error)) return error;
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') return new EngineRequestError(status, engineMessage(error));
    const code = String((error as { code?: unknown }).code ?? '');
    return new Unreachable(`cannot reach the engine at ${this.description}`, { hint: this.unreachableHint(code, error.message), cause: error });
  }

  private unreachableHint(code: string, message: string): string {
    const e = this.endpoint;
    if (code === 'EACCES') return `permission denied on ${e.kind === 'unix' ? e.socketPath : 'the engine socket'}: is your user in the docker group?`;
    if (code === 'ESSH' || e.kind === 'ssh') return sanitizeLine(message);
    const where = e.source === 'default' ? 'the default socket, as DOCKER_HOST is not set' : `from ${e.source}`;
    return `is dockerd running? The address is ${where}; set DOCKER_HOST or use \`docker context use\` for another engine`;
  }
}

function isAbort(error: Error): boolean {
  return error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR';
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('aborted'), { name: 'AbortError' });
}

/** DOCKER_CLIENT_TIMEOUT: seconds (as docker compose reads it); anything else is ignored. */
function clientTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.DOCKER_CLIENT_TIMEOUT?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return positive(Math.round(Number(text) * 1000));
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

/** An image name or ID as a path segment (references keep their `/`, `:` and `@`, as the engine routes them). */
function imagePath(name: string): string {
  return name.replace(/[^A-Za-z0-9._~\-/:@]/g, (c) => encodeURIComponent(c));
}

/** The engine's `{"message": …}` error body, else the text itself. */
function messageOf(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return sanitizeLine((body as { message: string }).message);
  } catch {
    // not JSON
  }
  return sanitizeLine(text.slice(0, 500)) || 'no message';
}

/** The engine's text from a docker-modem error (`{"message": …}` body, else its composed message). */
function engineMessage(error: Error): string {
  const json = (error as { json?: unknown }).json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return sanitizeLine((json as { message: string }).message);
  if (typeof json === 'string' && json.trim()) return sanitizeLine(json);
  if (Buffer.isBuffer(json) && json.length > 0) return sanitizeLine(json.toString('utf8').slice(0, 500));
  return sanitizeLine(error.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, ''));
}

function splitDeleteResponse(items: unknown[]): { untagged: string[]; deleted: string[] } {
  const untagged: string[] = [];
  const deleted: string[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    if (typeof r.Untagged === 'string') untagged.push(sanitizeLine(r.Untagged));
    if (typeof r.Deleted === 'string') deleted.push(sanitizeLine(r.Deleted));
  }
  return { untagged, deleted };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadResponse(`the engine's ${what} answer is not a JSON object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new BadResponse(`the engine's ${what} answer is not a JSON list`);
  return value;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
