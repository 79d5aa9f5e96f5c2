// LXC images in the words of the image model (issue 14), so every surface shows them with the Docker ones:
// LXC images held by LXD are local repositories of type `lxc` (id `lxc:FINGERPRINT`); each simplestreams
// server is a depot whose `registry` is `lxd:NAME`, its versions (serials) are tags with their architectures,
// and a pull goes through the same download worker (and Downloads screen) as Docker pulls.
import { InvalidInput, describeError } from '../../domain/errors';
import { type LocalRepository, type RemoteImage, type RemoteInspect, type TagDetail, type TagList, isActiveStatus } from '../../domain/images';
import { type LxcImage, type LxcProduct, lxcImageName, parseLxcArchitecture, parseLxcJobRef, productImage } from '../../domain/lxc';
import { formatBytes } from '../../domain/format';
import type { EngineServices } from '../engine/index';
import type { LxcServices } from './index';

export const LXD_DEPOT_PREFIX = 'lxd:';
const LOCAL_ID_PREFIX = 'lxc:';

/** The server of an `lxd:NAME` depot, or null for a Docker registry. */
export function lxdServerOf(registry: string | undefined): string | null {
  return registry?.startsWith(LXD_DEPOT_PREFIX) ? registry.slice(LXD_DEPOT_PREFIX.length) : null;
}

/** True for the id of an LXC row of the Local depot. */
export function isLxcLocalRef(ref: string): boolean {
  return ref.startsWith(LOCAL_ID_PREFIX);
}

/** An LXC image as a Local depot row: one "tag" (its serial, else its short fingerprint). */
export function lxcLocalRow(image: LxcImage): LocalRepository {
  return {
    name: lxcImageName(image),
    fullName: `${LOCAL_ID_PREFIX}${image.fingerprint}`,
    images: [
      {
        tag: image.serial ?? image.fingerprint.slice(0, 12),
        id: `${LOCAL_ID_PREFIX}${image.fingerprint}`,
        size: image.size,
        created: image.uploaded ?? image.created ?? '',
        inUse: false,
        digests: [],
      },
    ],
    isLatest: [],
    inUse: false,
    type: 'lxc',
  };
}

function productRow(server: string, product: LxcProduct, installed: Set<string> | null, downloading: Set<string>): RemoteImage {
  const image = productImage(product);
  const name = lxcImageName(image);
  const what = [product.os, product.releaseTitle || product.release, product.variant].filter(Boolean).join(' ');
  return {
    name,
    fullName: `${LXD_DEPOT_PREFIX}${server}/${name}`,
    description: what,
    location: `${what}  ${product.architecture}  ${image.serial ?? ''}  ${formatBytes(image.size)}`,
    source: { registry: `${LXD_DEPOT_PREFIX}${server}` },
    ...(image.serial ? { version: image.serial } : {}),
    arch: [product.architecture],
    installed: installed === null ? null : installed.has(image.fingerprint),
    downloading: downloading.has(image.fingerprint),
  };
}

/** `alias:serial` (what the Tags screen builds) → its parts; a plain alias has no serial. */
function splitRef(ref: string): { alias: string; serial?: string } {
  const i = ref.indexOf(':');
  return i < 0 ? { alias: ref } : { alias: ref.slice(0, i), serial: ref.slice(i + 1) };
}

/**
 * The Local list: the engine's images and LXD's. When the engine cannot answer but LXD lists images, those are
 * the list and `warn` says why the engine's are missing (a NAS whose docker is down still shows its LXC
 * images); with no LXC image, the engine's error is the list's.
 */
export async function localWithLxc(engine: Promise<LocalRepository[]>, lxc: Promise<LocalRepository[]>, warn: (message: string) => void): Promise<LocalRepository[]> {
  const [images, lxcImages] = await Promise.all([engine.then((value) => ({ value }), (error: unknown) => ({ error })), lxc.catch(() => [] as LocalRepository[])]);
  if ('value' in images) return lxcImages.length > 0 ? [...images.value, ...lxcImages] : images.value;
  if (lxcImages.length === 0) throw images.error;
  warn(`${describeError(images.error)}: the Local list shows the LXC images only`);
  return lxcImages;
}

