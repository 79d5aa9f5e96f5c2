// LXC images as stevedore sees them, whether LXD (or Incus) holds them locally or a simplestreams server
// offers them (DESIGN.md "LXC"): one shape for both, architecture in LXD's names (x86_64, aarch64).
import { InvalidInput } from './errors';
import { sanitizeLine } from './sanitize';

export interface LxcImage {
  /** sha256 hex of the image (LXD's fingerprint; simplestreams' combined_*_sha256). */
  fingerprint: string;
  aliases: string[];
  /** LXD's architecture name: x86_64, aarch64, armv7l, i686… */
  architecture: string;
  os: string;
  release: string;
  variant: string;
  description: string;
  /** Build serial (`20241130_07:42`) when known. */
  serial: string | null;
  /** Bytes. */
  size: number;
  /** ISO time the image was built, or null. */
  created: string | null;
  /** ISO time it came onto this LXD (local images only). */
  uploaded: string | null;
  kind: 'container' | 'virtual-machine';
}

/** One version (serial) of a simplestreams product. */
export interface LxcVersion {
  serial: string;
  fingerprint: string;
  size: number;
  created: string | null;
}

/** A simplestreams product: one os/release/arch/variant with its versions, newest first. */
export interface LxcProduct {
  id: string;
  aliases: string[];
  os: string;
  release: string;
  releaseTitle: string;
  variant: string;
  architecture: string;
  versions: LxcVersion[];
}

/** A simplestreams image server (`lxd-server add`). */
export interface LxdServer {
  name: string;
  url: string;
  builtin: boolean;
}

/** Which daemon answers on the socket: LXD (Canonical) or Incus (its community fork); they share the API. */
export type LxcDialect = 'lxd' | 'incus';

/** LXD lost access to images.linuxcontainers.org on 2024-05-01; its own feed is images.lxd.canonical.com. */
export const LXD_IMAGES_URL = 'https://images.lxd.canonical.com';
/** Incus keeps images.linuxcontainers.org (the server LXD used before 2024-05-01). */
export const INCUS_IMAGES_URL = 'https://images.linuxcontainers.org';

/**
 * The built-in `images` server follows what answers on the socket: LXD → Canonical's feed, Incus →
 * linuxcontainers.org. Without an answer (no socket, LXD down) it is LXD's, the daemon Debian and Ubuntu ship.
 */
export function defaultLxdServer(dialect: LxcDialect | null): LxdServer {
  return { name: 'images', url: dialect === 'incus' ? INCUS_IMAGES_URL : LXD_IMAGES_URL, builtin: true };
}

export const DEFAULT_LXD_SERVER: LxdServer = defaultLxdServer('lxd');

/** `incus` when GET /1.0 says so (`environment.server`), else `lxd`. */
export function dialectOf(server: string): LxcDialect {
  return server.trim().toLowerCase() === 'incus' ? 'incus' : 'lxd';
}

/** A simplestreams URL on the server LXD can no longer reach. */
export function isRetiredForLxd(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === 'images.linuxcontainers.org';
  } catch {
    return false;
  }
}

/** DESIGN.md: the first alias, else os/release/variant. */
export function lxcImageName(image: Pick<LxcImage, 'aliases' | 'os' | 'release' | 'variant'>): string {
  const first = image.aliases[0];
  if (first) return first;
  const parts = [image.os, image.release, image.variant].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('/') : '<none>';
}

/** The newest version of a product (versions are kept newest first). */
export function latestVersion(product: LxcProduct): LxcVersion | undefined {
  return product.versions[0];
}

/** A product's newest version as an image (what a remote listing shows). */
export function productImage(product: LxcProduct, version: LxcVersion | undefined = latestVersion(product)): LxcImage {
  return {
    fingerprint: version?.fingerprint ?? '',
    aliases: product.aliases,
    architecture: product.architecture,
    os: product.os,
    release: product.release,
    variant: product.variant,
    description: [product.os, product.releaseTitle || product.release, product.variant].filter(Boolean).join(' '),
    serial: version?.serial ?? null,
    size: version?.size ?? 0,
    created: version?.created ?? null,
    uploaded: null,
    kind: 'container',
  };
}

