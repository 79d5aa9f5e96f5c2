// Presentation of the engine side for `image list` (local), `image inspect`, `image rm`, `image prune`,
// `image pull` and `image downloads`: pure functions from service results to DESIGN.md's `--json` objects,
// human tables and progress lines. No commander code and no I/O here.
import { formatAge, formatBytes, formatDuration, formatRate } from '../domain/format';
import type { ImageDiskSize } from '../domain/diskUsage';
import type { LocalRepository } from '../domain/images';
import { sanitizeLine, stripControl } from '../domain/sanitize';
import type { DownloadRecord, PrunePlan, PruneResult, RemoveResult } from '../services/engine/index';
import { table } from './output';

export interface LocalListQuery {
  filterText: string;
  type: string;
}

/**
 * `image list --json` for the local category. `updates` (the last update checks, by `fullName:tag`) gives each
 * entry of images[] its `update` status, null when never checked. `downloading` null: the download worker did
 * not answer, the marks are unknown.
 */
export function localListJson(
  query: LocalListQuery,
  repos: LocalRepository[],
  downloading: Set<string> | null,
  warnings: string[],
  updates: ReadonlyMap<string, { id: string; status: string }> = new Map(),
  sizes: ReadonlyMap<string, ImageDiskSize> | null = null,
  previous: ReadonlyMap<string, { id: string; digest: string | null; replacedAt: string; keptUntil: string; pin: string | null }> = new Map(),
): Record<string, unknown> {
  const results = repos.map((repo) => ({
    name: repo.name,
    installed: true,
    downloading: downloading === null ? null : repo.fullName !== '' && downloading.has(repo.fullName),
    repository: 'local',
    type: 'docker',
    tags: repo.images.map((i) => i.tag),
    size: repo.images.map((i) => i.size),
    is_latest: repo.isLatest,
    in_use: repo.inUse,
    images: repo.images.map((i) => {
      const checked = updates.get(`${repo.fullName}:${i.tag}`);
      const disk = sizes?.get(i.id);
      const kept = previous.get(`${repo.fullName}:${i.tag}`);
      return {
        tag: i.tag,
        id: i.id,
        size: i.size,
        created: i.created,
        in_use: i.inUse,
        unique_size: disk?.unique ?? null,
        shared_size: disk?.shared ?? null,
        update: checked && checked.id === i.id ? checked.status : null,
        // The image `image rollback` would return to (issue 22), or null.
        previous: kept ? { id: kept.id, digest: kept.digest, replaced_at: kept.replacedAt, kept_until: kept.keptUntil, pin: kept.pin } : null,
      };
    }),
  }));
  return { category: 'local', filter_text: query.filterText, type: query.type, results, total_count: results.length, warnings };
}