/** Fingerprints of the LXC downloads that wait or run. */
export function activeFingerprints(records: ReadonlyArray<{ ref: string; status: string }>): Set<string> {
  return new Set(
    records
      .filter((r) => isActiveStatus(r.status))
      .map((r) => parseLxcJobRef(r.ref)?.fingerprint)
      .filter((f): f is string => !!f),
  );
}

export interface LxcAsImages {
  servers(): Promise<string[]>;
  local(signal?: AbortSignal): Promise<LocalRepository[]>;
  list(server: string, filter: string, signal?: AbortSignal): Promise<{ results: RemoteImage[]; warnings: string[] }>;
  tags(server: string, name: string, signal?: AbortSignal): Promise<TagList>;
  inspectRemote(server: string, ref: string, platform: string | undefined): Promise<RemoteInspect>;
  inspectLocal(ref: string): Promise<Record<string, unknown>>;
  remove(ref: string): Promise<{ untagged: string[]; deleted: string[] }>;
  /** Starts an LXC download (in the engine's worker); answers its id. */
  pull(server: string, ref: string, platform: string | undefined): Promise<string>;
  /** Calls `onChange` once LXC images are known and again whenever an LXC download completes. */
  watch(onChange: () => void): () => void;
}

/** `present`: whether LXD's socket is there, asked first so that a host without LXD never loads the LXC modules. */
export function lxcAsImages(lxcServices: () => Promise<LxcServices>, engine: () => Promise<EngineServices>, present?: () => boolean | Promise<boolean>): LxcAsImages {
  /** LXC services when LXD is on this host (its socket found), else null. */
  const available = async (): Promise<LxcServices | null> => {
    if (present && !(await present())) return null;
    const lxc = await lxcServices();
    try {
      lxc.client().socket();
      return lxc;
    } catch {
      return null;
    }
  };
  const need = async (): Promise<LxcServices> => {
    const lxc = await lxcServices();
    lxc.client().socket(); // 501 naming the paths looked at
    return lxc;
  };
  const downloading = async (): Promise<Set<string>> => activeFingerprints(await (await engine()).downloads.list().catch(() => []));
  const fromLocalRef = (ref: string): string => (isLxcLocalRef(ref) ? ref.slice(LOCAL_ID_PREFIX.length) : ref);

  return {
    async servers() {
      const lxc = await available();
      return lxc ? (await lxc.servers.list()).map((s) => s.name) : [];
    },
    async local(signal) {
      const lxc = await available();
      if (!lxc) return [];
      return (await lxc.listLocal(signal ? { signal } : {})).map(lxcLocalRow);
    },
    async list(server, filter, signal) {
      const lxc = await need();
      const [listing, installed, active] = await Promise.all([lxc.listRemote({ server, filter, ...(signal ? { signal } : {}) }), lxc.installed(), downloading()]);
      return { results: listing.products.map((p) => productRow(server, p, installed, active)), warnings: [] };
    },
    async tags(server, name, signal) {
      const lxc = await need();
      const [listing, installed, host] = await Promise.all([lxc.listRemote({ server, architecture: 'all', ...(signal ? { signal } : {}) }), lxc.installed(), lxc.hostArchitecture()]);
      const products = listing.products.filter((p) => p.aliases.includes(name) || lxcImageName(productImage(p)) === name);
      const bySerial = new Map<string, TagDetail & { hostArch: boolean }>();
      const here = new Set<string>();
      for (const product of products) {
        for (const v of product.versions) {
          if (installed?.has(v.fingerprint)) here.add(v.serial);
          const known = bySerial.get(v.serial);
          const forHost = product.architecture === host;
          if (!known) {
            bySerial.set(v.serial, { name: v.serial, size: v.size, lastUpdated: v.created, digest: v.fingerprint, platforms: [product.architecture], hostArch: forHost });
          } else {
            known.platforms = [...known.platforms, product.architecture].sort();
            // Size and fingerprint shown are those of the host's architecture.
            if (forHost && !known.hostArch) Object.assign(known, { size: v.size, digest: v.fingerprint, hostArch: true });
          }
        }
      }
      const tags = [...bySerial.keys()].sort().reverse();
      return {
        name,
        fullName: `${LXD_DEPOT_PREFIX}${server}/${name}`,
        installed: [...here],
        tags,
        details: tags.map((t) => {
          const { hostArch: _hostArch, ...detail } = bySerial.get(t) as TagDetail & { hostArch: boolean };
          return detail;
        }),
      };
    },
    async inspectRemote(server, ref, platform) {
      const lxc = await need();
      const { alias, serial } = splitRef(ref);
      const found = await lxc.inspectRemote(alias, { server, ...(serial ? { serial } : {}), ...(platform ? { architecture: parseLxcArchitecture(platform) } : {}) });
      const all = await lxc.listRemote({ server, architecture: 'all' });
      const platforms = all.products.filter((p) => p.aliases.includes(alias)).map((p) => p.architecture);
      return {
        name: alias,
        tag: found.version.serial,
        digest: found.version.fingerprint,
        manifestDigest: found.version.fingerprint,
        platform: found.product.architecture,
        platforms: [...new Set(platforms)].sort(),
        mediaType: 'LXC image (simplestreams)',
        created: found.version.created,
        architecture: found.product.architecture,
        os: found.product.os,
        variant: found.product.variant || null,
        config: { cmd: null, entrypoint: null, env: null, exposedPorts: null, labels: null, workingDir: null, user: null },
        layers: [],
        size: found.version.size,
      };
    },
    async inspectLocal(ref) {
      // The Inspect screen reads Docker's inspect fields: LXD's image in those words, properties as labels.
      const raw = await (await need()).inspectLocal(fromLocalRef(ref));
      const aliases = Array.isArray(raw.aliases) ? raw.aliases.map((a) => (a && typeof a === 'object' ? String((a as Record<string, unknown>).name ?? '') : '')).filter(Boolean) : [];
      const properties = raw.properties && typeof raw.properties === 'object' ? (raw.properties as Record<string, unknown>) : {};
      return {
        Id: raw.fingerprint,
        RepoTags: aliases,
        RepoDigests: [],
        Created: raw.created_at,
        Os: 'linux',
        Architecture: raw.architecture,
        Size: raw.size,
        Config: { Labels: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)])) },
        RootFS: { Layers: [] },
      };
    },
    async remove(ref) {
      const r = await (await need()).remove(fromLocalRef(ref));
      return { untagged: r.untagged, deleted: r.deleted };
    },
    async pull(server, ref, platform) {
      if (isLxcLocalRef(ref)) throw new InvalidInput('this LXC image is on LXD already: pick it in its server depot to download another version');
      const lxc = await need();
      await lxc.client().server();
      const { alias, serial } = splitRef(ref);
      const job = await lxc.resolvePull(alias, { server, ...(serial ? { serial } : {}), ...(platform ? { architecture: parseLxcArchitecture(platform) } : {}) });
      return (await (await engine()).downloads.startLxc(job)).id;
    },
    watch(onChange) {
      let stopped = false;
      let off: (() => void) | null = null;
      const seen = new Map<string, string>();
      // Told only of changes after it subscribed: the list on show is already the current one (a call on
      // subscribe made every return to the Local depot reload it while keys for it waited).
      void available().then(async (lxc) => {
        if (!lxc || stopped) return;
        const e = await engine();
        if (stopped) return;
        let first = true;
        off = e.downloads.subscribe((all) => {
          let completed = false;
          for (const r of all) {
            if (!r.ref.startsWith(LOCAL_ID_PREFIX)) continue;
            const before = seen.get(r.id);
            if (!first && before !== 'complete' && r.status === 'complete') completed = true;
            seen.set(r.id, r.status);
          }
          first = false;
          if (completed) onChange();
        });
      });
      return () => {
        stopped = true;
        off?.();
      };
    },
  };
}
