// The routes of `stevedore serve`: the seed's image and registry API (/api/v1/…) and Docker Cloud's
// external repositories (/api/repo/v1/repository/…). Each route reads its input, calls the same
// services as the CLI and shapes the answer with the same presenters as `--json`: no logic of its own.
// Names with slashes travel in the path as the seed writes them (`…/image/dockerhub/docker/lgsd/diamond/latest/download`).
import { InvalidInput, NotFound } from '../domain/errors';
import { type Category, parseCategory } from '../domain/images';
import { MASK } from '../domain/registry';
import { sanitizeLine } from '../domain/sanitize';
import { parsePlatform } from '../domain/settings';
import type { AppServices } from '../services/index';
import type { DownloadNote } from '../store/downloadNotes';
import type { DownloadRecord } from '../services/engine/index';
import { allDownloads, downloadJson } from '../views/downloads';
import { localList, localListJson } from '../views/local';
import { lxcInspect, lxcListResult, lxcPullJob } from '../views/lxc';
import { cloudList, cloudRepository, registryJson } from '../views/registries';
import { checkImageType, remoteInspect, remoteInspectJson, remoteList, remoteListJson, tagList, tagsJson } from '../views/remote';
import { removeJson } from '../views/removal';
import { LocalListCache } from './localCache';
import { DownloadBody, LxcImagePath, LxcQuery, RegistryAddBody, RegistryEditBody, RegistryMethod, RepositoryAddBody, RepositoryUpdateBody, validate } from './schemas';

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

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const HUB_REPOSITORIES: readonly string[] = ['dockerhub', 'qnap', 'selected', 'official'];
const isLxc = (type: string | undefined): boolean => (type ?? '').trim().toLowerCase() === 'lxc';

export interface Routes {
  match(method: string, segments: string[]): Match;
  /** Stops following the engine's events. */
  close(): void;
}

