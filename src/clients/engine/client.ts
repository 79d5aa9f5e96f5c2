// The Docker Engine API, every call over the one transport (transport.ts). Protocol only: engine JSON is
// narrowed into small typed records by the schemas of schemas.ts; the engine services give them meaning. Connection failures become
// one clear Unreachable (503) line (ssh failures are named, see ssh.ts), an engine that does not answer in
// time a TimedOut (504); HTTP failures become EngineRequestError with the engine's own message, for the
// services to turn into typed errors. About 300 lines: one method per engine call on the one transport
// (listings, inspect, layers, history, tag, delete, prune, df, pull, events).
import * as v from 'valibot';
import { BadResponse } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { Endpoint } from './endpoint';
import { Containers, DiskUsage, Event, History, ImageParents, Images, Inspect, Prune, Removal, RootFsLayers, Version, narrow } from './schemas';
import { jsonLines } from './stream';
import { EngineRequestError, EngineTransport, type Method, type TransportOptions, messageOf } from './transport';

export { EngineRequestError } from './transport';

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

export interface EngineClientOptions extends TransportOptions {
  /**
   * How long a request that answers once (listings, version, inspect…) may take, in ms. Default:
   * DOCKER_CLIENT_TIMEOUT (seconds) from the environment, else 30 s. The pull and events streams have none.
   */
  timeoutMs?: number;
  /** The same for the work the engine does before answering (delete, prune, disk usage). Default: 5 min, at least `timeoutMs`. */
  slowTimeoutMs?: number;
  /**
   * Talk this API version (`1.41`): every path gets the `/v1.41` prefix, as the docker CLI does with
   * DOCKER_API_VERSION. Default: DOCKER_API_VERSION from the environment, else none (the engine's own).
   */
  apiVersion?: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const SLOW_TIMEOUT_MS = 300_000;
const PING_TIMEOUT_MS = 15_000;

interface RequestOptions {
  /** The caller's cancellation: aborting it rejects with its AbortError (the timeout still applies). */
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** Resolve with the body as text rather than decoded JSON (/_ping). */
  text?: boolean;
}

export class EngineClient {
  private pinged: Promise<void> | undefined;
  private readonly transport: EngineTransport;
  /** For requests that answer once (ms). */
  readonly timeoutMs: number;
  /** For delete, prune and disk usage (ms). */
  readonly slowTimeoutMs: number;
  /** For the first ping: 15 s, or the timeout the user (or caller) set. */
  private readonly pingTimeoutMs: number;
  /** `/v1.41` when a version is pinned, else empty. */
  private readonly prefix: string;

