// One round of update checks (DESIGN.md "Updates", PROTOCOLS.md "Update checks"):
// - per local tag, `HEAD /v2/NAME/manifests/TAG` (every manifest type in Accept, the registry's auth: the
//   shared Authenticator caches one token per registry and scope), Docker-Content-Digest compared with EVERY
//   RepoDigest of that repository;
// - a multi-platform index whose digest changed is fetched once and the entry for the engine's platform
//   decides (its manifest digest, or its config digest, against the local image ID): a rebuild for another
//   architecture is no update here; the decision is remembered with the remote digest, so the next round
//   needs the HEAD only;
// - a registry that sends no Docker-Content-Digest on HEAD (or answers 405) is asked with GET from then on
//   in the round, counted and said;
// - a 429 (or an unreachable registry) stops the round for that registry: its other tags are `unknown` with
//   the same reason, without more requests;
// - `newer_tags` from the registry's tag list (v2 tags/list, every page), one list per repository and round.
import { choosePlatform, parsePlatformString, type FetchedManifest, type RateLimit, type RegistryV2Client } from '../../clients/registry/index';
import { INDEX_TYPES } from '../../clients/registry/manifest';
import { AppError, Cancelled, RateLimited, isCancellation } from '../../domain/errors';
import { type LocalImage, type LocalRepository, digestsFor } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';
import { hasVersionShape, newerTags, type UpdateResult } from '../../domain/updates';

export const NONE = '<none>';

/** What a round needs from the registry side. */
export interface RegistryAccess {
  client(host: string): RegistryV2Client;
  isHub(host: string): boolean;
}

export interface RequestCounts {
  /** Manifest HEADs. */
  head: number;
  /** Manifest GETs (each one a "pull" on Docker Hub). */
  get: number;
  /** Tag-list pages asked for (newer versions). */
  tagLists: number;
}

export interface RoundOptions {
  /** `os/arch[/variant]` of the engine (or the `platform` setting). */
  platform: string;
  concurrency: number;
  now: () => number;
  /** Earlier results by `fullName:tag` (a remembered index decision is reused when nothing changed). */
  previous: Map<string, UpdateResult>;
  /** Reuse a previous result instead of asking (fresh by the TTL). */
  reuse: (previous: UpdateResult, image: LocalImage) => boolean;
  signal?: AbortSignal | undefined;
  /** Each result as it is known (the app shows them as they come). */
  onResult?: (result: UpdateResult) => void;
}

export interface RoundResult {
  results: UpdateResult[];
  /** Results that came from a request in this round (what is saved to the cache). */
  fresh: UpdateResult[];
  /** One line each: GET fallbacks, rate limits. */
  notes: string[];
  requests: RequestCounts;
  /** Docker Hub's pull rate limit as its HEAD answers said. */
  hubRateLimit: RateLimit | null;
}

export interface Target {
  repo: LocalRepository;
  image: LocalImage;
}

/** Every local tag with a repository (dangling images have none), in the Local list's order. */
export function targetsOf(repos: LocalRepository[]): Target[] {
  return repos.filter((r) => r.fullName !== '').flatMap((repo) => repo.images.map((image) => ({ repo, image })));
}

function split(fullName: string): { host: string; path: string } {
  const slash = fullName.indexOf('/');
  return { host: fullName.slice(0, slash), path: fullName.slice(slash + 1) };
}

interface HostState {
  /** Set when the round stops for this registry: the reason every further tag gets. */
  stopped: string | null;
  /** HEAD gave no digest: GET from now on. */
  noHeadDigest: boolean;
  fallbackGets: number;
  rateLimit: RateLimit | null;
  /**
   * The first request to a registry learns its auth challenge (a 401, then the token); the others wait for
   * it, so they send their credentials up front instead of each meeting a 401 of its own.
   */
  first: Promise<void> | null;
}

