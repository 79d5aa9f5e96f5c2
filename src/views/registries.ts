// Registries and saved repositories as every surface shows them: `registry list` (passwords masked) and
// serve's /api/v1/registry, `repo *` and Docker Cloud's repository objects (never a password).
import { type Registry, registryToJson } from '../domain/registry';
import { sanitizeLine } from '../domain/sanitize';
import type { SavedRepositoryView } from '../services/remote/index';
import { table } from './table';

export { registryToJson as registryJson };

/** How a registry's certificate is trusted: pinned (`yes`), by its own CA, or as the system trusts it (`no`). */
export function trustText(r: Pick<Registry, 'trustCert' | 'caCert'>): string {
  return r.trustCert ? 'yes' : r.caCert ? 'own CA' : 'no';
}

export function registryTable(list: Registry[], width?: number): string[] {
  return table(
    list,
    [
      { header: 'NAME', get: (r) => r.name },
      { header: 'URL', get: (r) => r.url, flex: true },
      { header: 'API', get: (r) => r.version },
      { header: 'TRUST CERT', get: trustText },
      { header: 'USERNAME', get: (r) => r.username || '-' },
      { header: 'PASSWORD', get: (r) => (r.password ? '********' : '-') },
    ],
    width,
  );
}

export interface RepoViewLike {
  name: string;
  registry: string | null;
  inUse: boolean;
  username?: string;
}

/** `repo list --json` entries and `repo show --json` (`username` only when the view has it; never a password). */
export function repoJson(r: RepoViewLike): { name: string; registry: string | null; in_use: boolean; username?: string } {
  return { name: r.name, registry: r.registry, in_use: r.inUse, ...(r.username !== undefined ? { username: r.username } : {}) };
}

export function repoLines(list: RepoViewLike[], width?: number): string[] {
  if (list.length === 0) return ['no saved repositories'];
  return table(
    list,
    [
      { header: 'NAME', get: (r) => r.name, flex: true },
      { header: 'REGISTRY', get: (r) => r.registry ?? '-' },
      { header: 'IN USE', get: (r) => (r.inUse ? 'yes' : 'no') },
    ],
    width,
  );
}

export function repoShowLines(r: RepoViewLike): string[] {
  return [
    `Name:     ${sanitizeLine(r.name)}`,
    `Registry: ${sanitizeLine(r.registry ?? '-')}`,
    `In use:   ${r.inUse ? 'yes' : 'no'}`,
    `Username: ${sanitizeLine(r.username || '-')}`,
  ];
}

/** A Docker Cloud repository object (the seed's example): never a password, nor the user name. */
export function cloudRepository(r: SavedRepositoryView): { name: string; in_use: boolean; registry: string; resource_uri: string } {
  const host = r.name.split('/')[0] ?? '';
  return { name: r.name, in_use: r.inUse, registry: `/api/repo/v1/registry/${host}/`, resource_uri: `/api/repo/v1/repository/${r.name}/` };
}

/** Docker Cloud's list envelope (`meta` + `objects`), all on one page. */
export function cloudList<T>(objects: T[]): { meta: { limit: number; next: null; offset: number; previous: null; total_count: number }; objects: T[] } {
  return { meta: { limit: objects.length, next: null, offset: 0, previous: null, total_count: objects.length }, objects };
}