  constructor(
    readonly endpoint: Endpoint,
    env: NodeJS.ProcessEnv = process.env,
    options: EngineClientOptions = {},
  ) {
    const explicit = positive(options.timeoutMs) ?? clientTimeoutFromEnv(env);
    this.timeoutMs = explicit ?? DEFAULT_TIMEOUT_MS;
    this.slowTimeoutMs = Math.max(positive(options.slowTimeoutMs) ?? SLOW_TIMEOUT_MS, this.timeoutMs);
    this.pingTimeoutMs = explicit ?? PING_TIMEOUT_MS;
    this.prefix = apiPrefix(options.apiVersion ?? env.DOCKER_API_VERSION);
    this.transport = new EngineTransport(endpoint, env, { sshControlDir: options.sshControlDir, sshCommand: options.sshCommand });
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

  async version(signal?: AbortSignal, timeoutMs?: number): Promise<EngineVersion> {
    return narrow(Version, await this.request('GET', '/version', { signal, ...(timeoutMs ? { timeoutMs } : {}) }), 'version');
  }

  async listImages(signal?: AbortSignal): Promise<EngineImage[]> {
    return narrow(Images, await this.request('GET', '/images/json', { signal }), 'images', 'list');
  }

  /**
   * GET /images/json?all=1, only how images descend from each other: every image, the intermediate ones of
   * classic builds too, with its parent (empty when none) and whether any tag or digest names it.
   */
  async listImageParents(signal?: AbortSignal): Promise<Array<{ id: string; parentId: string; referenced: boolean }>> {
    return narrow(ImageParents, await this.request('GET', '/images/json?all=1', { signal }), 'images', 'list');
  }

  async listContainers(signal?: AbortSignal): Promise<EngineContainer[]> {
    return narrow(Containers, await this.request('GET', '/containers/json?all=1', { signal }), 'containers', 'list');
  }

  /** GET /images/{name}/json: the engine's inspect JSON as it is. */
  async inspectImage(name: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return narrow(Inspect, await this.request('GET', `/images/${imagePath(name)}/json`, { signal }), 'image inspect');
  }

  /** GET /images/{name}/json, only `RootFS.Layers`: the diff IDs of its layers, bottom first. */
  async imageLayers(name: string, signal?: AbortSignal): Promise<string[]> {
    const raw = narrow(Inspect, await this.request('GET', `/images/${imagePath(name)}/json`, { signal }), 'image inspect');
    const layers = v.safeParse(RootFsLayers, raw.RootFS ?? {});
    if (!layers.success) throw new BadResponse(`the engine's RootFS.Layers of ${sanitizeLine(name)} is not a list of sha256 digests`);
    return layers.output;
  }

  /** GET /images/{name}/history: one entry per build step, newest first, with the bytes of the layer it made. */
  async imageHistory(name: string, signal?: AbortSignal): Promise<Array<{ size: number; createdBy: string }>> {
    const raw = await this.request('GET', `/images/${imagePath(name)}/history`, { signal });
    const history = v.safeParse(History, raw);
    if (!history.success) throw new BadResponse(Array.isArray(raw) ? `the engine's history of ${sanitizeLine(name)} has an entry without a size` : "the engine's image history answer is not a JSON list");
    return history.output;
  }

  /** DELETE /images/{name}: what was untagged and what was deleted. */
  async removeImage(name: string, force: boolean): Promise<{ untagged: string[]; deleted: string[] }> {
    // A ping first, so an engine that does not answer at all is told in seconds, not after the long timeout.
    await this.ping();
    return narrow(Removal, await this.request('DELETE', `/images/${imagePath(name)}?force=${force ? 'true' : 'false'}`, { timeoutMs: this.slowTimeoutMs }), 'image delete');
  }

  /** POST /images/{name}/tag: points `repo:tag` at the image (moving the tag when it points elsewhere). */
  async tagImage(name: string, repo: string, tag: string): Promise<void> {
    await this.request('POST', `/images/${imagePath(name)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`);
  }

  /** POST /images/prune: dangling images, or every unused image with `all`. */
  async pruneImages(all: boolean): Promise<{ untagged: string[]; deleted: string[]; spaceReclaimed: number }> {
    await this.ping();
    const filters = encodeURIComponent(JSON.stringify({ dangling: [all ? 'false' : 'true'] }));
    return narrow(Prune, await this.request('POST', `/images/prune?filters=${filters}`, { timeoutMs: this.slowTimeoutMs }), 'prune');
  }

  /** GET /system/df: bytes of image layers on disk and the number of images. */
  async diskUsage(): Promise<{ layersSize: number; images: number }> {
    await this.ping();
    return narrow(DiskUsage, await this.request('GET', '/system/df', { timeoutMs: this.slowTimeoutMs }), 'system df');
  }

  /**
   * POST /images/create: the progress stream as decoded JSON lines. Aborting `signal` ends the request
   * (the engine then stops the pull, though it may finish extracting layers it already has). No overall
   * timeout (a pull takes what it takes), but a connection that breaks ends the stream with Unreachable.
   */
  async pull(request: PullRequest, signal: AbortSignal): Promise<AsyncIterable<unknown>> {
    await this.ping();
    const query = new URLSearchParams({ fromImage: request.fromImage, tag: request.tag, ...(request.platform ? { platform: request.platform } : {}) });
    const answer = await this.transport.send('POST', `${this.prefix}/images/create?${query.toString()}`, {
      signal,
      timeoutMs: this.timeoutMs,
      stream: true,
      ...(request.registryAuth ? { headers: { 'x-registry-auth': request.registryAuth } } : {}),
    });
    const stream = answer.response;
    if (!stream) throw new EngineRequestError(answer.status, messageOf(answer.body));
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
  async events(onEvent: (event: { type: string; action: string }) => void, signal: AbortSignal): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['image', 'container'] }));
    const answer = await this.transport.send('GET', `${this.prefix}/events?filters=${filters}`, { signal, timeoutMs: this.timeoutMs, stream: true });
    if (!answer.response) throw new EngineRequestError(answer.status, `GET /events answered ${answer.status}: ${messageOf(answer.body)}`);
    for await (const line of this.guarded(jsonLines(answer.response, { skipInvalid: true }), 'events')) {
      const event = v.safeParse(Event, line);
      if (event.success) onEvent(event.output);
    }
    if (signal.aborted) throw abortError(signal);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  /** Any failure as a typed error (cancellation and typed errors are passed through). */
  translate(error: unknown): unknown {
    return this.transport.translate(error);
  }

  /**
   * One request that answers once, returning the decoded JSON (the text with `text`). Every one has a
   * timeout: an engine that accepts the connection but never answers is a TimedOut, not a hang.
   */
  private async request(method: Method, path: string, options: RequestOptions = {}): Promise<unknown> {
    const what = `${method} ${path.split('?')[0] ?? path}`;
    const answer = await this.transport.send(method, `${this.prefix}${path}`, { signal: options.signal, timeoutMs: options.timeoutMs ?? this.timeoutMs });
    if (answer.status < 200 || answer.status > 299) throw new EngineRequestError(answer.status, messageOf(answer.body));
    const text = answer.body.toString('utf8');
    if (options.text) return text;
    if (answer.status === 204 || !text.trim()) return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new BadResponse(`the engine answered ${what} with something that is not JSON`);
    }
  }

  /** The lines of a stream, with a broken connection reported as Unreachable. */
  private async *guarded<T>(lines: AsyncIterable<T>, what: string): AsyncGenerator<T> {
    try {
      for await (const line of lines) yield line;
    } catch (error) {
      throw this.transport.broken(error, what);
    }
  }
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

/** `1.41` → `/v1.41`; anything that is not MAJOR.MINOR is ignored (the engine's own version is used). */
function apiPrefix(version: string | undefined): string {
  const text = version?.trim().replace(/^v/, '');
  return text && /^\d+\.\d+$/.test(text) ? `/v${text}` : '';
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** An image name or ID as a path segment (references keep their `/`, `:` and `@`, as the engine routes them). */
function imagePath(name: string): string {
  return name.replace(/[^A-Za-z0-9._~\-/:@]/g, (c) => encodeURIComponent(c));
}
