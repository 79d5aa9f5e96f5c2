// What removing images answers (`image rm`, `image prune [--dry-run]`, serve's DELETE): the JSON of DESIGN.md
// and the lines a person reads. LXC removals (`--type lxc`) have the same shape.
import { formatBytes } from '../domain/format';
import { sanitizeLine } from '../domain/sanitize';
import type { PrunePlan, PruneResult, RemoveResult } from '../services/engine/index';
import { shortId } from './local';
import { table } from './table';

export function removeJson(result: Pick<RemoveResult, 'name' | 'untagged' | 'deleted'>): { name: string; untagged: string[]; deleted: string[] } {
  return { name: result.name, untagged: result.untagged, deleted: result.deleted };
}

export function removeLines(result: Pick<RemoveResult, 'name' | 'untagged' | 'deleted'>): string[] {
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

