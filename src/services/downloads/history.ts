// The downloads history of one worker (complete / failed / cancelled, and what was running), kept in
// downloads-<engine key>.json in the settings directory (mode 0600), written atomically. A download
// that was waiting or running when its worker died reads back as failed with error "interrupted".
// A file that cannot be used is not overwritten: like the settings files, it is moved aside (kept as
// `<file>.corrupt-<stamp>-<random>`) with one warning, and the history starts again from what could be read.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { isActive, parseRecord, type DownloadRecord } from './protocol';
import { writeFileAtomic } from '../../store/safeFile';

/** Finished downloads kept (the newest). */
export const HISTORY_LIMIT = 100;

export type Warn = (message: string) => void;

/**
 * The records in the history file (none when there is no file). Records are validated and their text
 * cleaned of terminal controls (names, errors and details are shown to people). A file that is not
 * JSON, not in the expected shape, or has malformed entries is moved aside and reported through `warn`;
 * the valid entries of a partly broken file are written back.
 */
export function readHistory(path: string, warn: Warn = () => undefined): DownloadRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    moveAside(path, `could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'started a new one', warn);
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    moveAside(path, 'is not valid JSON', 'started a new one', warn);
    return [];
  }
  const list = raw && typeof raw === 'object' && Array.isArray((raw as { downloads?: unknown }).downloads) ? (raw as { downloads: unknown[] }).downloads : null;
  if (!list) {
    moveAside(path, 'is not in the expected shape', 'started a new one', warn);
    return [];
  }
  const records = list.map(parseRecord).filter((r): r is DownloadRecord => r !== null);
  const dropped = list.length - records.length;
  if (dropped > 0 && moveAside(path, `has ${dropped} malformed entr${dropped === 1 ? 'y' : 'ies'}`, 'kept the valid ones', warn)) {
    try {
      writeHistory(path, records);
    } catch {
      // the worker writes it on its next change
    }
  }
  return records;
}

/** The error of a download whose worker died (or was taken over) while it was waiting or running. */
export const INTERRUPTED = 'interrupted';

/** What a dead worker left: anything still active is failed, "interrupted". */
export function interrupted(records: DownloadRecord[], now = new Date()): DownloadRecord[] {
  return records.map((r) =>
    isActive(r.status) ? { ...r, status: 'failed', error: INTERRUPTED, errorCode: null, speed: null, eta: null, finishedAt: now.toISOString() } : r,
  );
}

/**
 * `records` with finished outcomes put in by id, where they may go (see `mayAdopt`); returns the ids put in.
 * Used by a worker for outcomes handed over to it, and by a taken-over worker that finds no successor to hand
 * them to (then it writes them into the history file itself).
 */
export function adoptInto(records: DownloadRecord[], outcomes: DownloadRecord[]): string[] {
  const taken: string[] = [];
  for (const outcome of outcomes) {
    if (isActive(outcome.status)) continue;
    const at = records.findIndex((r) => r.id === outcome.id);
    if (at >= 0 && !mayAdopt(records[at] as DownloadRecord)) continue;
    if (at >= 0) records[at] = { ...outcome, layers: [] };
    else records.push({ ...outcome, layers: [] });
    taken.push(outcome.id);
  }
  return taken;
}

/** Only an "interrupted" placeholder is replaced by a late outcome (not a retry under way, not a real failure). */
export function mayAdopt(record: DownloadRecord): boolean {
  return record.status === 'failed' && record.error === INTERRUPTED;
}

export function writeHistory(path: string, records: DownloadRecord[]): void {
  const kept = new Set(records.filter((r) => !isActive(r.status)).slice(-HISTORY_LIMIT));
  // Finished entries do not need their layers.
  const downloads = records.filter((r) => isActive(r.status) || kept.has(r)).map((r) => (isActive(r.status) ? r : { ...r, layers: [] }));
  writeFileAtomic(path, `${JSON.stringify({ version: 1, downloads })}\n`);
}

/** Files that could not be moved aside, warned about once per process (the client re-reads every second). */
const stuck = new Set<string>();

/**
 * Moves a history file that cannot be used out of the way, under a name no other recovery takes (the
 * second and a random suffix), and warns once. False when it was gone already (another process moved it).
 */
function moveAside(path: string, why: string, outcome: string, warn: Warn): boolean {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const aside = `${path}.corrupt-${stamp}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (!stuck.has(path)) warn(`the downloads history ${path} ${why} and could not be moved aside (${code ?? String(error)})`);
    stuck.add(path);
    return false;
  }
  stuck.delete(path);
  warn(`the downloads history ${path} ${why}; kept it as ${aside} and ${outcome}`);
  return true;
}
