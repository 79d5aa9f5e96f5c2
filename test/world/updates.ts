// The update-check cases of the test world (issue 12, DESIGN.md "Updates"). Each case lives in repositories
// of its own (`upd/*`, `updhub/*`, `public/upd-*`, `private/upd-*`), so the seeded content stays untouched:
// - a tag whose registry image changes after it was pulled (a different image pushed under the same tag);
// - a multi-platform index rebuilt for another platform only (this platform's manifest unchanged);
// - an image built locally; one pulled by digest;
// - a Docker Hub image behind the Hub registry front: anonymous Bearer tokens from the token server (as
//   auth.docker.io does), `ratelimit-*` headers that count GETs of manifests only (HEAD is free, as on Hub),
//   and counters of HEAD and GET so "no Hub pull" can be checked;
// - the bearer-token registry (anonymous for public/*, credentials for private/*);
// - a registry front that answers 429 to manifest HEADs once switched on (after the pull);
// - a registry front that sends no Docker-Content-Digest on HEAD;
// - semver-like tags 1.0, 1.1, 2.0-alpine.
// The fronts are real HTTP servers in the test process, forwarding to the world's docker-registry servers.
import type http from 'node:http';
import { docker, buildImage } from './engine.js';
import { forward, listen, type RunningServer } from './http.js';
import { hostPlatform, makeLayer, pushImage, pushIndex, putTags } from './images.js';
import { TOKEN_SERVICE } from './token-server.js';
import type { Platform, RegistryInfo, WorldInfo } from './types.js';

const MANIFEST = /^\/v2\/(.+)\/manifests\/([^/]+)$/;

export interface FrontCounts {
  head: number;
  /** GETs of manifests: what Docker Hub counts as pulls. */
  get: number;
  tagLists: number;
  /** 401s the front sent itself (bearerRealm): a client without a token yet. */
  tokensAsked: number;
  /** 401s of the registry behind the front (its own auth), not counted as HEAD/GET/tag list. */
  challenges: number;
}

export interface RegistryFront extends RunningServer {
  host: string;
  counts: FrontCounts;
  resetCounts(): void;
  /** Switches 429-to-HEAD on or off (fronts made with `rateLimitHead`). */
  setLimited(on: boolean): void;
}

export interface FrontOptions {
  /** Ask for a Bearer token from this realm (anonymous tokens are enough), as Docker Hub does. */
  bearerRealm?: string;
  /** Send Docker Hub's `ratelimit-limit` / `ratelimit-remaining` headers (GETs of manifests count). */
  hubHeaders?: { limit: number };
  /** Leave Docker-Content-Digest out of HEAD answers. */
  noHeadDigest?: boolean;
  /** When limited: 429 to manifest HEADs, with limit headers and a Retry-After of an hour. */
  rateLimitHead?: boolean;
}

