// What removing images answers (`image rm`, `image prune`, serve's DELETE): the JSON of DESIGN.md and the lines
// a person reads. LXC removals (`--type lxc`) have the same shape.
import { formatBytes } from '../domain/format';
import { sanitizeLine } from '../domain/sanitize';
import type { PruneResult, RemoveResult } from '../services/engine/index';

export function removeJson(result: Pick<RemoveResult, 'name' | 'untagged' | 'deleted'>): { name: string; untagged: string[]; deleted: string[] } {
  return { name: result.name, untagged: result.untagged, deleted: result.deleted };
}

export function removeLines(result: Pick<RemoveResult, 'name' | 'untagged' | 'deleted'>): string[] {
  const lines = [...result.untagged.map((u) => `untagged: ${u}`), ...result.deleted.map((d) => `deleted: ${d}`)];
  return lines.length > 0 ? lines.map(sanitizeLine) : [`nothing removed for ${sanitizeLine(result.name)}`];
}

export function pruneJson(result: PruneResult): { deleted: string[]; space_reclaimed: number } {
  return { deleted: result.deleted, space_reclaimed: result.spaceReclaimed };
}

export function pruneLines(result: PruneResult): string[] {
  return [
    ...result.untagged.map((u) => `untagged: ${sanitizeLine(u)}`),
    ...result.deleted.map((d) => `deleted: ${sanitizeLine(d)}`),
    `Total reclaimed space: ${formatBytes(result.spaceReclaimed)}`,
  ];
}
