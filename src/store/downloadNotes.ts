// What a client said about a download it queued through `stevedore serve` (the seed's description,
// location and icon), kept beside the download worker's history in `serve-downloads.json` (0600),
// keyed by the download's id. Only the newest entries are kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { checkSettingsFile, ensureSettingsDir, writeFileAtomic } from './safeFile';

export interface DownloadNote {
  description: string;
  location: string;
  icon: string;
}

const FILE = 'serve-downloads.json';
const text = v.fallback(v.string(), '');
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
/** The file: notes by download id; an entry that is not an object is skipped, a field of the wrong type reads as empty. */
const NotesFile = v.pipe(
  v.custom<Record<string, unknown>>(isRecord),
  v.record(v.string(), v.fallback(v.nullable(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object({ description: text, location: text, icon: text }))), null)),
);
const MAX_ENTRIES = 500;

export class DownloadNotesStore {
  private readonly path: string;
  private cache: Map<string, DownloadNote> | null = null;

  constructor(private readonly dir: string) {
    this.path = join(dir, FILE);
  }

  all(): Map<string, DownloadNote> {
    if (this.cache) return this.cache;
    const map = new Map<string, DownloadNote>();
    try {
      checkSettingsFile(this.path);
      const raw: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      const notes = v.safeParse(NotesFile, raw);
      if (notes.success) for (const [id, note] of Object.entries(notes.output)) if (note) map.set(id, note);
    } catch {
      // none yet, or unreadable: start empty (the notes are a convenience, the downloads are not lost)
    }
    this.cache = map;
    return map;
  }

  set(id: string, note: DownloadNote): void {
    const map = this.all();
    map.delete(id);
    map.set(id, note);
    while (map.size > MAX_ENTRIES) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    ensureSettingsDir(this.dir);
    writeFileAtomic(this.path, `${JSON.stringify(Object.fromEntries(map))}\n`);
  }
}

