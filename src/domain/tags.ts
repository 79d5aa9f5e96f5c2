// The order of a repository's tags (DESIGN.md "image tags"): `latest` first, then the tags that look like
// versions, highest version first (semver's coerce reads the version part; ties by name), then the rest,
// newest first when the registry tells when a tag was updated, else by name.
import semver from 'semver';
import type { TagDetail } from './images';

/** `1`, `1.2`, `v1.2.3`, `1.2.3-alpine`, `2024.06.01`: digits first (after an optional `v`), dotted, any suffix after a separator. */
const VERSION_LIKE = /^v?\d+(?:\.\d+)*(?:[-+_.][0-9A-Za-z][0-9A-Za-z._+-]*)?$/;

export function looksLikeVersion(tag: string): boolean {
  return VERSION_LIKE.test(tag);
}

/** A version's numbers, as semver's coerce reads them (it never keeps a pre-release part). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** `v1`, `1.2`, `2024.06.01`: up to three numbers of up to 15 digits, nothing else (most version tags). */
const PLAIN_VERSION = /^v?(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?$/;

/**
 * semver's coerce, after dropping leading zeros it refuses (`2024.06.01` -> 2024.6.1). A plain version is read
 * here (the same numbers, without semver's regexps and objects: repositories have thousands of tags); the rest
 * goes to semver.
 */
function coerce(tag: string): Version | null {
  const plain = PLAIN_VERSION.exec(tag);
  if (plain) return { major: Number(plain[1]), minor: Number(plain[2] ?? 0), patch: Number(plain[3] ?? 0) };
  return semver.coerce(tag.replace(/(^v?|\.)0+(?=\d)/g, '$1'));
}

/** The version a version-looking tag names (`v1.27.3-alpine` → 1.27.3), or null. */
export function tagVersion(tag: string): Version | null {
  return looksLikeVersion(tag) ? coerce(tag) : null;
}

/** Highest first: coerced versions are numbers only, so this is semver's rcompare. */
export const byVersionDescending = (a: Version, b: Version): number => b.major - a.major || b.minor - a.minor || b.patch - a.patch;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function dateOf(detail: TagDetail): number | null {
  if (!detail.lastUpdated) return null;
  const t = Date.parse(detail.lastUpdated);
  return Number.isNaN(t) ? null : t;
}

/** Returns a new array in display order. Stable and total: the same input always gives the same order. */
export function orderTags(details: readonly TagDetail[]): TagDetail[] {
  const latest: TagDetail[] = [];
  const versions: { detail: TagDetail; version: Version }[] = [];
  const rest: TagDetail[] = [];
  for (const d of details) {
    if (d.name === 'latest') {
      latest.push(d);
      continue;
    }
    const version = tagVersion(d.name);
    if (version) versions.push({ detail: d, version });
    else rest.push(d);
  }
  versions.sort((a, b) => byVersionDescending(a.version, b.version) || byName(a.detail.name, b.detail.name));
  rest.sort((a, b) => {
    const da = dateOf(a);
    const db = dateOf(b);
    if (da !== null && db !== null && da !== db) return db - da;
    if (da !== null && db === null) return -1;
    if (da === null && db !== null) return 1;
    return byName(a.name, b.name);
  });
  return [...latest, ...versions.map((v) => v.detail), ...rest];
}