/** A front for one of the world's registries (see the file comment). */
export async function startRegistryFront(upstream: RegistryInfo, opts: FrontOptions = {}): Promise<RegistryFront> {
  const up = new URL(upstream.url);
  const counts: FrontCounts = { head: 0, get: 0, tagLists: 0, tokensAsked: 0, challenges: 0 };
  let limited = false;
  let used = 0;
  const server = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const manifest = MANIFEST.exec(url.pathname);
    if (opts.bearerRealm && url.pathname.startsWith('/v2/')) {
      const auth = req.headers.authorization ?? '';
      if (!/^Bearer \S+/.test(auth)) {
        counts.tokensAsked++;
        const name = manifest?.[1] ?? /^\/v2\/(.+)\/(?:tags|blobs)\//.exec(url.pathname)?.[1];
        const scope = name ? `,scope="repository:${name}:pull"` : '';
        res.writeHead(401, {
          'content-type': 'application/json',
          'docker-distribution-api-version': 'registry/2.0',
          'www-authenticate': `Bearer realm="${opts.bearerRealm}",service="${TOKEN_SERVICE}"${scope}`,
        });
        return void res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      }
      delete req.headers.authorization; // the registry behind the front has no auth
    }
    const count = (status: number): void => {
      if (status === 401) return void counts.challenges++;
      if (/\/tags\/list$/.test(url.pathname)) counts.tagLists++;
      if (manifest && req.method === 'HEAD') counts.head++;
      if (manifest && req.method === 'GET') {
        counts.get++;
        used++;
      }
    };
    const hubHeaders = (): Record<string, string> =>
      opts.hubHeaders && manifest
        ? { 'ratelimit-limit': `${opts.hubHeaders.limit};w=21600`, 'ratelimit-remaining': `${Math.max(0, opts.hubHeaders.limit - used)};w=21600`, 'docker-ratelimit-source': '127.0.0.1' }
        : {};
    if (manifest && req.method === 'HEAD' && opts.rateLimitHead && limited) {
      count(429);
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '3600',
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
      });
      return void res.end();
    }
    // forward() copies the registry's headers with writeHead: add Hub's, or drop the digest, on the way.
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
    (res as unknown as { writeHead: typeof writeHead }).writeHead = (status: number, headers?: http.OutgoingHttpHeaders) => {
      count(status);
      const h: http.OutgoingHttpHeaders = { ...(headers ?? {}), ...hubHeaders() };
      if (opts.noHeadDigest && manifest && req.method === 'HEAD') delete h['docker-content-digest'];
      return writeHead(status, h);
    };
    forward(req, res, up);
  });
  return {
    ...server,
    host: new URL(server.url).host,
    counts,
    resetCounts: () => Object.assign(counts, { head: 0, get: 0, tagLists: 0, tokensAsked: 0, challenges: 0 }),
    setLimited: (on) => void (limited = on),
  };
}

export interface UpdateCases {
  /** Local references (what `image updates` lists) by case. */
  refs: {
    changing: string;
    multiarch: string;
    builtLocally: string;
    pinned: string;
    hub: string;
    tokenPublic: string;
    tokenPrivate: string;
    limited: string;
    limitedSecond: string;
    noDigest: string;
    semver: string;
  };
  /** What the changing tag resolves to on its registry after the change. */
  changedDigest: string;
  hubFront: RegistryFront;
  limitedFront: RegistryFront;
  noDigestFront: RegistryFront;
  /** Docker client config with credentials for the token registry (`docker login`), for the session too. */
  tokenConfigDir: string;
  close(): Promise<void>;
}

const OTHER: Platform = hostPlatform().architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' };

async function dockerOk(info: WorldInfo, args: string[], configDir?: string): Promise<void> {
  const r = await docker(info, args, configDir ? { configDir } : {});
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
}

/**
 * Pushes every case, pulls it onto the world's engine, then changes the registries the way each case needs.
 * `suffix` keeps repositories apart between callers sharing one world.
 */
