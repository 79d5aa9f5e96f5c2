// LXC images through LXD (DESIGN.md "LXC"): local images from LXD's socket, remote ones from simplestreams
// servers (the built-in `images` server and those added with `lxd-server add`), the pull job the download
// worker runs, inspect and remove. Architecture is the host's unless asked otherwise, as Docker platforms are.
// The built-in `images` server follows the daemon on the socket (issue 22): LXD → images.lxd.canonical.com,
// Incus → images.linuxcontainers.org (defaultLxdServer).
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../domain/errors';
import {
  DEFAULT_LXD_SERVER,
  defaultLxdServer,
  type LxcDialect,
  type LxcImage,
  type LxcProduct,
  type LxcPullJob,
  type LxcVersion,
  type LxdServer,
  checkServerName,
  checkServerUrl,
  hostLxdArchitecture,
  latestVersion,
  looksLikeFingerprint,
  lxcImageName,
  parseLxcJobRef,
  productImage,
} from '../../domain/lxc';
import type { LxcCatalogMarks } from '../ports';
import { isActiveStatus } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';
import type { Settings } from '../../domain/settings';
import { LxdClient } from '../../clients/lxd/client';
import type { Transport } from '../../clients/registry/transport';

export interface LxdServerStoreLike {
  read(): Array<{ name: string; url: string }>;
  update(change: (current: Array<{ name: string; url: string }>) => Array<{ name: string; url: string }>): unknown;
}

export interface LxcDeps {
  env: NodeJS.ProcessEnv;
  settings: () => Settings | Promise<Settings>;
  servers: () => LxdServerStoreLike | Promise<LxdServerStoreLike>;
  /** Node's process.arch (tests pass another). */
  nodeArch?: string;
}

export interface RemoteListing {
  server: LxdServer;
  /** Products offered for the architecture asked for (all when `architecture` is 'all'). */
  products: LxcProduct[];
  architecture: string;
}

export interface RemoteLxcInspect {
  server: LxdServer;
  product: LxcProduct;
  version: LxcVersion;
}

export interface LxcRemoveResult {
  name: string;
  untagged: string[];
  deleted: string[];
}

export interface LxcServices {
  servers: {
    list(): Promise<LxdServer[]>;
    get(name?: string): Promise<LxdServer>;
    add(name: string, url: string): Promise<LxdServer>;
    remove(name: string): Promise<LxdServer>;
  };
  /** LXD or Incus on the socket; null when none answers. */
  dialect(): Promise<LxcDialect | null>;
  /** The architecture remote lists default to: LXD's own (first of its list), else this host's. */
  hostArchitecture(): Promise<string>;
  listLocal(options?: { filter?: string; signal?: AbortSignal }): Promise<LxcImage[]>;
  /** Fingerprints on the local LXD; null when LXD cannot be reached. */
  installed(): Promise<Set<string> | null>;
  listRemote(options?: { server?: string; filter?: string; architecture?: string; signal?: AbortSignal }): Promise<RemoteListing>;
  /** LXD's own JSON for a local image (by alias or fingerprint). */
  inspectLocal(ref: string): Promise<Record<string, unknown>>;
  inspectRemote(ref: string, options?: { server?: string; architecture?: string; serial?: string }): Promise<RemoteLxcInspect>;
  /** The job a pull of `ref` (alias or fingerprint) from a server is; 404 when the server has no such image. */
  resolvePull(ref: string, options?: { server?: string; architecture?: string; serial?: string }): Promise<LxcPullJob>;
  remove(ref: string): Promise<LxcRemoveResult>;
  /** The LXD socket in use (or the error when none). */
  client(): LxdClient;
}

