// Update checks (DESIGN.md "Updates"): the status of one local tag against its registry, and the
// "newer versions" of a tag read from the tag list the registry gives.
import semver from 'semver';

export type UpdateStatus = 'up_to_date' | 'update_available' | 'unknown' | 'pinned';

/** One local tag's check (the `image updates --json` entry). */
export interface UpdateResult {
  /** Familiar repository name (`redis`, `127.0.0.1:5000/team/app`). */
  name: string;
  /** Full repository name (`docker.io/library/redis`), the key with `tag`. */
  fullName: string;
  /** The tag, or `<none>` for an image pulled by digest only. */
  tag: string;
  /** The local image ID. */
  id: string;
  status: UpdateStatus;
  /** Why the status is `unknown` (or a note on another status); null when there is nothing to say. */
  reason: string | null;
  /** The RepoDigest of this repository that the local image carries (the first when several). */
  localDigest: string | null;
  /** What the tag resolves to on the registry now. */
  remoteDigest: string | null;
  /** Higher versions of the same shape, highest first (at most 5). */
  newerTags: string[];
  /** ISO time of the check. */
  checkedAt: string;
}

/** The last check of one local tag as the app marks it (by `fullName:tag`). */
export interface UpdateMark {
  status: UpdateStatus;
  newerTags: string[];
  /** The image ID it was checked for (a mark for another image is stale). */
  id: string;
  /** ISO time of the check. */
  checkedAt?: string;
}

/** The app's view of the update checks: the marks, whether a round runs, how many updates, when last checked. */
export interface UpdatesSnapshot {
  marks: ReadonlyMap<string, UpdateMark>;
  checking: boolean;
  /** Tags with an update available. */
  count: number;
  error: string | null;
  /** When the last round ended (or the newest cached check), ISO; null before any. */
  checkedAt?: string | null;
}

export const MAX_NEWER_TAGS = 5;

interface Shape {
  prefix: string;
  numbers: number[];
  suffix: string;
}

/** `v1.27.3-alpine` → prefix `v`, numbers [1, 27, 3], suffix `-alpine`. Tags without leading digits have no shape. */
const SHAPE = /^(v?)(\d+(?:\.\d+)*)((?:[-_+][0-9A-Za-z][0-9A-Za-z._+-]*)?)$/;

function shapeOf(tag: string): Shape | null {
  const m = SHAPE.exec(tag);
  if (!m) return null;
  const numbers = (m[2] ?? '').split('.').map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n))) return null;
  return { prefix: m[1] ?? '', numbers, suffix: m[3] ?? '' };
}

/** Same prefix, same number of parts, same suffix: `1.27.3` and `1.28.0`; `16-alpine` and `17-alpine`. */
function sameShape(a: Shape, b: Shape): boolean {
  return a.prefix === b.prefix && a.suffix === b.suffix && a.numbers.length === b.numbers.length;
}

/** semver for tags that are semver (`1.2.3`, `v1.2.3`), part by part otherwise. */
function compareVersions(a: string, sa: Shape, b: string, sb: Shape): number {
  const va = semver.valid(a.replace(/^v/, ''), { loose: false });
  const vb = semver.valid(b.replace(/^v/, ''), { loose: false });
  if (va && vb && !sa.suffix && !sb.suffix) return semver.compare(va, vb);
  for (let i = 0; i < sa.numbers.length; i++) {
    const d = (sa.numbers[i] ?? 0) - (sb.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Tags of the same repository that read as higher versions of the same shape as `current`, highest first,
 * at most `max`. `latest` and other tags without a version have none.
 */
export function newerTags(current: string, tags: readonly string[], max = MAX_NEWER_TAGS): string[] {
  const own = shapeOf(current);
  if (!own) return [];
  const higher: { tag: string; shape: Shape }[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag === current || seen.has(tag)) continue;
    const shape = shapeOf(tag);
    if (!shape || !sameShape(own, shape)) continue;
    if (compareVersions(tag, shape, current, own) <= 0) continue;
    seen.add(tag);
    higher.push({ tag, shape });
  }
  higher.sort((x, y) => compareVersions(y.tag, y.shape, x.tag, x.shape) || (x.tag < y.tag ? -1 : x.tag > y.tag ? 1 : 0));
  return higher.slice(0, max).map((h) => h.tag);
}

/** Does a tag have a version shape at all (worth fetching the tag list for)? */
export function hasVersionShape(tag: string): boolean {
  return shapeOf(tag) !== null;
}

/** Counts for the status bar and the CLI summary. */
export function countUpdates(results: readonly UpdateResult[]): number {
  return results.filter((r) => r.status === 'update_available').length;
}
