// serve's registry routes (the seed's /api/v1/registry…) and Docker Cloud's external repositories
// (/api/repo/v1/[namespace/]repository/…): bodies validated by schema, answers shaped by the views.
import { InvalidInput, NotFound } from '../domain/errors';
import { MASK } from '../domain/registry';
import type { AppServices } from '../services/index';
import { readCaFile } from '../services/registryCa';
import { cloudList, cloudRepository, registryJson } from '../views/registries';
import type { Handler, Reply } from './routes';
import { RegistryAddBody, RegistryEditBody, RegistryMethod, RepositoryAddBody, RepositoryUpdateBody, validate } from './schemas';

const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** `ca_file` read and checked as the CLI's `--ca-file` is (named as the body names it); with enable_trust_cert, a 400. */
function caOf(file: string, trustCert: boolean | undefined): string {
  if (trustCert === true) throw new InvalidInput('enable_trust_cert and ca_file go one or the other', { hint: 'a CA verifies the certificate; enable_trust_cert pins it without one' });
  return readCaFile(file, 'ca_file');
}

export function registryRoutes(services: AppServices) {
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
        ...(b.ca_file !== undefined ? { caCert: caOf(b.ca_file, b.enable_trust_cert) } : {}),
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
      ...(b.ca_file !== undefined ? { caCert: b.ca_file === null ? null : caOf(b.ca_file, b.enable_trust_cert) } : {}),
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

  return { registryList, registryPost, registryDelete, registryPing, repoList, repoAdd, repoShow, repoUpdate, repoRemove };
}

function credentials(b: { username?: string | undefined; password?: string | undefined }): { username?: string; password?: string } {
  return { ...(b.username !== undefined ? { username: b.username } : {}), ...(b.password !== undefined ? { password: b.password } : {}) };
}

function repoName(segments: string[]): string {
  const name = segments.join('/');
  if (!name) throw new NotFound('Repository not found: (no name)');
  return name;
}
