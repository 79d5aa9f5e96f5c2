// `--type lxc` for `image list | inspect | pull | rm`, through LXD (DESIGN.md "LXC"): the JSON shapes of
// DESIGN.md "JSON shapes" (`--type lxc` results) and human tables. Pure presentation plus the calls; the
// pull itself goes through the download worker like a Docker pull.
import { formatAge, formatBytes } from '../domain/format';
import { type LxcImage, type LxcProduct, lxcImageName, parseLxcArchitecture, productImage, parseLxcJobRef } from '../domain/lxc';
import type { LxcServices, RemoteLxcInspect } from '../services/lxc/index';
import type { CommandContext } from './context';
import { type Output, table } from './output';

export interface LxcListOptions {
  category: string;
  filter?: string;
  server?: string;
  limit?: number;
  platform?: string;
}

/** One `--type lxc` result (DESIGN.md), plus `serial` and `uploaded` where known. */
export function lxcResultJson(image: LxcImage, repository: string, installed: boolean | null, downloading: boolean): Record<string, unknown> {
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

/** Fingerprints with an LXC download waiting or running (empty when the worker cannot be asked). */
export async function downloadingFingerprints(downloads: () => Promise<Array<{ ref: string; status: string }>>): Promise<Set<string>> {
  try {
    const records = await downloads();
    return new Set(
      records
        .filter((r) => r.status === 'waiting' || r.status === 'downloading' || r.status === 'extracting')
        .map((r) => parseLxcJobRef(r.ref)?.fingerprint)
        .filter((f): f is string => !!f),
    );
  } catch {
    return new Set();
  }
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
    const [listing, installed, downloading] = await Promise.all([
      lxc.listRemote({ ...(opts.server !== undefined ? { server: opts.server } : {}), filter: filterText, ...(architecture ? { architecture } : {}) }),
      lxc.installed(),
      downloadingFingerprints(downloads),
    ]);
    let products = listing.products;
    if (opts.limit !== undefined) products = products.slice(0, opts.limit);
    const results = products.map((p) => {
      const image = productImage(p);
      return { ...lxcResultJson(image, listing.server.name, installed === null ? null : installed.has(image.fingerprint), downloading.has(image.fingerprint)), versions: p.versions.map((v) => v.serial) };
    });
    return {
      json: { category: 'remote', filter_text: filterText, type: 'lxc', server: listing.server.name, architecture: listing.architecture, results, total_count: results.length },
      warnings: installed === null ? ['LXD cannot be reached: `installed` is null'] : [],
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

export async function lxcList(ctx: CommandContext, out: Output, opts: LxcListOptions): Promise<void> {
  const lxc = await ctx.services.lxc();
  const result = await lxcListResult(lxc, async () => (await ctx.services.engine()).downloads.list(), opts);
  for (const w of result.warnings) ctx.warnings.add(w);
  out.result({ ...result.json, warnings: ctx.warnings.list }, () => result.lines(ctx.io.stdout.columns));
}

export function remoteInspectJson(r: RemoteLxcInspect): Record<string, unknown> {
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
  const json = remoteInspectJson(found);
  const installed = await lxc.installed();
  json.installed = installed === null ? null : installed.has(found.version.fingerprint);
  return json;
}

export async function lxcInspect(ctx: CommandContext, out: Output, ref: string, opts: { remote?: boolean; server?: string; platform?: string }): Promise<void> {
  const lxc = await ctx.services.lxc();
  if (opts.remote || opts.server !== undefined) {
    const found = await lxc.inspectRemote(ref, {
      ...(opts.server !== undefined ? { server: opts.server } : {}),
      ...(opts.platform !== undefined ? { architecture: parseLxcArchitecture(opts.platform) } : {}),
    });
    const json = await remoteInspectWithInstalled(lxc, found);
    out.result(json, () => JSON.stringify(json, null, 2));
    return;
  }
  const raw = await lxc.inspectLocal(ref);
  out.result(raw, () => JSON.stringify(raw, null, 2));
}

export async function lxcRemove(ctx: CommandContext, out: Output, ref: string): Promise<void> {
  const result = await (await ctx.services.lxc()).remove(ref);
  out.result(result, () => [...result.untagged.map((u) => `untagged: ${u}`), ...result.deleted.map((d) => `deleted: ${d}`)]);
}

/** The job text for the download worker. */
export async function lxcPullJob(lxc: LxcServices, ref: string, opts: { server?: string; platform?: string }): Promise<ReturnType<LxcServices['resolvePull']>> {
  return lxc.resolvePull(ref, {
    ...(opts.server !== undefined ? { server: opts.server } : {}),
    ...(opts.platform !== undefined ? { architecture: parseLxcArchitecture(opts.platform) } : {}),
  });
}