/** One row per tag, like `docker images`. */
export function localListTable(repos: LocalRepository[], width: number | undefined, now = Date.now()): string[] {
  const rows = repos.flatMap((repo) => repo.images.map((image) => ({ repo, image })));
  if (rows.length === 0) return ['no local images'];
  return table(
    rows,
    [
      { header: 'REPOSITORY', get: (r) => r.repo.name, flex: true },
      { header: 'TAG', get: (r) => r.image.tag, flex: true },
      { header: 'IMAGE ID', get: (r) => shortId(r.image.id) },
      { header: 'CREATED', get: (r) => formatAge(r.image.created, now) },
      { header: 'SIZE', get: (r) => formatBytes(r.image.size), align: 'right' },
      { header: 'IN USE', get: (r) => (r.image.inUse ? 'yes' : '-') },
    ],
    width,
  );
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function removeLines(result: RemoveResult): string[] {
  const lines = [...result.untagged.map((u) => `untagged: ${u}`), ...result.deleted.map((d) => `deleted: ${d}`)];
  return lines.length > 0 ? lines.map(sanitizeLine) : [`nothing removed for ${sanitizeLine(result.name)}`];
}

/** `image prune --json`: DESIGN's `deleted` (images and layers, as the engine names them) and the bytes freed. */
export function pruneJson(result: PruneResult): Record<string, unknown> {
  return {
    deleted: result.deleted,
    space_reclaimed: result.spaceReclaimed,
    untagged: result.untagged,
    failed: result.failed.map((f) => ({ id: f.id, name: f.label, message: f.message })),
  };
}

export function pruneLines(result: PruneResult): string[] {
  return [
    ...result.untagged.map((u) => `untagged: ${sanitizeLine(u)}`),
    ...result.deleted.map((d) => `deleted: ${sanitizeLine(d)}`),
    ...result.failed.map((f) => `not removed: ${sanitizeLine(f.label)}: ${sanitizeLine(f.message)}`),
    `Total reclaimed space: ${formatBytes(result.spaceReclaimed)}`,
  ];
}

/**
 * `image prune --dry-run --json`: the same fields a prune answers (`deleted`: the images and the layers that
 * would go; `untagged`; `space_reclaimed`) and what it would look at: each image, those kept for rollback,
 * and the layers that stay because images that stay use them.
 */
export function prunePlanJson(plan: PrunePlan): Record<string, unknown> {
  return {
    dry_run: true,
    all: plan.all,
    deleted: [...plan.deletedImages, ...plan.layers],
    untagged: plan.candidates.flatMap((c) => c.names),
    space_reclaimed: plan.bytes,
    images: plan.candidates.map((c) => ({ id: c.id, names: c.names, size: c.size, unique_size: c.unique })),
    kept: plan.kept.map((k) => ({ id: k.id, names: k.names, reason: 'rollback' })),
    layers_staying: { count: plan.staying.layers, bytes: plan.staying.bytes, used_by: plan.staying.keptBy.map((k) => k.label) },
  };
}

export function prunePlanLines(plan: PrunePlan): string[] {
  const what = plan.all ? 'unused' : 'dangling';
  const kept = plan.kept.length > 0 ? [`kept for rollback: ${plan.kept.map((k) => sanitizeLine(k.names[0] ?? shortId(k.id))).join(', ')}`] : [];
  if (plan.candidates.length === 0) return [`no ${what} images to remove`, ...kept];
  const n = plan.candidates.length;
  const lines = [`would remove ${n} ${what} image${n === 1 ? '' : 's'}, freeing ${plan.unknownLayers > 0 ? 'at least ' : ''}${formatBytes(plan.bytes)}:`];
  lines.push(
    ...table(
      plan.candidates,
      [
        { header: 'IMAGE', get: (c) => c.names.join(', ') || '<none>', flex: true },
        { header: 'IMAGE ID', get: (c) => shortId(c.id) },
        { header: 'SIZE', get: (c) => formatBytes(c.size), align: 'right' },
        { header: 'UNIQUE', get: (c) => (c.unique === null ? '?' : formatBytes(c.unique)), align: 'right' },
      ],
      undefined,
    ).map((line) => `  ${line}`),
  );
  const stay = plan.staying;
  if (stay.layers > 0) {
    const by = stay.keptBy.map((k) => sanitizeLine(k.label));
    lines.push(`${stay.layers} layer${stay.layers === 1 ? '' : 's'} (${formatBytes(stay.bytes)}) stay${stay.layers === 1 ? 's' : ''}, used by ${by.length > 3 ? `${by.slice(0, 3).join(', ')} and ${by.length - 3} more` : by.join(', ')}`);
  }
  return [...lines, ...kept];
}

/** `image downloads --json`: DESIGN.md's shape, with the `id` that `cancel ID` and `retry ID` take and the start time. */
export function downloadsJson(
  records: DownloadRecord[],
): Array<{ id: string; name: string; percent: number | null; status: string; error: string | null; started_at: string; finished_at: string | null }> {
  return records.map((r) => ({ id: r.id, name: r.name, percent: r.percent, status: r.status, error: r.error, started_at: r.startedAt, finished_at: r.finishedAt }));
}

export function downloadsTable(records: DownloadRecord[], width: number | undefined, now = Date.now()): string[] {
  if (records.length === 0) return ['no downloads'];
  return table(
    records,
    [
      { header: 'ID', get: (r) => r.id },
      { header: 'NAME', get: (r) => r.name, flex: true },
      { header: 'STATUS', get: (r) => r.status },
      { header: '%', get: (r) => (r.percent === null ? '-' : String(r.percent)), align: 'right' },
      { header: 'STARTED', get: (r) => formatAge(r.startedAt, now) },
      { header: 'DETAIL', get: (r) => r.error ?? (r.status === 'complete' ? (r.digest ?? '') : rateText(r)), flex: true },
    ],
    width,
  );
}

/** One `image pull --json` progress line. */
export function pullProgressJson(r: DownloadRecord): Record<string, unknown> {
  return {
    event: 'progress',
    name: r.name,
    percent: r.percent,
    status: r.status,
    detail: r.detail,
    current: r.current,
    total: r.total,
    layers: r.layers.map((l) => ({ id: l.id, status: l.status, current: l.current, total: l.total })),
  };
}

function rateText(r: DownloadRecord): string {
  const parts: string[] = [];
  if (r.current !== null && r.total !== null) parts.push(`${formatBytes(r.current)}/${formatBytes(r.total)}`);
  if (r.speed !== null && r.speed > 0) parts.push(formatRate(r.speed));
  if (r.eta !== null) parts.push(`ETA ${formatDuration(r.eta)}`);
  return parts.join('  ') || (r.detail === r.status ? '' : sanitizeLine(r.detail));
}

/** The one-line summary a non-terminal gets every few seconds. */
export function progressLine(r: DownloadRecord): string {
  const percent = r.percent === null ? '' : ` ${r.percent}%`;
  return sanitizeLine(`${r.name}: ${r.status}${percent}  ${rateText(r)}`).trim();
}

export interface BarStyle {
  full: string;
  empty: string;
}

export const UNICODE_BAR: BarStyle = { full: '█', empty: '░' };
export const ASCII_BAR: BarStyle = { full: '#', empty: '-' };

export function bar(fraction: number | null, width: number, style: BarStyle): string {
  if (width <= 0) return '';
  if (fraction === null) return style.empty.repeat(width);
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return style.full.repeat(filled) + style.empty.repeat(width - filled);
}

const MAX_LAYER_LINES = 12;

/** The block a terminal shows and redraws in place: one line per layer (the busiest ones), then the overall line. */
export function progressBlock(r: DownloadRecord, columns: number, style: BarStyle): string[] {
  const width = Math.max(40, columns - 1);
  const barWidth = Math.max(10, Math.min(30, width - 60));
  const active = r.layers.filter((l) => l.current !== null && l.total !== null);
  const shown = (active.length > 0 ? active : r.layers).slice(0, MAX_LAYER_LINES);
  const hidden = r.layers.length - shown.length;
  const lines = shown.map((l) => {
    const counts = l.current !== null && l.total ? `${formatBytes(l.current)}/${formatBytes(l.total)}` : '';
    const fraction = l.current !== null && l.total ? l.current / l.total : /complete|exists/i.test(l.status) ? 1 : null;
    return `${l.id.padEnd(12)}  ${l.status.padEnd(18).slice(0, 18)}  ${bar(fraction, barWidth, style)}  ${counts}`;
  });
  if (hidden > 0) lines.push(`… ${hidden} more layer${hidden === 1 ? '' : 's'}`);
  const percent = r.percent === null ? '  ?%' : `${String(r.percent).padStart(3)}%`;
  const overallBar = Math.max(10, Math.min(30, width - r.name.length - 60));
  lines.push(`${r.name}  ${r.status}  ${percent}  ${bar(r.percent === null ? null : r.percent / 100, overallBar, style)}  ${rateText(r)}`);
  return lines.map((line) => cut(stripControl(line).replace(/[\n\t]/g, ' '), width));
}

function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