export async function setUpUpdateCases(info: WorldInfo, tokenConfigDir: string, suffix = ''): Promise<UpdateCases> {
  const r = info.registries;
  const [hubFront, limitedFront, noDigestFront] = await Promise.all([
    startRegistryFront(r.hub, { bearerRealm: `${info.tokenServer}/token`, hubHeaders: { limit: 100 } }),
    startRegistryFront(r.plain, { rateLimitHead: true }),
    startRegistryFront(r.plain, { noHeadDigest: true }),
  ]);
  const fronts = [hubFront, limitedFront, noDigestFront];
  try {
    const s = suffix;
    const plain = (repoTag: string): string => `${r.plain.host}/${repoTag}`;
    const created = '2024-03-01T00:00:00Z';
    const here = hostPlatform();
    const hereLayers = [makeLayer(30_000, 0), makeLayer(10_000, 1)];
    const hereImage = { layers: hereLayers, config: { Cmd: ['/app'] }, created };
    const small = (n: number) => ({ layers: [makeLayer(2_000 + n, 0)], config: { Cmd: ['/x'] }, created });
    const [, multi, pinned] = await Promise.all([
      pushImage(r.plain, `upd/changing${s}`, '1.0', small(1)),
      pushIndex(r.plain, `upd/multiarch${s}`, '1.0', { platforms: [{ platform: here, image: hereImage }, { platform: OTHER, image: small(2) }] }),
      pushImage(r.plain, `upd/pinned${s}`, '1.0', small(3)),
      pushImage(r.hub, `public/updhub${s}`, '1.0', small(4)),
      pushImage(r.token, `public/upd-token${s}`, '1.0', small(5)),
      pushImage(r.token, `private/upd-token${s}`, '1.0', small(6)),
      pushImage(r.plain, `upd/limited${s}`, '1.0', small(7)).then(() => putTags(r.plain, `upd/limited${s}`, '1.0', ['2.0'])),
      pushImage(r.plain, `upd/nodigest${s}`, '1.0', small(8)),
      pushImage(r.plain, `upd/semver${s}`, '1.0', small(9)).then(async () => {
        await pushImage(r.plain, `upd/semver${s}`, '1.1', small(10));
        await pushImage(r.plain, `upd/semver${s}`, '2.0-alpine', small(11));
      }),
    ]);
    const login = await docker(info, ['login', '--username', r.token.username ?? '', '--password-stdin', r.token.host], { input: r.token.password ?? '', configDir: tokenConfigDir });
    if (login.code !== 0) throw new Error(`docker login ${r.token.host}: ${login.stderr.trim()}`);
    const refs = {
      changing: plain(`upd/changing${s}:1.0`),
      multiarch: plain(`upd/multiarch${s}:1.0`),
      builtLocally: `updlocal/app${s}:1.0`,
      pinned: plain(`upd/pinned${s}@${pinned.digest}`),
      hub: `public/updhub${s}:1.0`,
      tokenPublic: `${r.token.host}/public/upd-token${s}:1.0`,
      tokenPrivate: `${r.token.host}/private/upd-token${s}:1.0`,
      limited: `${limitedFront.host}/upd/limited${s}:1.0`,
      limitedSecond: `${limitedFront.host}/upd/limited${s}:2.0`,
      noDigest: `${noDigestFront.host}/upd/nodigest${s}:1.0`,
      semver: plain(`upd/semver${s}:1.0`),
    };
    // dockerd pulls Hub images through its mirror (the hub registry itself).
    for (const ref of [refs.changing, refs.multiarch, refs.pinned, refs.hub, refs.tokenPublic, refs.limited, refs.limitedSecond, refs.noDigest, refs.semver]) {
      await dockerOk(info, ['pull', '--quiet', ref]);
    }
    await dockerOk(info, ['pull', '--quiet', refs.tokenPrivate], tokenConfigDir);
    await buildImage(info, refs.builtLocally, { layers: [1_000] });
    // Now the registries change: a new image under the changing tag; the index rebuilt for the other
    // platform only (this platform's manifest is byte for byte the same); 429 on the limited front.
    const changed = await pushImage(r.plain, `upd/changing${s}`, '1.0', small(100));
    const rebuilt = await pushIndex(r.plain, `upd/multiarch${s}`, '1.0', { platforms: [{ platform: here, image: hereImage }, { platform: OTHER, image: small(101) }] });
    if (rebuilt.digest === multi.digest) throw new Error('the rebuilt index should have a new digest');
    limitedFront.setLimited(true);
    for (const f of fronts) f.resetCounts();
    return { refs, changedDigest: changed.digest, hubFront, limitedFront, noDigestFront, tokenConfigDir, close: () => closeAll(fronts) };
  } catch (error) {
    await closeAll(fronts);
    throw error;
  }
}

async function closeAll(fronts: RegistryFront[]): Promise<void> {
  await Promise.all(fronts.map((f) => f.close()));
}
