// `--type lxc` (DESIGN.md "LXC") as every surface shows it: `image list|inspect --type lxc` and serve's type=lxc
// routes: the JSON shapes of DESIGN.md "JSON shapes" (`--type lxc` results) and the CLI's tables.
import { formatAge, formatBytes } from '../domain/format';
import { NotFound } from '../domain/errors';
import { type LxcImage, type LxcProduct, type LxcPullJob, lxcImageName, parseLxcArchitecture, productImage } from '../domain/lxc';
import { sanitizeLine } from '../domain/sanitize';
import { activeFingerprints } from '../services/lxc/images';
import type { LxcServices, RemoteLxcInspect } from '../services/lxc/index';
import { DOWNLOADS_UNKNOWN } from './local';
import { table } from './table';

export interface LxcListOptions {
  category: string;
  filter?: string;
  server?: string;
  limit?: number;
  platform?: string;
}

/** One `--type lxc` result (DESIGN.md), plus `serial` and `uploaded` where known. */
export function lxcResultJson(image: LxcImage, repository: string, installed: boolean | null, downloading: boolean | null): Record<string, unknown> {
  return {
    name: lxcImageName(image),
    aliases: image.aliases,
    fingerprint: image.fingerprint,
    architecture: image.architecture,
    os: image.os,
    release: image.release,
    variant: image.variant,
    description: image.description,
    size: image.size,
    created: image.created,
    type: 'lxc',
    installed,
    downloading,
    repository,
    serial: image.serial,
    ...(repository === 'local' ? { uploaded: image.uploaded } : {}),
  };
}

export function lxcLocalTable(images: LxcImage[], width: number | undefined, now = Date.now()): string[] {
  if (images.length === 0) return ['no LXC images'];
  return table(
    images,
    [
      { header: 'ALIAS', get: (i) => lxcImageName(i), flex: true },
      { header: 'FINGERPRINT', get: (i) => i.fingerprint.slice(0, 12) },
      { header: 'DESCRIPTION', get: (i) => i.description, flex: true },
      { header: 'ARCH', get: (i) => i.architecture },
      { header: 'SIZE', get: (i) => formatBytes(i.size), align: 'right' },
      { header: 'UPLOADED', get: (i) => (i.uploaded ? formatAge(i.uploaded, now) : '-') },
    ],
    width,
  );
}

export function lxcRemoteTable(products: LxcProduct[], installed: Set<string> | null, width: number | undefined): string[] {
  if (products.length === 0) return ['no LXC images'];
  return table(
    products,
    [
      { header: 'ALIAS', get: (p) => lxcImageName(productImage(p)), flex: true },
      { header: 'OS', get: (p) => p.os },
      { header: 'RELEASE', get: (p) => p.release },
      { header: 'VARIANT', get: (p) => p.variant },
      { header: 'ARCH', get: (p) => p.architecture },
      { header: 'SERIAL', get: (p) => p.versions[0]?.serial ?? '' },
      { header: 'SIZE', get: (p) => formatBytes(p.versions[0]?.size ?? 0), align: 'right' },
      { header: 'HERE', get: (p) => (installed === null ? '?' : installed.has(p.versions[0]?.fingerprint ?? '') ? 'yes' : '-') },
    ],
    width,
  );
}