export function createLxcServices(deps: LxcDeps): LxcServices {
  let lxd: LxdClient | undefined;
  const client = (): LxdClient => (lxd ??= new LxdClient({ env: deps.env }));
  let transport: Transport | undefined;
  let transportTimeout = 0;
  const http = async (): Promise<Transport> => {
    const seconds = (await deps.settings())['http.timeout'];
    if (!transport || transportTimeout !== seconds) {
      // undici loads only when a simplestreams server is asked (local listings need only LXD's socket).
      const { Transport } = await import('../../clients/registry/transport');
      transport = new Transport({ env: deps.env, timeoutMs: seconds * 1000, userAgent: 'stevedore' });
      transportTimeout = seconds;
    }
    return transport;
  };
  const productsCache = new Map<string, Promise<LxcProduct[]>>();
  const products = async (server: LxdServer, signal?: AbortSignal): Promise<LxcProduct[]> => {
    const t = await http();
    let p = productsCache.get(server.url);
    if (!p) {
      p = import('../../clients/lxd/simplestreams').then(({ SimpleStreamsClient }) => new SimpleStreamsClient(() => t).products(server.url, signal));
      productsCache.set(server.url, p);
      p.catch(() => productsCache.delete(server.url));
    }
    return p;
  };

  let dialectAnswer: Promise<LxcDialect | null> | undefined;
  const dialect = (): Promise<LxcDialect | null> =>
    (dialectAnswer ??= (async () => {
      try {
        return await client().dialect();
      } catch {
        return null;
      }
    })());
  const allServers = async (): Promise<LxdServer[]> => {
    const stored = (await deps.servers()).read();
    const builtin = defaultLxdServer(await dialect());
    return [builtin, ...stored.filter((s) => s.name !== DEFAULT_LXD_SERVER.name).map((s) => ({ name: s.name, url: s.url, builtin: false }))];
  };
  const getServer = async (name?: string): Promise<LxdServer> => {
    const all = await allServers();
    if (name === undefined) return all[0] ?? DEFAULT_LXD_SERVER;
    const found = all.find((s) => s.name === name);
    if (!found) throw new NotFound(`LXD image server not found: ${sanitizeLine(name)}`, { hint: 'see `stevedore lxd-server list`' });
    return found;
  };

  let hostArch: Promise<string> | undefined;
  const hostArchitecture = (): Promise<string> =>
    (hostArch ??= client()
      .server()
      .then((info) => info.architectures[0] ?? hostLxdArchitecture(deps.nodeArch ?? process.arch))
      .catch(() => hostLxdArchitecture(deps.nodeArch ?? process.arch)));

  const findProduct = async (ref: string, options: { server?: string; architecture?: string; serial?: string }): Promise<RemoteLxcInspect> => {
    const server = await getServer(options.server);
    const arch = options.architecture ?? (await hostArchitecture());
    const all = await products(server);
    const text = ref.trim();
    let match: { product: LxcProduct; version: LxcVersion } | undefined;
    for (const product of all) {
      if (product.architecture !== arch) continue;
      if (product.aliases.includes(text) || product.id === text) {
        const version = options.serial ? product.versions.find((v) => v.serial === options.serial) : latestVersion(product);
        if (version) match = { product, version };
        break;
      }
    }
    if (!match && looksLikeFingerprint(text)) {
      for (const product of all) {
        const version = product.versions.find((v) => v.fingerprint.startsWith(text));
        if (version) {
          match = { product, version };
          break;
        }
      }
    }
    if (!match) {
      const otherArch = all.some((p) => p.aliases.includes(text) && p.architecture !== arch);
      throw new NotFound(`Image not found: ${sanitizeLine(text)}`, {
        hint: otherArch ? `${server.name} has it for other architectures than ${arch} (try --platform)` : `see \`stevedore image list --type lxc --category remote --server ${server.name}\``,
      });
    }
    return { server, ...match };
  };

  /** A local alias or (short) fingerprint → the full fingerprint. */
  const localFingerprint = async (ref: string): Promise<string> => {
    const text = ref.trim();
    if (text === '') throw new InvalidInput('an image alias or fingerprint is needed');
    const c = client();
    const target = await c.aliasTarget(text);
    if (target) return target;
    if (/^[0-9a-f]+$/.test(text)) {
      try {
        return (await c.image(text)).image.fingerprint;
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
    throw new NotFound(`Image not found: ${sanitizeLine(text)}`);
  };

  const matches = (image: LxcImage, filter: string | undefined): boolean => {
    if (!filter) return true;
    const f = filter.toLowerCase();
    return [lxcImageName(image), ...image.aliases, image.os, image.release, image.description, image.fingerprint].some((t) => t.toLowerCase().includes(f));
  };

  return {
    servers: {
      list: allServers,
      get: getServer,
      async add(name, url) {
        checkServerName(name);
        const clean = checkServerUrl(url);
        if (name === DEFAULT_LXD_SERVER.name) throw new Forbidden(`"${DEFAULT_LXD_SERVER.name}" is built in and cannot be replaced`);
        const store = await deps.servers();
        let conflict = false;
        store.update((current) => {
          if (current.some((s) => s.name === name)) {
            conflict = true;
            return current;
          }
          return [...current, { name, url: clean }];
        });
        if (conflict) throw new Conflict(`an LXD image server named ${name} exists already`);
        return { name, url: clean, builtin: false };
      },
      async remove(name) {
        if (name === DEFAULT_LXD_SERVER.name) throw new Forbidden(`"${DEFAULT_LXD_SERVER.name}" is built in and cannot be removed`);
        const server = await getServer(name);
        (await deps.servers()).update((current) => current.filter((s) => s.name !== name));
        return server;
      },
    },
    dialect,
    hostArchitecture,
    async listLocal(options = {}) {
      const images = await client().listImages(options.signal);
      return images.filter((i) => matches(i, options.filter)).sort((a, b) => lxcImageName(a).localeCompare(lxcImageName(b)));
    },
    async installed() {
      try {
        return new Set((await client().listImages()).map((i) => i.fingerprint));
      } catch {
        return null;
      }
    },
    async listRemote(options = {}) {
      const server = await getServer(options.server);
      const architecture = options.architecture ?? (await hostArchitecture());
      const all = await products(server, options.signal);
      const list = all.filter((p) => (architecture === 'all' || p.architecture === architecture) && matches(productImage(p), options.filter));
      return { server, products: list, architecture };
    },
    async inspectLocal(ref) {
      return (await client().image(await localFingerprint(ref))).raw;
    },
    inspectRemote: (ref, options = {}) => findProduct(ref, options),
    async resolvePull(ref, options = {}) {
      const { server, product, version } = await findProduct(ref, options);
      return {
        server: server.url,
        serverName: server.name,
        fingerprint: version.fingerprint,
        aliases: product.aliases,
        architecture: product.architecture,
        size: version.size > 0 ? version.size : null,
      };
    },
    async remove(ref) {
      const fingerprint = await localFingerprint(ref);
      const c = client();
      const { image } = await c.image(fingerprint);
      await c.deleteImage(fingerprint);
      return { name: ref.trim(), untagged: image.aliases, deleted: [fingerprint] };
    },
    client,
  };
}

/**
 * Marks of the selected catalog's LXC entries (src/services/ports.ts): LXD's aliases and the running LXC
 * downloads. Rejects (with LXD's 501/403) when LXD cannot be reached; the depot turns that into `unavailable`.
 */
export async function loadLxcCatalogMarks(lxc: LxcServices, downloads: () => Promise<Array<{ ref: string; status: string }>>): Promise<LxcCatalogMarks> {
  lxc.client().socket(); // 501 naming the paths looked at
  const [images, servers, records] = await Promise.all([lxc.listLocal(), lxc.servers.list(), downloads().catch(() => null)]);
  const aliases = new Set(images.flatMap((i) => i.aliases));
  const urls = new Map(servers.map((s) => [s.name, s.url]));
  const active = (records ?? [])
    .filter((r) => isActiveStatus(r.status))
    .map((r) => parseLxcJobRef(r.ref))
    .filter((j): j is LxcPullJob => j !== null);
  return {
    unavailable: null,
    serverUrl: (name) => urls.get(name),
    installed: (alias) => aliases.has(alias),
    downloading: (server, alias) => (records === null ? null : active.some((j) => j.serverName === server && j.aliases.includes(alias))),
  };
}
