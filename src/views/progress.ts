// A download's progress as every surface says it: bytes done and the total ("so far" while some layers have
// no size yet, also once the download has ended), speed and ETA; `image pull --json` progress lines; the
// block a terminal redraws in place and the one-line summary a pipe gets.
import { formatBytes, formatDuration, formatRate } from '../domain/format';
import { type DownloadSnapshot, isActiveStatus } from '../domain/images';
import { sanitizeLine, stripControl } from '../domain/sanitize';

const UNSIZED_LAYER = /^(pulling fs layer|waiting|downloading)$/i;

/**
 * Layers whose size the engine had not said (the total is what is known so far while there are any). The
 * worker says it (`unsized`), also for a download that ended; older records are read from their layers.
 */
export function unsizedLayers(d: Pick<DownloadSnapshot, 'layers' | 'status'> & { unsized?: number | null }): number {
  if (typeof d.unsized === 'number') return d.unsized;
  if (!isActiveStatus(d.status)) return 0;
  return d.layers.filter((l) => l.total === null && UNSIZED_LAYER.test(l.status)).length;
}

export function bytesText(current: number | null, total: number | null): string {
  if (current === null) return '';
  return total ? `${formatBytes(current)} / ${formatBytes(total)}` : formatBytes(current);
}

/**
 * Bytes of a download: `7.96 MB / 25.2 MB`; while some layers have no size yet, the total is what is known so
 * far: `7.96 MB / 25.2 MB so far (2 layers not sized yet)`.
 */
export function downloadBytesText(d: DownloadSnapshot & { unsized?: number | null }): string {
  const text = bytesText(d.current, d.total);
  if (!text) return isActiveStatus(d.status) && d.layers.length === 0 && d.status !== 'waiting' ? 'sizes not known yet' : '';
  const unsized = unsizedLayers(d);
  return unsized > 0 ? `${text} so far (${unsized} layer${unsized === 1 ? '' : 's'} not sized yet)` : text;
}

/** Bytes, speed and ETA of a running download (the engine's status text when nothing is counted). */
export function rateText(r: DownloadSnapshot): string {
  const parts: string[] = [];
  const bytes = downloadBytesText(r);
  if (bytes) parts.push(bytes);
  if (isActiveStatus(r.status) && r.speed !== null && r.speed > 0) parts.push(formatRate(r.speed));
  if (isActiveStatus(r.status) && r.eta !== null) parts.push(`ETA ${formatDuration(r.eta)}`);
  return parts.join('  ') || (r.detail === r.status ? '' : sanitizeLine(r.detail));
}

/** One `image pull --json` progress line. */
export function pullProgressJson(r: DownloadSnapshot): Record<string, unknown> {
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

/** The one-line summary a non-terminal gets every few seconds. */
export function progressLine(r: DownloadSnapshot): string {
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
export function progressBlock(r: DownloadSnapshot, columns: number, style: BarStyle): string[] {
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
