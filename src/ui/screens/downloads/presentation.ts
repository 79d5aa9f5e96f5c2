// Downloads as rows: active ones in the order first seen (they never re-sort while running), then
// the history (complete / failed / cancelled), newest first; a one-line summary for the status bar; what
// the quit question says about downloads that go on. Bytes and totals are said as every surface says them
// (src/views/progress.ts).
import { formatAge, formatDuration, formatRate } from '../../../domain/format';
import { type DownloadSnapshot, type LayerProgress, isActiveStatus } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { appWords } from '../../appWords';

export { bytesText, downloadBytesText, unsizedLayers } from '../../../views/progress';

export function isActive(d: Pick<DownloadSnapshot, 'status'>): boolean {
  return isActiveStatus(d.status);
}

/** Active first (by start time, then id: stable), then finished newest first. */
export function orderDownloads<T extends DownloadSnapshot>(all: readonly T[]): { active: T[]; history: T[] } {
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

const DONE_LAYER = /complete|already exists/i;

export function layerFraction(l: LayerProgress): number | null {
  if (DONE_LAYER.test(l.status)) return 1;
  if (l.total && l.current !== null) return Math.min(1, l.current / l.total);
  return null;
}

/** A layer's status as shown: a layer of a download that ended without finishing says how it ended. */
export function layerStatus(d: DownloadSnapshot, l: LayerProgress): string {
  if (isActive(d) || d.status === 'complete' || DONE_LAYER.test(l.status)) return l.status;
  return d.status === 'cancelled' ? 'Cancelled' : 'Stopped';
}

/** The word for a status (`waiting` reads as queued: it does not run yet). */
export function statusWord(d: DownloadSnapshot): string {
  return d.status === 'waiting' ? 'queued' : d.status;
}

export function statusText(d: DownloadSnapshot): string {
  if (d.status === 'failed') return `failed: ${appWords(sanitizeLine(d.error ?? 'unknown error'))}`;
  return statusWord(d);
}

/** `started 14:02, 5 minutes ago` (local time of day, and the age against the app's clock). */
export function startedText(d: DownloadSnapshot, now: number): string {
  const at = Date.parse(d.startedAt);
  if (!Number.isFinite(at) || at <= 0) return '';
  const t = new Date(at);
  const hhmm = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
  return `started ${hhmm}, ${formatAge(d.startedAt, now)}`;
}

/** `2 running, 1 queued, 5 finished` */
export function countsText(all: readonly DownloadSnapshot[]): string {
  const running = all.filter((d) => d.status === 'downloading' || d.status === 'extracting').length;
  const queued = all.filter((d) => d.status === 'waiting').length;
  const finished = all.length - running - queued;
  return [`${running} running`, ...(queued ? [`${queued} queued`] : []), `${finished} finished`].join(', ');
}

/** `↓ 2 downloading 45% · 1 failed`, or '' when there is nothing to say. */
export function summary(all: readonly DownloadSnapshot[], arrow: string, separator = ' · '): string {
  const active = all.filter((d) => d.status === 'downloading' || d.status === 'extracting');
  const queued = all.filter((d) => d.status === 'waiting').length;
  const failed = all.filter((d) => d.status === 'failed').length;
  const parts: string[] = [];
  if (active.length) {
    const known = active.filter((d) => d.percent !== null);
    const pct = known.length ? Math.floor(known.reduce((a, d) => a + (d.percent ?? 0), 0) / known.length) : null;
    parts.push(`${arrow} ${active.length} downloading${pct === null ? '' : ` ${pct}%`}`);
  }
  if (queued) parts.push(`${queued} queued`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(separator);
}

/**
 * What goes on after a quit: how many downloads, and where they are seen. Engines other than the one the next
 * start uses are named (`stevedore image downloads` shows every engine's).
 */
export function goesOn(all: ReadonlyArray<Pick<DownloadSnapshot, 'status'> & { engine?: string }>, startsOn: string | undefined): { count: number; line: string; farewell: string } {
  const running = all.filter(isActive);
  const count = running.length;
  const elsewhere = [...new Set(running.map((d) => d.engine).filter((e): e is string => e !== undefined && e !== startsOn))];
  const where = elsewhere.length === 0 ? '' : ` (on engine${elsewhere.length === 1 ? '' : 's'} ${elsewhere.map((e) => `"${sanitizeLine(e)}"`).join(', ')})`;
  const them = count === 1 ? 'it' : 'them';
  return {
    count,
    line: `\`stevedore image downloads\` (or D next time) shows ${them}${where}.`,
    farewell: `${count === 1 ? '1 download goes' : `${count} downloads go`} on in the background${where}: \`stevedore image downloads\` shows ${them}.`,
  };
}
