// serve's image routes (the seed's /api/v1/image/…): lists, inspect, tags, downloads and removal, each a thin
// adapter over the views (src/views), the same ones `--json` uses; type=lxc goes to the LXC views.
import { InvalidInput } from '../domain/errors';
import { type Category, canonicalCategory, parseCategory } from '../domain/images';
import { sanitizeLine } from '../domain/sanitize';
import { parsePlatform } from '../domain/settings';
import type { DownloadRecord } from '../services/engine/index';
import type { DownloadNote } from '../store/downloadNotes';
import { allDownloads, downloadJson } from '../views/downloads';
import { localList, localListJson } from '../views/local';
import { lxcInspect, lxcListResult, lxcPullJob } from '../views/lxc';
import { checkImageType, remoteInspect, remoteInspectJson, remoteList, remoteListJson, tagList, tagsJson } from '../views/remote';
import { removeJson } from '../views/removal';
import type { LocalListCache } from './localCache';
import type { Handler, Reply, RouteDeps, RouteRequest } from './routes';
import { DownloadBody, LxcImagePath, LxcQuery, validate } from './schemas';

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const HUB_REPOSITORIES: readonly string[] = ['dockerhub', 'qnap', 'selected', 'official'];
const isLxc = (type: string | undefined): boolean => (type ?? '').trim().toLowerCase() === 'lxc';

export function imageRoutes(deps: RouteDeps, local: LocalListCache) {
  const { services } = deps;
  const imageList: Handler = async ({ query }) => {
    // The seed's name comes back as asked (`qnap`), as Container Station answers it; the CLI says `selected`.
    const asked = (query.get('category') || 'local').trim().toLowerCase();
    const filter = query.get('filter_text') ?? '';
    if (isLxc(query.get('type') ?? '')) return lxcList(asked, query);
    const category: Category = parseCategory(asked);
    const type = checkImageType(query.get('type') ?? '');
    const registry = query.get('registry_name') || undefined;
    const onRegistry = registry ? { registry } : {};
    if (category === 'local') return ok(localListJson(await localList(services, { filter, type, ...onRegistry }, { list: (f) => local.list(f), whole: () => local.list('') })));
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
    const category = canonicalCategory(asked);
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
    if (canonicalCategory(repo) === 'selected') {
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

  return { imageList, inspect, tags, download, downloadStatus, removeLocal };
}
