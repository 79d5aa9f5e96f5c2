// What the Docker Hub stand-in knows: a small table of repository metadata (descriptions, stars, pulls —
// things a registry does not store), and tag objects computed from the `hub` registry's real manifests in
// the shape of the recorded hub-tags-page.json.
import { createHash } from 'node:crypto';
import { header, httpRequest, isRecord } from './http.js';
import { MANIFEST_ACCEPT } from './registry-client.js';

export interface RepoMeta {
  description: string;
  star_count: number;
  pull_count: number;
  last_updated: string;
}

/** One repository's description carries terminal escapes (OSC title, clear screen): tests prove sanitising. */
export const EVIL_DESCRIPTION = 'Totally normal image \u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b[0m text';

const REPOS: Record<string, RepoMeta> = {
  'library/alpine': { description: 'A minimal Docker image based on Alpine Linux with a complete package index and only 5 MB in size!', star_count: 11234, pull_count: 8_123_456_789, last_updated: '2024-06-20T10:00:00.000000Z' },
  'library/redis': { description: 'Redis is the world’s fastest data platform for caching, vector search, and NoSQL databases.', star_count: 12987, pull_count: 6_543_210_987, last_updated: '2024-06-18T08:30:00.000000Z' },
  'library/hello-world': { description: 'Hello World! (an example of minimal Dockerization)', star_count: 2345, pull_count: 1_234_567_890, last_updated: '2024-05-02T12:00:00.000000Z' },
  'library/evil': { description: EVIL_DESCRIPTION, star_count: 3, pull_count: 42, last_updated: '2024-01-01T00:00:00.000000Z' },
  'crazymax/diun': { description: 'Receive notifications when an image is updated on a Docker registry', star_count: 87, pull_count: 12_345_678, last_updated: '2023-02-02T14:22:30.599870Z' },
};

export function repoMeta(repo: string): RepoMeta {
  return REPOS[repo] ?? { description: '', star_count: 0, pull_count: 0, last_updated: '2024-01-01T00:00:00.000000Z' };
}

/** Stable numeric ids (Hub's tag and repository ids are numbers). */
export const numericId = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0) % 100_000_000;

export interface HubImage {
  architecture: string;
  features: string;
  variant: string | null;
  digest: string;
  os: string;
  os_features: string;
  os_version: string | null;
  size: number;
  status: 'active';
  last_pulled: string;
  last_pushed: string;
}

interface DigestDetail {
  mediaType: string;
  images: HubImage[];
  fullSize: number;
  lastUpdated: string;
}

