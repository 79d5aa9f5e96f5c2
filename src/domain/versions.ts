// Versions, not digests (DESIGN.md "Updates", issue 22): which version tags share a digest (`latest = 1.27.3,
// also 1.27, mainline`), what an image's OCI labels say about its version and source, where a source's release
// notes are, and the "1.27.2 → 1.27.3" text of an update. Pure: every surface (CLI, serve, app) shows these.
import { sanitizeLine } from './sanitize';
import { byVersionDescending, looksLikeVersion, tagVersion, type Version } from './tags';

export const VERSION_LABEL = 'org.opencontainers.image.version';
export const SOURCE_LABEL = 'org.opencontainers.image.source';

/** Dotted number parts before any suffix: `1.27.3-alpine` → 3, `1.27` → 2. */
function parts(tag: string): number {
  return (/^v?(\d+(?:\.\d+)*)/.exec(tag)?.[1] ?? '').split('.').length;
}

/**
 * Orders tags that name one image: version-looking ones first, highest version first and, for the same version,
 * the most specific first (`1.27.3`, `1.27`, `1`), then the others by name (`mainline`, `stable`).
 */
export function orderSameAs(tags: readonly string[]): string[] {
  const versions: { tag: string; v: Version }[] = [];
  const rest: string[] = [];
  for (const tag of new Set(tags)) {
    const v = tagVersion(tag);
    if (v) versions.push({ tag, v });
    else rest.push(tag);
  }
  versions.sort((a, b) => byVersionDescending(a.v, b.v) || parts(b.tag) - parts(a.tag) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  rest.sort();
  return [...versions.map((x) => x.tag), ...rest];
}

/** The other tags with the same digest as `tag` (none when its digest is unknown), in orderSameAs order. */
export function sameAs(details: ReadonlyArray<{ name: string; digest: string | null }>, tag: string): string[] {
  const digest = details.find((d) => d.name === tag)?.digest;
  if (!digest) return [];
  return orderSameAs(details.filter((d) => d.name !== tag && d.digest === digest).map((d) => d.name));
}

/** The version a set of tags of one image names: the first version-looking one of orderSameAs, or null. */
export function versionOf(tags: readonly string[]): string | null {
  const first = orderSameAs(tags)[0];
  return first !== undefined && looksLikeVersion(first) ? first : null;
}

/** `latest = 1.27.3, also 1.27, mainline` (the tag alone when nothing shares its digest). */
export function sameAsText(tag: string, same: readonly string[]): string {
  if (same.length === 0) return tag;
  const [first, ...others] = same;
  return `${tag} = ${first}${others.length > 0 ? `, also ${others.join(', ')}` : ''}`;
}

export interface ImageVersionInfo {
  /** `org.opencontainers.image.version`, one clean line, or null. */
  version: string | null;
  /** `org.opencontainers.image.source` when it is an http(s) URL, or null. */
  source: string | null;
  /** The source's release notes page (GitHub, GitLab), or null. */
  releaseNotes: string | null;
}

/** What an image's labels say about its version and source (remote text: cleaned here). */
export function versionInfo(labels: Readonly<Record<string, unknown>> | null | undefined): ImageVersionInfo {
  const text = (key: string): string | null => {
    const v = labels?.[key];
    const clean = typeof v === 'string' ? sanitizeLine(v).trim() : '';
    return clean !== '' && clean.length <= 200 ? clean : null;
  };
  const version = text(VERSION_LABEL);
  const source = httpUrl(text(SOURCE_LABEL));
  return { version, source, releaseNotes: source ? releaseNotesUrl(source) : null };
}

function httpUrl(text: string | null): string | null {
  if (!text) return null;
  // `git@github.com:owner/repo.git` as some images write it.
  const scp = /^git@([A-Za-z0-9.-]+):(.+)$/.exec(text);
  const candidate = scp ? `https://${scp[1]}/${scp[2]}` : text.replace(/^git\+/, '');
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password) return null;
    return url.toString();
  } catch {
    return null;
  }
}

/**
 * The release notes of a GitHub or GitLab project a source URL points into: `https://github.com/O/R/releases`,
 * `https://gitlab.com/G/SUB/P/-/releases`. Null for other hosts (no guess at where their notes are).
 */
export function releaseNotesUrl(source: string): string | null {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean);
  const clean = (s: string): string => s.replace(/\.git$/, '');
  if (host === 'github.com' || host === 'www.github.com') {
    const [owner, repo] = segments;
    if (!owner || !repo) return null;
    return `https://github.com/${owner}/${clean(repo)}/releases`;
  }
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    // The project path ends where GitLab's own routes (`/-/…`) or a file view begin.
    const end = segments.indexOf('-');
    const path = (end >= 0 ? segments.slice(0, end) : segments).map(clean);
    if (path.length < 2) return null;
    return `https://${host}/${path.join('/')}/-/releases`;
  }
  return null;
}

/** `1.27.2 → 1.27.3`, `→ 1.27.3`, `1.27.2 → new image`, or null when neither version is known. */
export function versionChange(from: string | null, to: string | null): string | null {
  if (from && to) return from === to ? `${to} (rebuilt)` : `${from} → ${to}`;
  if (to) return `→ ${to}`;
  if (from) return `${from} → new image`;
  return null;
}