export async function runRound(targets: Target[], access: RegistryAccess, o: RoundOptions): Promise<RoundResult> {
  const hosts = new Map<string, HostState>();
  const hostState = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { stopped: null, noHeadDigest: false, fallbackGets: 0, rateLimit: null, first: null }));
    return s;
  };
  const requests: RequestCounts = { head: 0, get: 0, tagLists: 0 };
  const tagLists = new Map<string, Promise<string[] | null>>();
  let hubRateLimit: RateLimit | null = null;
  const results: UpdateResult[] = new Array<UpdateResult>(targets.length);
  const fresh: UpdateResult[] = [];

  const tagsOf = (fullName: string, display: string): Promise<string[] | null> => {
    let p = tagLists.get(fullName);
    if (!p) {
      const { host, path } = split(fullName);
      requests.tagLists++;
      p = access
        .client(host)
        .tags(path, { display, signal: o.signal })
        .then((list) => list.map((t) => sanitizeLine(t)))
        .catch((error: unknown) => {
          if (isCancellation(error)) throw error;
          return null;
        });
      tagLists.set(fullName, p);
    }
    return p;
  };

  const checkOne = async ({ repo, image }: Target): Promise<{ result: UpdateResult; fromRequest: boolean }> => {
    const base = { name: repo.name, fullName: repo.fullName, tag: image.tag, id: image.id, newerTags: [] as string[] };
    const at = (): string => new Date(o.now()).toISOString();
    const local = digestsFor(image, repo.fullName);
    const done = (fields: Pick<UpdateResult, 'status' | 'reason' | 'remoteDigest'> & { newerTags?: string[] }): UpdateResult => ({
      ...base,
      localDigest: local[0] ?? null,
      ...fields,
      newerTags: fields.newerTags ?? [],
      checkedAt: at(),
    });
    if (image.tag === NONE) {
      return { result: done({ status: 'pinned', reason: local.length ? null : 'pulled by digest', remoteDigest: null }), fromRequest: false };
    }
    if (local.length === 0) {
      const reason = image.digests.length === 0 ? 'built locally (no registry digest)' : 'tagged locally (no digest from this repository)';
      return { result: done({ status: 'unknown', reason, remoteDigest: null }), fromRequest: false };
    }
    const previous = o.previous.get(`${repo.fullName}:${image.tag}`);
    if (previous && previous.id === image.id && o.reuse(previous, image)) return { result: previous, fromRequest: false };
    const { host, path } = split(repo.fullName);
    const state = hostState(host);
    if (state.stopped) return { result: done({ status: 'unknown', reason: state.stopped, remoteDigest: null }), fromRequest: false };
    const client = access.client(host);
    const hub = access.isHub(host);
    let opened: (() => void) | undefined;
    if (state.first) await state.first;
    else state.first = new Promise<void>((resolve) => (opened = resolve));
    if (state.stopped) {
      opened?.();
      return { result: done({ status: 'unknown', reason: state.stopped, remoteDigest: null }), fromRequest: false };
    }
    let newer: Promise<string[] | null> = Promise.resolve(null);
    try {
      let remote: string;
      let mediaType: string;
      let fetched: FetchedManifest | undefined;
      const onRateLimit = (limit: RateLimit): void => {
        state.rateLimit = limit;
        if (hub) hubRateLimit = limit;
      };
      let head: Awaited<ReturnType<RegistryV2Client['manifestHead']>> | null;
      try {
        head = state.noHeadDigest ? null : (requests.head++, await client.manifestHead(path, image.tag, { display: repo.name, signal: o.signal, onRateLimit }));
      } finally {
        opened?.();
      }
      newer = hasVersionShape(image.tag) ? tagsOf(repo.fullName, repo.name) : Promise.resolve(null);
      if (head?.digest) {
        remote = head.digest;
        mediaType = head.mediaType;
      } else {
        if (head && !state.noHeadDigest) state.noHeadDigest = true;
        requests.get++;
        state.fallbackGets++;
        fetched = await client.manifest(path, image.tag, { display: repo.name, signal: o.signal });
        remote = fetched.digest;
        mediaType = fetched.mediaType;
      }
      const tags = await newer;
      const newerList = tags ? newerTags(image.tag, tags) : [];
      if (local.includes(remote)) return { result: done({ status: 'up_to_date', reason: null, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      // The same remote digest as last time for this very image: the decision then stands (no GET).
      if (previous && previous.id === image.id && previous.remoteDigest === remote && (previous.status === 'up_to_date' || previous.status === 'update_available')) {
        return { result: done({ status: previous.status, reason: previous.reason, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      }
      const isIndex = INDEX_TYPES.includes(mediaType) || fetched?.manifest.kind === 'index';
      if (!isIndex) return { result: done({ status: 'update_available', reason: null, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      // A changed index: the manifest for this engine's platform decides.
      if (!fetched || fetched.manifest.kind !== 'index') {
        requests.get++;
        fetched = await client.manifest(path, remote, { display: repo.name, signal: o.signal });
      }
      if (fetched.manifest.kind !== 'index') return { result: done({ status: 'update_available', reason: null, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      const entry = choosePlatform(fetched.manifest.manifests, parsePlatformString(o.platform));
      if (!entry) {
        return { result: done({ status: 'unknown', reason: `the registry no longer has ${o.platform} under this tag`, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      }
      if (entry.digest === image.id) return { result: done({ status: 'up_to_date', reason: `rebuilt for other platforms only`, remoteDigest: remote, newerTags: newerList }), fromRequest: true };
      requests.get++;
      const child = await client.manifest(path, entry.digest, { display: repo.name, signal: o.signal });
      const same = child.manifest.kind === 'image' && child.manifest.config.digest === image.id;
      return {
        result: done({ status: same ? 'up_to_date' : 'update_available', reason: same ? 'rebuilt for other platforms only' : null, remoteDigest: remote, newerTags: newerList }),
        fromRequest: true,
      };
    } catch (error) {
      if (isCancellation(error) || (o.signal?.aborted ?? false)) throw error instanceof Cancelled ? error : new Cancelled();
      const { reason, stop } = describeFailure(error, host, state.rateLimit);
      if (stop) state.stopped ??= reason;
      // A tag the registry no longer knows may well have newer versions to move to.
      const tags = stop || !hasVersionShape(image.tag) ? null : await tagsOf(repo.fullName, repo.name).catch(() => null);
      const newerList = tags ? newerTags(image.tag, tags) : [];
      return { result: done({ status: 'unknown', reason: stop ? (state.stopped ?? reason) : reason, remoteDigest: null, newerTags: newerList }), fromRequest: true };
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i] as Target;
      const { result, fromRequest } = await checkOne(target);
      results[i] = result;
      if (fromRequest) fresh.push(result);
      o.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, targets.length)) }, () => worker()));

  const notes: string[] = [];
  for (const [host, s] of hosts) {
    if (s.noHeadDigest) notes.push(`${host} sends no Docker-Content-Digest on HEAD: checked with GET instead (${s.fallbackGets} request${s.fallbackGets === 1 ? '' : 's'})`);
    if (s.stopped) notes.push(`${host}: ${s.stopped}; its other tags were not checked`);
  }
  return { results, fresh, notes, requests, hubRateLimit };
}

/** The `reason` of an unknown status, and whether the round stops for that registry. */
export function describeFailure(error: unknown, host: string, limit: RateLimit | null): { reason: string; stop: boolean } {
  if (error instanceof RateLimited) {
    const figures = limit ? ` (limit ${limit.limit}, ${limit.remaining} left${limit.resetAt ? `, resets ${limit.resetAt}` : ''})` : '';
    const said = /retry in .*$/.exec(error.message)?.[0];
    const retry = said ? `; ${said}` : error.retryAfterSeconds !== undefined ? `; retry in ${error.retryAfterSeconds} s` : '';
    return { reason: `rate limited by ${host}${figures}${retry}`, stop: true };
  }
  if (!(error instanceof AppError)) {
    return { reason: `check failed: ${sanitizeLine(error instanceof Error ? error.message : String(error)).slice(0, 160)}`, stop: false };
  }
  switch (error.code) {
    case 401:
      return { reason: /none were found/.test(error.message) ? `no credentials for ${host}` : `credentials refused: ${error.message}`, stop: false };
    case 403:
      return { reason: `access denied: ${error.message}`, stop: false };
    case 404:
      return { reason: 'the registry does not know this tag any more', stop: false };
    case 495:
      return { reason: `certificate not trusted: ${error.message}`, stop: true };
    case 503:
    case 504:
      return { reason: `unreachable: ${error.message}`, stop: true };
    default:
      return { reason: `${error.message}`, stop: false };
  }
}