/** `image list --type lxc` as data (the CLI prints it; `serve` answers it): the JSON without `warnings`, the table. */
export async function lxcListResult(
  lxc: LxcServices,
  downloads: () => Promise<Array<{ ref: string; status: string }>>,
  opts: LxcListOptions,
): Promise<{ json: Record<string, unknown>; warnings: string[]; lines: (width: number | undefined) => string[] }> {
  const filterText = opts.filter ?? '';
  if (opts.category === 'remote') {
    const architecture = opts.platform === undefined ? undefined : opts.platform === 'all' ? 'all' : parseLxcArchitecture(opts.platform);
    const warnings: string[] = [];
    const [listing, installed, downloading] = await Promise.all([
      lxc.listRemote({ ...(opts.server !== undefined ? { server: opts.server } : {}), filter: filterText, ...(architecture ? { architecture } : {}) }),
      lxc.installed(),
      downloads().then(activeFingerprints, (error: unknown) => {
        warnings.push(DOWNLOADS_UNKNOWN(error));
        return null;
      }),
    ]);
    if (installed === null) warnings.unshift('LXD cannot be reached: `installed` is null');
    let products = listing.products;
    if (opts.limit !== undefined) products = products.slice(0, opts.limit);
    const results = products.map((p) => {
      const image = productImage(p);
      const marks = [installed === null ? null : installed.has(image.fingerprint), downloading === null ? null : downloading.has(image.fingerprint)] as const;
      return { ...lxcResultJson(image, listing.server.name, ...marks), versions: p.versions.map((v) => v.serial) };
    });
    return {
      json: { category: 'remote', filter_text: filterText, type: 'lxc', server: listing.server.name, architecture: listing.architecture, results, total_count: results.length },
      warnings,
      lines: (width) => lxcRemoteTable(products, installed, width),
    };
  }
  let images = await lxc.listLocal({ filter: filterText });
  if (opts.limit !== undefined) images = images.slice(0, opts.limit);
  const results = images.map((i) => lxcResultJson(i, 'local', true, false));
  return {
    json: { category: 'local', filter_text: filterText, type: 'lxc', results, total_count: results.length },
    warnings: [],
    lines: (width) => lxcLocalTable(images, width),
  };
}

export function lxcRemoteInspectJson(r: RemoteLxcInspect): Record<string, unknown> {
  const image = productImage(r.product, r.version);
  return {
    ...lxcResultJson(image, r.server.name, null, false),
    server: r.server.url,
    product: r.product.id,
    release_title: r.product.releaseTitle,
    versions: r.product.versions.map((v) => ({ serial: v.serial, fingerprint: v.fingerprint, size: v.size, created: v.created })),
  };
}

/** `image inspect --type lxc --remote --json`: the product and its versions, `installed` from LXD. */
export async function remoteInspectWithInstalled(lxc: LxcServices, found: RemoteLxcInspect): Promise<Record<string, unknown>> {
  const json = lxcRemoteInspectJson(found);
  const installed = await lxc.installed();
  json.installed = installed === null ? null : installed.has(found.version.fingerprint);
  return json;
}

/** The job text for the download worker (`image pull --type lxc`, serve's type=lxc download). */
export async function lxcPullJob(lxc: LxcServices, ref: string, opts: { server?: string; platform?: string; serial?: string }): Promise<LxcPullJob> {
  return lxc.resolvePull(ref, {
    ...(opts.server !== undefined ? { server: opts.server } : {}),
    ...(opts.serial !== undefined ? { serial: opts.serial } : {}),
    ...(opts.platform !== undefined ? { architecture: parseLxcArchitecture(opts.platform) } : {}),
  });
}

/**
 * `image inspect --type lxc [--remote]` and serve's LXC inspect routes: LXD's JSON (of that serial, when one is
 * asked for), or the product with `installed`.
 */
export async function lxcInspect(lxc: LxcServices, ref: string, opts: { remote?: boolean; server?: string; platform?: string; serial?: string }): Promise<Record<string, unknown>> {
  if (opts.remote || opts.server !== undefined) {
    const found = await lxc.inspectRemote(ref, {
      ...(opts.server !== undefined ? { server: opts.server } : {}),
      ...(opts.serial !== undefined ? { serial: opts.serial } : {}),
      ...(opts.platform !== undefined ? { architecture: parseLxcArchitecture(opts.platform) } : {}),
    });
    return remoteInspectWithInstalled(lxc, found);
  }
  const raw = await lxc.inspectLocal(ref);
  const properties = raw.properties && typeof raw.properties === 'object' ? (raw.properties as Record<string, unknown>) : {};
  if (opts.serial !== undefined && properties.serial !== opts.serial) throw new NotFound(`Image not found: ${sanitizeLine(ref)}:${sanitizeLine(opts.serial)}`);
  return raw;
}
