// Inspect output as lines: summary, config and layers, from a remote inspect or the engine's
// inspect JSON. Every remote string is sanitised. Pure, so it is tested without rendering.
import { formatBytes } from '../../../domain/format';
import type { ImageRunConfig, RemoteInspect } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { wrapText } from '../../../domain/prose';
import { displayWidth } from '../../../domain/text';
import { versionInfo } from '../../../domain/versions';

export interface Line {
  text: string;
  tone?: 'title' | 'key' | 'muted';
  /** Key column for key/value lines. */
  key?: string;
  /** Where a wrapped line's continuation starts, in cells from the start of the text (default: its indent). */
  hang?: number;
}

const title = (text: string): Line => ({ text, tone: 'title' });
const kv = (key: string, value: string): Line => ({ key, text: sanitizeLine(value) });
const blank: Line = { text: '' };

function list(values: readonly string[] | null | undefined): string {
  return values && values.length ? values.map((v) => sanitizeLine(v)).join(' ') : '-';
}

/**
 * Version and Source from the OCI labels (issue 22), with the release notes of a GitHub or GitLab source:
 * what a person looks for before a digest. The words of `image inspect --remote` (views/remote.ts).
 */
export function versionLines(labels: Readonly<Record<string, unknown>> | null | undefined): Line[] {
  const info = versionInfo(labels);
  return [
    kv('Version', info.version ?? '-'),
    kv('Source', info.source ?? '-'),
    ...(info.releaseNotes ? [kv('Releases', info.releaseNotes)] : []),
  ];
}

function configLines(c: ImageRunConfig): Line[] {
  const lines: Line[] = [title('Config'), kv('Entrypoint', list(c.entrypoint)), kv('Cmd', list(c.cmd)), kv('WorkingDir', c.workingDir || '-'), kv('User', c.user || '-')];
  lines.push(kv('Ports', c.exposedPorts && c.exposedPorts.length ? c.exposedPorts.join(', ') : '-'));
  lines.push({ key: 'Env', text: c.env && c.env.length ? '' : '-' });
  for (const e of c.env ?? []) lines.push({ key: '', text: `  ${sanitizeLine(e)}` });
  const labels = Object.entries(c.labels ?? {});
  lines.push({ key: 'Labels', text: labels.length ? '' : '-' });
  for (const [k, v] of labels) lines.push({ key: '', text: `  ${sanitizeLine(k)}=${sanitizeLine(v)}` });
  return lines;
}

export function remoteInspectLines(r: RemoteInspect): Line[] {
  return [
    title('Summary'),
    kv('Name', `${r.name}:${r.tag}`),
    ...versionLines(r.config.labels),
    kv('Digest', r.digest),
    ...(r.manifestDigest !== r.digest ? [kv('Manifest', r.manifestDigest)] : []),
    kv('Created', r.created ?? '-'),
    kv('Platform', r.platform),
    ...(r.platforms.length > 1 ? [kv('Platforms', r.platforms.join(', '))] : []),
    kv('Media type', r.mediaType),
    kv('Size', `${formatBytes(r.size)} compressed (${plural(r.layers.length, 'layer')})`),
    blank,
    ...configLines(r.config),
    blank,
    title('Layers'),
    ...r.layers.map((l, i) => ({ key: String(i + 1), text: `${formatBytes(l.size).padStart(9)}  ${l.digest}`, hang: 11 })),
  ];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Lines wrapped to at most `width` cells (whole digests and values, nothing cut off): a long value goes on
 * under its key, broken at spaces where it can; an indented line (an Env entry, a layer's digest) keeps
 * its indent on its continuation lines.
 */
export function wrapLines(lines: readonly Line[], width: number): Line[] {
  const out: Line[] = [];
  const room = Math.max(8, width);
  for (const line of lines) {
    if (displayWidth(line.text) <= room) {
      out.push(line);
      continue;
    }
    const indent = displayWidth(/^\s*/.exec(line.text)?.[0] ?? '');
    const pieces = wrapText(line.text, room, Math.max(0, (line.hang ?? indent) - indent));
    pieces.forEach((piece, i) => {
      out.push(i === 0 ? { ...line, text: piece } : { ...(line.key !== undefined ? { key: '' } : {}), text: piece, ...(line.tone ? { tone: line.tone } : {}) });
    });
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function strings(v: unknown): string[] | null {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
}
function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The engine's inspect JSON (docker image inspect) as lines. */
export function localInspectLines(json: Record<string, unknown>, usedBy: readonly string[] = []): Line[] {
  const config = record(json.Config);
  const labels = record(config.Labels);
  const rootfs = record(json.RootFS);
  const size = typeof json.Size === 'number' ? json.Size : null;
  const platform = [str(json.Os), str(json.Architecture), str(json.Variant)].filter(Boolean).join('/');
  const layers = strings(rootfs.Layers) ?? [];
  return [
    title('Summary'),
    kv('Id', str(json.Id)),
    kv('Tags', list(strings(json.RepoTags))),
    ...versionLines(labels),
    kv('Digests', list(strings(json.RepoDigests))),
    kv('Created', str(json.Created) || '-'),
    kv('Platform', platform || '-'),
    kv('Size', size === null ? '-' : formatBytes(size)),
    kv('Used by', usedBy.length ? usedBy.join(', ') : '-'),
    blank,
    ...configLines({
      cmd: strings(config.Cmd),
      entrypoint: strings(config.Entrypoint),
      env: strings(config.Env),
      exposedPorts: Object.keys(record(config.ExposedPorts)),
      labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
      workingDir: str(config.WorkingDir) || null,
      user: str(config.User) || null,
    }),
    blank,
    title(`Layers (${plural(layers.length, 'layer')})`),
    ...layers.map((l, i) => ({ key: String(i + 1), text: l })),
  ];
}
