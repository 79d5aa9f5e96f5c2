// Update checks as every surface shows them (DESIGN.md "Updates", `image updates --json`): one entry per local
// tag with its status, the newer versions and when it was checked; answers from the cache say their age.
import type { ErrorCode } from '../domain/errors';
import { formatAge } from '../domain/format';
import type { UpdateResult } from '../domain/updates';
import type { UpdateNotice } from '../domain/notice';
import { versionChange } from '../domain/versions';
import { table } from './table';

/** `image updates --json`: DESIGN.md's shape, one entry per local tag. */
export function updatesJson(results: UpdateResult[]): Array<Record<string, unknown>> {
  return results.map((r) => ({
    name: r.name,
    tag: r.tag,
    id: r.id,
    status: r.status,
    reason: r.reason,
    local_digest: r.localDigest,
    remote_digest: r.remoteDigest,
    newer_tags: r.newerTags,
    checked_at: r.checkedAt,
  }));
}

const STATUS_TEXT: Record<UpdateResult['status'], string> = {
  up_to_date: 'up to date',
  update_available: 'update available',
  unknown: 'unknown',
  pinned: 'pinned',
};

export function statusText(r: UpdateResult): string {
  if (r.status === 'unknown') return `unknown: ${r.reason ?? 'not checked'}`;
  return STATUS_TEXT[r.status];
}

/** The table: name, tag, status, newer versions, checked. */
export function updatesTable(results: UpdateResult[], width: number | undefined, now = Date.now()): string[] {
  if (results.length === 0) return ['no local images with a registry'];
  return table(
    results,
    [
      { header: 'NAME', get: (r) => r.name, flex: true },
      { header: 'TAG', get: (r) => r.tag },
      { header: 'STATUS', get: (r) => statusText(r), flex: true },
      { header: 'NEWER VERSIONS', get: (r) => r.newerTags.join(', ') || '-', flex: true },
      { header: 'CHECKED', get: (r) => formatAge(r.checkedAt, now) },
    ],
    width,
  );
}

/**
 * The line under the table: how many updates, the requests made, and, when answers came from the cache, how
 * old the oldest is and how to ask again (`--refresh`).
 */
export function updatesSummary(
  round: { results: UpdateResult[]; requests: { head: number; get: number }; hubRateLimit: { remaining: number; limit: number } | null },
  startedAt: number,
  now = Date.now(),
): string {
  const count = round.results.filter((r) => r.status === 'update_available').length;
  const asked = round.requests.head + round.requests.get;
  const hub = round.hubRateLimit ? `; Docker Hub: ${round.hubRateLimit.remaining}/${round.hubRateLimit.limit} pulls left` : '';
  const cached = round.results.filter((r) => Date.parse(r.checkedAt) < startedAt);
  const oldest = cached.reduce<string | null>((o, r) => (o === null || r.checkedAt < o ? r.checkedAt : o), null);
  const age = oldest ? `; ${cached.length} answer${cached.length === 1 ? '' : 's'} from the cache, checked ${formatAge(oldest, now)} (--refresh asks again)` : '';
  return `${count} update${count === 1 ? '' : 's'} available; ${asked} registry request${asked === 1 ? '' : 's'} (${round.requests.head} HEAD, ${round.requests.get} GET)${hub}${age}`;
}

/** The exit code class of an `unknown` status, for `image update`. */
export function unknownCode(reason: string | null): ErrorCode {
  const r = reason ?? '';
  if (/^rate limited/.test(r)) return 429;
  if (/^no credentials|^credentials refused/.test(r)) return 401;
  if (/^access denied/.test(r)) return 403;
  if (/^unreachable/.test(r)) return 503;
  if (/^certificate/.test(r)) return 495;
  if (/does not know this tag|no longer has/.test(r)) return 404;
  if (/locally/.test(r)) return 400;
  return 502;
}

/** What `u` does for one local tag, from its last check (the app's update key). */
export type UpdateOffer =
  /** An update is there (or the tag was never checked): pull the same tag again. */
  | { kind: 'pull'; ref: string }
  /** Current, and a newer version is there: offer it ("update to 7.4?"). */
  | { kind: 'newer'; ref: string; to: string }
  /** Current, nothing newer: say so, pull nothing. */
  | { kind: 'current'; text: string };

export function updateOffer(
  target: { name: string; fullName: string; id: string; tag: string },
  marks: ReadonlyMap<string, { status: string; newerTags: string[]; id: string; checkedAt?: string }>,
  now: number,
): UpdateOffer {
  const ref = `${target.name}:${target.tag}`;
  const mark = marks.get(`${target.fullName}:${target.tag}`);
  if (!mark || mark.id !== target.id || mark.status !== 'up_to_date') return { kind: 'pull', ref };
  const newer = mark.newerTags[0];
  if (newer) return { kind: 'newer', ref, to: `${target.name}:${newer}` };
  return { kind: 'current', text: `${ref} is up to date${mark.checkedAt ? ` (checked ${formatAge(mark.checkedAt, now)})` : ''}: nothing to update` };
}

/** What the empty "only images with an update" view says: none has one, and when that was checked. */
export function noUpdatesText(checking: boolean, checkedAt: string | null | undefined, now: number): string {
  if (checking) return 'checking for updates…';
  return `no image has an update${checkedAt ? ` (checked ${formatAge(checkedAt, now)}; r checks again)` : ' (not checked yet)'}`;
}

/**
 * The versions an update moves between and where its release notes are, in the words of the notices
 * (`1.27.2 → 1.27.3`, `release notes: https://github.com/…/releases`): the app's update question says them.
 * `change` is null when neither version is known; `notes` when the image names no GitHub/GitLab source.
 */
export function updateVersions(notice: Pick<UpdateNotice, 'fromVersion' | 'toVersion' | 'releaseNotes'> | null): { change: string | null; notes: string | null } {
  if (!notice) return { change: null, notes: null };
  return { change: versionChange(notice.fromVersion, notice.toVersion), notes: notice.releaseNotes ? `release notes: ${notice.releaseNotes}` : null };
}
