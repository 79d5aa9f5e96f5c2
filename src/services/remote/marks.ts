// `installed` and `downloading` marks of remote results (DESIGN.md "Depots"): asked of the engine side in
// parallel with the remote request; when the engine cannot be reached the results still come, with
// `installed: null` and a warning.
import { isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { DownloadingIndex, InstalledIndex } from '../ports';

export interface Marks {
  /** Some tag of the repository is on the engine; null when the engine cannot be reached. */
  installed(fullName: string): boolean | null;
  /** Tags of the repository on the engine (empty when unknown). */
  installedTags(fullName: string): string[];
  /** A download of the repository waits or runs; null when the download worker does not answer. */
  downloading(fullName: string): boolean | null;
  warnings: string[];
}

export const ENGINE_UNREACHABLE = 'cannot reach the engine: "installed" marks are unknown';

export async function loadMarks(installed: InstalledIndex, downloading: DownloadingIndex): Promise<Marks> {
  const warnings: string[] = [];
  const [local, running] = await Promise.all([
    installed().catch(() => null),
    downloading().catch((error: unknown) => {
      const why = isAppError(error) ? error.describe() : sanitizeLine(error instanceof Error ? error.message : String(error));
      warnings.push(`cannot read the running downloads: ${why}; "downloading" marks are unknown`);
      return null;
    }),
  ]);
  if (local === null) warnings.unshift(ENGINE_UNREACHABLE);
  const key = (name: string) => name.toLowerCase();
  const lowered = new Map<string, Set<string>>();
  if (local) for (const [name, tags] of local) lowered.set(key(name), tags);
  const downloads = running === null ? null : new Set([...running].map(key));
  return {
    installed: (fullName) => (local === null ? null : (lowered.get(key(fullName))?.size ?? 0) > 0),
    installedTags: (fullName) => [...(lowered.get(key(fullName)) ?? [])].filter((t) => t !== '<none>').sort(),
    downloading: (fullName) => (downloads === null ? null : downloads.has(key(fullName))),
    warnings,
  };
}