export type HubTag = Record<string, unknown> & { name: string; last_updated: string };

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  platform?: unknown;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const descriptors = (v: unknown): Descriptor[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** Reads the hub registry. Content by digest never changes, so per-digest details are cached. */
export class HubRegistryView {
  private readonly details = new Map<string, Promise<DigestDetail>>();

  constructor(private readonly registryUrl: string) {}

  async catalog(): Promise<string[]> {
    const names: string[] = [];
    let next: string | null = '/v2/_catalog?n=1000';
    while (next) {
      const res = await httpRequest(new URL(next, this.registryUrl).toString());
      const body = res.json();
      if (isRecord(body) && Array.isArray(body.repositories)) names.push(...body.repositories.map(String));
      next = /<([^>]+)>;\s*rel="next"/.exec(header(res, 'link') ?? '')?.[1] ?? null;
    }
    return names.sort();
  }

  /** Tags of a repository, or null when the registry does not know it. */
  async tags(repo: string): Promise<string[] | null> {
    const res = await httpRequest(`${this.registryUrl}/v2/${repo}/tags/list`);
    if (res.status === 404) return null;
    const body = res.json();
    return isRecord(body) && Array.isArray(body.tags) ? body.tags.map(String) : [];
  }

  async tagObject(repo: string, tag: string): Promise<HubTag | null> {
    const head = await httpRequest(`${this.registryUrl}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
    const digest = header(head, 'docker-content-digest');
    if (head.status !== 200 || !digest) return null;
    let detail = this.details.get(digest);
    if (!detail) {
      detail = this.describe(repo, digest);
      this.details.set(digest, detail);
      detail.catch(() => this.details.delete(digest));
    }
    return toTag(repo, tag, digest, await detail);
  }

  private async json(path: string, accept?: string): Promise<{ body: Record<string, unknown>; mediaType: string }> {
    const res = await httpRequest(`${this.registryUrl}${path}`, { headers: accept ? { accept } : {} });
    const body = res.json();
    if (res.status !== 200 || !isRecord(body)) throw new Error(`hub registry: GET ${path} -> ${res.status}`);
    return { body, mediaType: (header(res, 'content-type') ?? '').split(';')[0] ?? '' };
  }

  private async describe(repo: string, digest: string): Promise<DigestDetail> {
    const { body, mediaType } = await this.json(`/v2/${repo}/manifests/${digest}`, MANIFEST_ACCEPT);
    if (Array.isArray(body.manifests)) {
      const images = await Promise.all(descriptors(body.manifests).map((d) => this.platformImage(repo, d)));
      const real = images.filter((i) => i.image.os !== 'unknown');
      const first = real[0] ?? images[0];
      const lastUpdated = first?.created ?? hubTime('');
      return { mediaType, images: images.map((i) => stamp(i.image, lastUpdated)), fullSize: first?.image.size ?? 0, lastUpdated };
    }
    const single = await this.imageOf(repo, digest, body);
    // Hub reports a single-platform tag's media_type as the CONFIG media type (see hub-fixtures and PROTOCOLS.md).
    return { mediaType: single.configType, images: [stamp(single.image, single.created)], fullSize: single.image.size, lastUpdated: single.created };
  }

  private async platformImage(repo: string, d: Descriptor): Promise<{ image: HubImage; created: string }> {
    const digest = str(d.digest);
    const { body } = await this.json(`/v2/${repo}/manifests/${digest}`, str(d.mediaType, MANIFEST_ACCEPT));
    return this.imageOf(repo, digest, body, isRecord(d.platform) ? d.platform : undefined);
  }

  private async imageOf(
    repo: string,
    digest: string,
    manifest: Record<string, unknown>,
    platform?: Record<string, unknown>,
  ): Promise<{ image: HubImage; created: string; configType: string }> {
    const config = isRecord(manifest.config) ? manifest.config : {};
    const size = num(config.size) + descriptors(manifest.layers).reduce((sum, l) => sum + num(l.size), 0);
    const cfg = (await this.json(`/v2/${repo}/blobs/${str(config.digest)}`)).body;
    const p = platform ?? cfg;
    const image: HubImage = {
      architecture: str(p.architecture, 'unknown'),
      features: '',
      variant: typeof p.variant === 'string' ? p.variant : null,
      digest,
      os: str(p.os, 'unknown'),
      os_features: '',
      os_version: typeof p['os.version'] === 'string' ? p['os.version'] : null,
      size,
      status: 'active',
      last_pulled: '',
      last_pushed: '',
    };
    return { image, created: hubTime(str(cfg.created)), configType: str(config.mediaType) };
  }
}

/** Hub writes times with microseconds: 2022-12-29T11:25:44.861939Z. */
function hubTime(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(Number.isNaN(ms) ? 0 : ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const stamp = (image: HubImage, when: string): HubImage => ({ ...image, last_pulled: when, last_pushed: when });

function toTag(repo: string, tag: string, digest: string, d: DigestDetail): HubTag {
  const namespace = repo.split('/')[0] ?? '';
  const user = namespace === 'library' ? 'doijanky' : namespace;
  // Field order as in the recorded page.
  return {
    creator: numericId(user),
    id: numericId(`${repo}:${tag}`),
    images: d.images,
    last_updated: d.lastUpdated,
    last_updater: numericId(user),
    last_updater_username: user,
    name: tag,
    repository: numericId(repo),
    full_size: d.fullSize,
    v2: true,
    tag_status: 'active',
    tag_last_pulled: d.lastUpdated,
    tag_last_pushed: d.lastUpdated,
    media_type: d.mediaType,
    content_type: 'image',
    digest,
  };
}