// simplestreams (Debian) architecture names -> LXD's (osarch in LXD).
const ARCH_ALIASES: Record<string, string> = {
  amd64: 'x86_64',
  x86_64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
  armhf: 'armv7l',
  armv7l: 'armv7l',
  armel: 'armv6l',
  armv6l: 'armv6l',
  i386: 'i686',
  i686: 'i686',
  ppc64el: 'ppc64le',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** LXD's name for an architecture (`amd64` → `x86_64`); unknown names are kept as given. */
export function lxdArchitecture(name: string): string {
  return ARCH_ALIASES[name.toLowerCase()] ?? name.toLowerCase();
}

/** Node's `process.arch` in LXD's names. */
export function hostLxdArchitecture(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}

/**
 * `--platform` for LXC: an architecture (`arm64`, `aarch64`) or a Docker-style platform (`linux/arm64`),
 * in LXD's names.
 */
export function parseLxcArchitecture(text: string): string {
  const t = text.trim().toLowerCase();
  const arch = t.includes('/') ? (t.split('/')[1] ?? '') : t;
  if (!/^[a-z0-9_]+$/.test(arch)) throw new InvalidInput(`invalid architecture "${sanitizeLine(text)}": use e.g. x86_64, aarch64 or linux/arm64`);
  return lxdArchitecture(arch);
}

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkServerName(name: string): string {
  if (!SERVER_NAME.test(name)) throw new InvalidInput(`invalid server name "${sanitizeLine(name)}": letters, digits, ".", "_" and "-", up to 64`);
  return name;
}

/** A simplestreams server URL: https, no credentials, no query; kept without a trailing slash. */
export function checkServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInput(`invalid URL "${sanitizeLine(text)}"`);
  }
  if (url.username || url.password) throw new InvalidInput('the URL must not carry credentials');
  if (url.protocol !== 'https:') throw new InvalidInput('a simplestreams server is reached over https:// (LXD refuses anything else)');
  if (url.search || url.hash) throw new InvalidInput('the URL must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

const HEX = /^[0-9a-f]+$/;

/** True when `text` can only be a (possibly short) fingerprint. */
export function looksLikeFingerprint(text: string): boolean {
  return text.length >= 12 && text.length <= 64 && HEX.test(text);
}

/** What the download worker needs to have LXD fetch one image (carried in the download's `ref`). */
export interface LxcPullJob {
  /** The simplestreams server's URL and name. */
  server: string;
  serverName: string;
  fingerprint: string;
  /** Aliases to point at the image once it is there (the product's, as `lxc image copy --copy-aliases`). */
  aliases: string[];
  architecture: string;
  /** Bytes to download, when the server said. */
  size: number | null;
}

const JOB_PREFIX = 'lxc:';

/** The download's `ref` text for an LXC job: canonical, so the same image twice is one download. */
export function lxcJobRef(job: LxcPullJob): string {
  const q = new URLSearchParams();
  q.set('server', job.server);
  q.set('name', job.serverName);
  q.set('fingerprint', job.fingerprint);
  q.set('aliases', job.aliases.join(','));
  q.set('arch', job.architecture);
  if (job.size !== null) q.set('size', String(job.size));
  return `${JOB_PREFIX}${q.toString()}`;
}

/** The job an `lxc:` ref carries; null for any other text (a Docker reference). */
export function parseLxcJobRef(text: string): LxcPullJob | null {
  if (!text.startsWith(JOB_PREFIX)) return null;
  const q = new URLSearchParams(text.slice(JOB_PREFIX.length));
  const server = q.get('server') ?? '';
  const fingerprint = q.get('fingerprint') ?? '';
  if (!/^https:\/\//.test(server) || !/^[0-9a-f]{64}$/.test(fingerprint)) return null;
  const size = Number(q.get('size'));
  return {
    server,
    serverName: q.get('name') || new URL(server).host,
    fingerprint,
    aliases: (q.get('aliases') ?? '').split(',').filter((a) => a !== ''),
    architecture: q.get('arch') ?? '',
    size: q.has('size') && Number.isFinite(size) && size >= 0 ? size : null,
  };
}

/** How a download of this job is named to people: `images:alpine/3.20` (as `lxc` names remote images). */
export function lxcJobName(job: LxcPullJob): string {
  return `${job.serverName}:${job.aliases[0] ?? job.fingerprint.slice(0, 12)}`;
}