export function createRoutes(deps: RouteDeps, now: () => number): Routes {
  const { services } = deps;
  const local = new LocalListCache(() => services.engine(), now);

  // ---- /api/v1/image/… -------------------------------------------------------------------------------

  const imageList: Handler = async ({ query }) => {
    // The seed's name comes back as asked (`qnap`), as Container Station answers it; the CLI says `selected`.
    const asked = (query.get('category') || 'local').trim().toLowerCase();
    const filter = query.get('filter_text') ?? '';
    if (isLxc(query.get('type') ?? '')) return lxcList(asked, query);
    const category: Category = parseCategory(asked);
    const type = checkImageType(query.get('type') ?? '');
    const registry = query.get('registry_name') || undefined;
    const onRegistry = registry ? { registry } : {};
    if (category === 'local') return ok(localListJson(await localList(services, { filter, type, ...onRegistry }, { list: (f) => local.list(f) })));
    return ok({ ...remoteListJson(await remoteList(services, { category, filter, type, ...onRegistry })), category: asked });
  };

  // ---- type=lxc (issue 14b): the LXC services of `--type lxc`, answers shaped by the same presenters ------

  const lxcQuery = (query: URLSearchParams) => {
    const q = validate(LxcQuery, Object.fromEntries(query));
    const server = q.server ?? q.registry_name ?? q.registry;
    return { server, platform: q.platform, filter: q.filter_text ?? '' };
  };
  const serialOf = (tag: string) => (tag === 'latest' ? {} : { serial: tag });

  /** `GET /api/v1/image/?type=lxc&category=local|remote|selected|qnap[&server=NAME]`: as `image list --type lxc --json`. */
  const lxcList = async (asked: string, query: URLSearchParams): Promise<Reply> => {
    const q = lxcQuery(query);
    const category = asked === 'qnap' ? 'selected' : asked;
    if (category === 'selected') return ok({ ...remoteListJson(await remoteList(services, { category: 'selected', filter: q.filter, type: 'lxc' })), category: asked });
    if (category !== 'local' && category !== 'remote') throw new InvalidInput(`type=lxc lists the local, remote or selected category (got "${sanitizeLine(category)}")`);
    const platform = q.platform?.toLowerCase() === 'all' ? 'all' : q.platform;
    const result = await lxcListResult(await services.lxc(), async () => (await services.engine()).downloads.list(), {
      category,
      filter: q.filter,
      ...(q.server !== undefined ? { server: q.server } : {}),
      ...(platform !== undefined ? { platform } : {}),
    });
    return ok({ ...result.json, warnings: result.warnings });
  };

  /** `GET …/image/lxc/{name…}/{tag}/inspect` (LXD's JSON) and `/remote_inspect` (`?server=`, `?platform=`). */
  const lxcInspectRoute = async (remote: boolean, name: string, tag: string, query: URLSearchParams): Promise<unknown> => {
    const p = validate(LxcImagePath, { name, tag });
    const q = lxcQuery(query);
    const options = { ...(q.server !== undefined ? { server: q.server } : {}), ...serialOf(p.tag), ...(q.platform !== undefined ? { platform: q.platform } : {}) };
    return lxcInspect(await services.lxc(), p.name, { remote, ...options });
  };

  /** The server of a download: `?server=`, else the path's repository (hub names and `selected`: the catalog entry's, else `images`). */
  const lxcDownloadServer = async (repository: string, name: string, asked: string | undefined): Promise<string | undefined> => {
    if (asked !== undefined) return asked;
    const repo = repository.toLowerCase();
    if (repo === 'selected' || repo === 'qnap') {
      const selected = await (await services.remote()).depots.list({ category: 'selected', type: 'lxc' });
      return selected.results.find((r) => r.name === name)?.server;
    }
    return HUB_REPOSITORIES.includes(repo) ? undefined : repository;
  };

  /** A queued download as serve answers it (the seed answers `{}`; the id lets a client cancel it). */
  const queued = async (started: DownloadRecord, body: DownloadNote): Promise<Reply> => {
    deps.notes.set(started.id, { description: body.description, location: body.location, icon: body.icon });
    return ok(downloadJson({ ...started, engine: (await services.engine()).name() }));
  };

  /** `POST …/image/{repository}/lxc/{name…}/{tag}/download`: through the download worker, as `image pull --type lxc`. */
  const lxcDownload = async (repository: string, name: string, tag: string, req: RouteRequest): Promise<Reply> => {
    const p = validate(LxcImagePath, { name, tag });
    const q = lxcQuery(req.query);
    const body = validate(DownloadBody, (await req.json()) ?? {});
    const lxc = await services.lxc();
    await lxc.client().server(); // 501 (no LXD) or 403 before anything is queued
    const server = await lxcDownloadServer(repository, p.name, q.server);
    const job = await lxcPullJob(lxc, p.name, { ...(server !== undefined ? { server } : {}), ...serialOf(p.tag), ...(q.platform !== undefined ? { platform: q.platform } : {}) });
    return queued(await (await services.engine()).downloads.startLxc(job), body);
  };

  const inspect =
    (remote: boolean): Handler =>
    async ({ segments, query }) => {
      // {type}/{name…}/{tag}/inspect   (remote_inspect also takes ?registry=NAME and ?platform=OS/ARCH[/VARIANT], as the CLI)
      const [type, ...rest] = segments.slice(0, -1);
      if (isLxc(type)) {
        const lxcTag = rest.pop() ?? '';
        return ok(await lxcInspectRoute(remote, rest.join('/'), lxcTag, query));
      }
      checkImageType(type);
      const tag = rest.pop() ?? '';
      const ref = `${rest.join('/')}:${tag}`;
      if (remote) {
        const registry = query.get('registry') || undefined;
        const platform = query.get('platform') || undefined;
        const options = { ...(registry ? { registry } : {}), ...(platform ? { platform: parsePlatform(platform) } : {}) };
        return ok(remoteInspectJson(await remoteInspect(services, ref, options)));
      }
      return ok(await (await services.engine()).images.inspect(ref));
    };

  const tags: Handler = async ({ segments, query }) => {
    let parts = segments.slice(0, -1);
    // The older form the rendered seed also shows: `…/image/dockerhub/docker/{is_official}/{name}/tags`.
    const [repo = '', type = '', official = ''] = parts;
    if (parts.length >= 4 && HUB_REPOSITORIES.includes(repo.toLowerCase()) && (type === 'docker' || type === 'lxc') && /^[01]$/.test(official)) {
      checkImageType(type);
      parts = parts.slice(3);
    }
    const name = parts.join('/');
    const registry = query.get('registry') || undefined;
    return ok(tagsJson(await tagList(services, name, registry ? { registry } : {})));
  };

  const download: Handler = async (req) => {
    // {repository}/{type}/{name…}/{tag}/download
    const [repository = '', type, ...rest] = req.segments.slice(0, -1);
    const tag = rest.pop() ?? '';
    const name = rest.join('/');
    if (isLxc(type)) return lxcDownload(repository, name, tag, req);
    checkImageType(type);
    const body = validate(DownloadBody, (await req.json()) ?? {});
    const registry = HUB_REPOSITORIES.includes(repository.toLowerCase()) ? undefined : repository;
    if (registry !== undefined) (await services.registries()).get(registry); // 404 for an unknown registry, before anything is queued
    return queued(await (await services.engine()).downloads.start(`${name}:${tag}`, registry !== undefined ? { registry } : {}), body);
  };

  /** Every engine's downloads, as `image downloads --json`, with the seed's notes of those queued here. */
  const downloadStatus: Handler = async () => {
    const notes = deps.notes.all();
    return ok((await allDownloads(services)).rows.map((r) => ({ ...downloadJson(r), ...(notes.get(r.id) ?? {}) })));
  };

  const removeLocal: Handler = async ({ segments, query }) => {
    // local/{type}/{name…}[:tag]   (or ?tag=)
    const [, type, ...rest] = segments;
    if (isLxc(type)) {
      // An alias or a fingerprint, as `image rm --type lxc`.
      const p = validate(LxcImagePath, { name: rest.join('/'), tag: 'latest' });
      return ok(removeJson(await (await services.lxc()).remove(p.name)));
    }
    checkImageType(type);
    const tag = query.get('tag');
    const name = rest.join('/') + (tag ? `:${tag}` : '');
    const force = ['1', 'true', 'yes'].includes((query.get('force') ?? '').toLowerCase());
    return ok(removeJson(await (await services.engine()).images.remove(name, { force }).finally(() => local.invalidate())));
  };

  // ---- /api/v1/registry… ------------------------------------------------------------------------------

  const registryList: Handler = async () => ok((await services.registries()).list().map(registryJson));

  const registryPost: Handler = async (req) => {
    const body = await req.json();
    const { method } = validate(RegistryMethod, body);
    const service = await services.registries();
    if (method === 'add') {
      const b = validate(RegistryAddBody, body);
      const added = await service.add({
        name: b.name,
        url: b.url,
        version: b.version,
        trustCert: b.enable_trust_cert,
        ...(b.username !== undefined ? { username: b.username } : {}),
        ...(b.password !== undefined && b.password !== MASK ? { password: b.password } : {}),
      });
      return ok(registryJson(added));
    }
    const b = validate(RegistryEditBody, body);
    const edited = await service.edit(b.oldname, {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.url !== undefined ? { url: b.url } : {}),
      ...(b.version !== undefined ? { version: b.version } : {}),
      ...(b.enable_trust_cert !== undefined ? { trustCert: b.enable_trust_cert } : {}),
      ...(b.username !== undefined ? { username: b.username } : {}),
      // A client that sends back the masked password it was shown keeps the saved one.
      ...(b.password !== undefined && b.password !== MASK ? { password: b.password } : {}),
    });
    return ok(registryJson(edited));
  };

  const registryDelete: Handler = async ({ segments }) => ok(registryJson((await services.registries()).remove(segments.join('/'))));

  const registryPing: Handler = async ({ query }) => {
    const url = query.get('url');
    if (!url) throw new InvalidInput('query parameter "url" is required');
    const tls = ['1', 'true', 'yes', 'on'].includes((query.get('tls') ?? '').toLowerCase());
    return ok({ version: await (await services.registries()).ping(url, tls) });
  };

  // ---- Docker Cloud: /api/repo/v1/[namespace/]repository/… -------------------------------------------

  const repoList: Handler = async ({ query }) => {
    const name = query.get('name') || undefined;
    const registryParam = query.get('registry') || undefined;
    let registry: string | undefined;
    if (registryParam) {
      // Docker Cloud filters by the registry's resource URI (`/api/repo/v1/registry/HOST/`); a registry name works too.
      const uri = /^\/api\/repo\/v1\/(?:[^/]+\/)?registry\/([^/]+)\/?$/.exec(registryParam);
      if (uri?.[1]) {
        const found = (await services.registries()).byHost(decodeURIComponent(uri[1]));
        if (!found) return ok(cloudList([]));
        registry = found.name;
      } else registry = registryParam;
    }
    const list = await (await services.remote()).repositories.list({ ...(name ? { name } : {}), ...(registry ? { registry } : {}) });
    return ok(cloudList(list.map(cloudRepository)));
  };

  const repoAdd: Handler = async (req) => {
    const b = validate(RepositoryAddBody, await req.json());
    const added = await (await services.remote()).repositories.add(b.name, credentials(b));
    return ok(cloudRepository(added), 201);
  };

  const repoShow: Handler = async ({ segments }) => ok(cloudRepository(await (await services.remote()).repositories.show(repoName(segments))));

  const repoUpdate: Handler = async (req) => {
    const b = validate(RepositoryUpdateBody, await req.json());
    return ok(cloudRepository(await (await services.remote()).repositories.update(repoName(req.segments), credentials(b))));
  };

  const repoRemove: Handler = async ({ segments }) => ok(cloudRepository(await (await services.remote()).repositories.remove(repoName(segments))));

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

function credentials(b: { username?: string | undefined; password?: string | undefined }): { username?: string; password?: string } {
  return { ...(b.username !== undefined ? { username: b.username } : {}), ...(b.password !== undefined ? { password: b.password } : {}) };
}

function repoName(segments: string[]): string {
  const name = segments.join('/');
  if (!name) throw new NotFound('Repository not found: (no name)');
  return name;
}
