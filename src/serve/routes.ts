// The routes of `stevedore serve`: the seed's image and registry API (/api/v1/…) and Docker Cloud's
// external repositories (/api/repo/v1/repository/…), matched here; the handlers (imageRoutes.ts,
// registryRoutes.ts) read their input, ask the same views as the CLI's `--json` and send what they answer.
// Names with slashes travel in the path as the seed writes them (`…/image/dockerhub/docker/lgsd/diamond/latest/download`).
import type { AppServices } from '../services/index';
import type { DownloadNote } from '../store/downloadNotes';
import { imageRoutes } from './imageRoutes';
import { LocalListCache } from './localCache';
import { registryRoutes } from './registryRoutes';

export interface Reply {
  status: number;
  body: unknown;
}

export interface RouteRequest {
  method: string;
  /** Path segments after the route's prefix, percent-decoded. */
  segments: string[];
  query: URLSearchParams;
  /** The body as JSON (whatever the Content-Type: the seed's curl examples send JSON as a form). */
  json(): Promise<unknown>;
}

export interface DownloadNotes {
  all(): Map<string, DownloadNote>;
  set(id: string, note: DownloadNote): void;
}

export interface RouteDeps {
  services: AppServices;
  notes: DownloadNotes;
}

export type Handler = (req: RouteRequest) => Promise<Reply>;

/** A matched route: its handler, or the methods the path allows (405) — or nothing (404). */
export type Match = { handler: Handler } | { allowed: string[] } | null;

export interface Routes {
  match(method: string, segments: string[]): Match;
  /** Stops following the engine's events. */
  close(): void;
}

export function createRoutes(deps: RouteDeps, now: () => number): Routes {
  const { services } = deps;
  const local = new LocalListCache(() => services.engine(), now);
  const { imageList, inspect, tags, download, downloadStatus, removeLocal } = imageRoutes(deps, local);
  const { registryList, registryPost, registryDelete, registryPing, repoList, repoAdd, repoShow, repoUpdate, repoRemove } = registryRoutes(services);

  // ---- matching ---------------------------------------------------------------------------------------

  const pick = (method: string, table: Partial<Record<string, Handler>>): Match => {
    const handler = table[method === 'HEAD' ? 'GET' : method];
    return handler ? { handler } : { allowed: Object.keys(table) };
  };

  const match = (method: string, all: string[]): Match => {
    const s = all[all.length - 1] === '' ? all.slice(0, -1) : all; // a trailing slash
    if (s[0] !== 'api') return null;
    if (s[1] === 'v1' && s[2] === 'image') {
      const rest = s.slice(3);
      const last = rest[rest.length - 1];
      const wrap = (h: Handler): Handler => (req) => h({ ...req, segments: rest });
      if (rest.length === 0) return pick(method, { GET: imageList });
      if (rest.length === 1 && last === 'downloadstatus') return pick(method, { GET: downloadStatus });
      if (rest.length >= 4 && last === 'inspect') return pick(method, { GET: wrap(inspect(false)) });
      if (rest.length >= 4 && last === 'remote_inspect') return pick(method, { GET: wrap(inspect(true)) });
      if (rest.length >= 5 && last === 'download') return pick(method, { POST: wrap(download) });
      if (rest.length >= 2 && last === 'tags') return pick(method, { GET: wrap(tags) });
      if (rest.length >= 3 && rest[0] === 'local') return pick(method, { DELETE: wrap(removeLocal) });
      return null;
    }
    if (s[1] === 'v1' && s[2] === 'registry') {
      const rest = s.slice(3);
      if (rest.length === 0) return pick(method, { GET: registryList, POST: registryPost });
      if (rest.length === 1 && rest[0] === 'ping') return pick(method, { GET: registryPing });
      return pick(method, { DELETE: (req) => registryDelete({ ...req, segments: rest }) });
    }
    if (s[1] === 'repo' && s[2] === 'v1') {
      // An optional namespace before `repository` (Docker Cloud's `/api/repo/v1/[namespace/]repository/`).
      const at = s[3] === 'repository' ? 3 : s[4] === 'repository' ? 4 : -1;
      if (at < 0) return null;
      const rest = s.slice(at + 1);
      if (rest.length === 0) return pick(method, { GET: repoList, POST: repoAdd });
      const on = (h: Handler): Handler => (req) => h({ ...req, segments: rest });
      return pick(method, { GET: on(repoShow), PATCH: on(repoUpdate), DELETE: on(repoRemove) });
    }
    return null;
  };
  return { match, close: () => local.close() };
}
