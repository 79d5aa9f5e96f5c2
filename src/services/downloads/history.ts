// The downloads history of one worker (complete / failed / cancelled, and what was running), kept in
// downloads-<engine key>.json in the settings directory (mode 0600), written atomically. A download
// that was waiting or running when its worker died reads back as failed with error "interrupted".
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isActive, parseRecord, type DownloadRecord } from './protocol';

/** Finished downloads kept (the newest). */
export const HISTORY_LIMIT = 100;

export function readHistory(path: string): DownloadRecord[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  const list = raw && typeof raw === 'object' && Array.isArray((raw as { downloads?: unknown }).downloads) ? (raw as { downloads: unknown[] }).downloads : [];
  return list.map(parseRecord).filter((r): r is DownloadRecord => r !== null);
}

/** What a dead worker left: anything still active is failed, "interrupted". */
export function interrupted(records: DownloadRecord[], now = new Date()): DownloadRecord[] {
  return records.map((r) =>
    isActive(r.status) ? { ...r, status: 'failed', error: 'interrupted', errorCode: null, speed: null, eta: null, finishedAt: now.toISOString() } : r,
  );
}

export function writeHistory(path: string, records: DownloadRecord[]): void {
  const kept = new Set(records.filter((r) => !isActive(r.status)).slice(-HISTORY_LIMIT));
  // Finished entries do not need their layers.
  const downloads = records.filter((r) => isActive(r.status) || kept.has(r)).map((r) => (isActive(r.status) ? r : { ...r, layers: [] }));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, downloads })}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
