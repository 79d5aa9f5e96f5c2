// What `stevedore watch` tells (DESIGN.md "Updates", issue 22): one notice per new digest per image, several
// in one message. The text is made here, once, so the webhook, mail, the log and the app say the same.
import { versionChange } from './versions';

/** One local tag whose registry now serves an image it was not told about. */
export interface UpdateNotice {
  /** Familiar repository name (`nginx`, `127.0.0.1:5000/team/app`). */
  name: string;
  fullName: string;
  tag: string;
  /** The local image ID. */
  id: string;
  localDigest: string | null;
  remoteDigest: string;
  /** The version of the local image (its label, else a version tag sharing its digest), when known. */
  fromVersion: string | null;
  /** The version the registry now serves (a version tag sharing its digest, else its label), when known. */
  toVersion: string | null;
  /** The source's release notes (GitHub, GitLab), when the image says where its source is. */
  releaseNotes: string | null;
}

export interface NoticeMessage {
  title: string;
  /** One line per image. */
  lines: string[];
  /** The lines joined, then how to update. */
  body: string;
}

const short = (digest: string | null): string => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '?');

/** `nginx:latest 1.27.2 → 1.27.3 (release notes: https://github.com/…/releases)`; without versions the digests. */
export function noticeLine(n: UpdateNotice): string {
  const change = versionChange(n.fromVersion, n.toVersion) ?? `new image ${short(n.remoteDigest)} (was ${short(n.localDigest)})`;
  const notes = n.releaseNotes ? ` (release notes: ${n.releaseNotes})` : '';
  return `${n.name}:${n.tag} ${change}${notes}`;
}

/** The message for one notifier: a title naming the count and the host, a line per image. */
export function noticeMessage(notices: readonly UpdateNotice[], host: string): NoticeMessage {
  const count = notices.length;
  const title = count === 1 ? `Update for ${notices[0]?.name}:${notices[0]?.tag} on ${host}` : `${count} image updates on ${host}`;
  const lines = notices.map(noticeLine);
  const how = count === 1 ? `Update with: stevedore image update ${notices[0]?.name}:${notices[0]?.tag}` : 'Update with: stevedore image update NAME:TAG (or u in the app)';
  return { title, lines, body: `${lines.join('\n')}\n\n${how}` };
}

/** The JSON a plain webhook gets (`--format json`). */
export function noticeJson(notices: readonly UpdateNotice[], host: string, engine: string): Record<string, unknown> {
  const message = noticeMessage(notices, host);
  return {
    title: message.title,
    message: message.body,
    host,
    engine,
    updates: notices.map((n) => ({
      name: n.name,
      tag: n.tag,
      id: n.id,
      local_digest: n.localDigest,
      remote_digest: n.remoteDigest,
      from_version: n.fromVersion,
      to_version: n.toVersion,
      release_notes: n.releaseNotes,
    })),
  };
}

/** What `notify test NAME` sends: a made-up notice that says it is a test. */
export function sampleNotice(): UpdateNotice {
  return {
    name: 'stevedore/test-notice',
    fullName: 'docker.io/stevedore/test-notice',
    tag: 'latest',
    id: `sha256:${'0'.repeat(64)}`,
    localDigest: `sha256:${'1'.repeat(64)}`,
    remoteDigest: `sha256:${'2'.repeat(64)}`,
    fromVersion: '1.0.0',
    toVersion: '1.0.1',
    releaseNotes: null,
  };
}
