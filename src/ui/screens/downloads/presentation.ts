// Downloads as rows: active ones in the order first seen (they never re-sort while running), then
// the history (complete / failed / cancelled), newest first; a one-line summary for the status bar.
import { formatBytes, formatDuration, formatRate } from '../../../domain/format';
import type { DownloadSnapshot, LayerProgress } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';

export const ACTIVE = new Set(['waiting', 'downloading', 'extracting']);

export function isActive(d: DownloadSnapshot): boolean {
  return ACTIVE.has(d.status);
}

/** Active first (by start time, then id: stable), then finished newest first. */
export function orderDownloads(all: readonly DownloadSnapshot[]): { active: DownloadSnapshot[]; history: DownloadSnapshot[] } {
  const byStart = (a: DownloadSnapshot, b: DownloadSnapshot) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id);
  const active = all.filter(isActive).sort(byStart);
  const history = all
    .filter((d) => !isActive(d))
    .sort((a, b) => (b.finishedAt ?? b.startedAt).localeCompare(a.finishedAt ?? a.startedAt) || a.id.localeCompare(b.id));
  return { active, history };
}

export function percentText(d: DownloadSnapshot, ellipsis = '…'): string {
  return d.percent === null ? ellipsis.padStart(4) : `${String(d.percent).padStart(3)}%`;
}

export function speedText(d: DownloadSnapshot): string {
  return isActive(d) && d.speed ? formatRate(d.speed) : '';
}

export function etaText(d: DownloadSnapshot): string {
  return isActive(d) && d.eta !== null ? formatDuration(d.eta) : '';
}

export function bytesText(current: number | null, total: number | null): string {
  if (current === null) return '';
  return total ? `${formatBytes(current)} / ${formatBytes(total)}` : formatBytes(current);
}

export function layerFraction(l: LayerProgress): number | null {
  if (/complete|already exists/i.test(l.status)) return 1;
  if (l.total && l.current !== null) return Math.min(1, l.current / l.total);
  return null;
}

export function statusText(d: DownloadSnapshot): string {
  if (d.status === 'failed') return `failed: ${sanitizeLine(d.error ?? 'unknown error')}`;
  return d.status;
}

/** `↓ 2 downloading 45% · 1 failed`, or '' when there is nothing to say. */
export function summary(all: readonly DownloadSnapshot[], arrow: string, separator = ' · '): string {
  const active = all.filter(isActive);
  const failed = all.filter((d) => d.status === 'failed').length;
  const parts: string[] = [];
  if (active.length) {
    const known = active.filter((d) => d.percent !== null);
    const pct = known.length ? Math.floor(known.reduce((a, d) => a + (d.percent ?? 0), 0) / known.length) : null;
    parts.push(`${arrow} ${active.length} downloading${pct === null ? '' : ` ${pct}%`}`);
  }
  if (failed) parts.push(`${failed} failed`);
  return parts.join(separator);
}
