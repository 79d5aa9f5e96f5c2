// The selected catalog (assets/catalog.json, or the file/URL of setting `catalog`): its format and a
// validator. The catalog may come from anywhere, so it is read like any remote text: every field checked,
// every string sanitised, bad entries skipped with a one-line reason. assets/catalog.schema.json documents
// the same format as a JSON schema.
import { InvalidInput } from './errors';
import { normalizeReference } from './reference';
import { sanitizeLine } from './sanitize';

export interface CatalogEntry {
  /** `docker` (default) or `lxc` (an LXC image of a simplestreams server, downloaded through LXD). */
  type: 'docker' | 'lxc';
  /**
   * Docker: familiar repository name as the user would pull it (`jellyfin/jellyfin`, `ghcr.io/org/app`), no tag.
   * LXC: the simplestreams alias (`debian/12`, `ubuntu/24.04`, `alpine/3.20`).
   */
  name: string;
  /** LXC: the simplestreams server's name (`lxd-server list`; default `images`); absent for Docker. */
  server?: string;
  title: string;
  description: string;
  /** Suggested tag (Docker); '' for LXC (a download takes the newest serial). */
  version: string;
  /** Architectures the image is published for (`amd64`, `arm64`, `arm/v7`…). */
  arch: string[];
  /** Display group (`Media`, `Network`…). */
  group: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** One line per skipped entry. */
  problems: string[];
}

export const CATALOG_LIMITS = { entries: 2_000, title: 80, description: 500, group: 40, arch: 16 } as const;
const TAG = /^[\w][\w.-]{0,127}$/;
const ARCH = /^[a-z0-9_]{2,16}(?:\/v[0-9]{1,2})?$/;
/** A simplestreams alias: words of letters, digits, `.`, `_`, `+`, `-`, joined by `/` (no `:`, which separates a serial). */
const LXC_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._+-]*(?:\/[A-Za-z0-9][A-Za-z0-9._+-]*){0,3}$/;
const LXD_SERVER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const DEFAULT_CATALOG_LXD_SERVER = 'images';

/** Validates a parsed catalog document. Throws InvalidInput when the document is not a catalog at all. */
export function parseCatalog(raw: unknown, source: string): Catalog {
  const where = sanitizeLine(source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidInput(`catalog ${where} is not a JSON object`);
  const doc = raw as Record<string, unknown>;
  if (doc.version !== undefined && doc.version !== 1) throw new InvalidInput(`catalog ${where} has format version ${sanitizeLine(String(doc.version))}; this stevedore reads version 1`);
  if (!Array.isArray(doc.images)) throw new InvalidInput(`catalog ${where} has no "images" list`);
  if (doc.images.length > CATALOG_LIMITS.entries) throw new InvalidInput(`catalog ${where} has more than ${CATALOG_LIMITS.entries} images`);
  const entries: CatalogEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  doc.images.forEach((item: unknown, index) => {
    const result = parseEntry(item);
    if (typeof result === 'string') {
      problems.push(`catalog ${where}: entry ${index + 1} skipped: ${result}`);
      return;
    }
    const key = result.type === 'lxc' ? `lxc:${result.server ?? ''}:${result.name}` : result.name.toLowerCase();
    if (seen.has(key)) {
      problems.push(`catalog ${where}: entry ${index + 1} skipped: ${result.name} is listed twice`);
      return;
    }
    seen.add(key);
    entries.push(result);
  });
  return { entries, problems };
}

/** A valid entry, or the reason it is not. */
function parseEntry(item: unknown): CatalogEntry | string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'not an object';
  const e = item as Record<string, unknown>;
  if (e.type !== undefined && e.type !== 'docker' && e.type !== 'lxc') return '"type" must be "docker" or "lxc"';
  if (e.type === 'lxc') return parseLxcEntry(e);
  const name = text(e.name, 255);
  if (!name) return 'no "name"';
  if (e.server !== undefined) return `${name}: "server" is for entries of type "lxc"`;
  let familiar: string;
  try {
    const ref = normalizeReference(name);
    if (ref.tag || ref.digest) return `"${name}": give the name without a tag (the tag goes in "version")`;
    familiar = ref.familiar;
  } catch (error) {
    return `"${name}" is not an image name (${error instanceof Error ? sanitizeLine(error.message) : 'invalid'})`;
  }
  const title = text(e.title, CATALOG_LIMITS.title) || familiar;
  const description = text(e.description, CATALOG_LIMITS.description);
  const version = text(e.version, 128) || 'latest';
  if (!TAG.test(version)) return `${familiar}: "version" is not a tag`;
  const arch = parseArch(e.arch, familiar);
  if (typeof arch === 'string') return arch;
  const group = text(e.group, CATALOG_LIMITS.group) || 'Other';
  return { type: 'docker', name: familiar, title, description, version, arch, group };
}

/** An `lxc` entry: a simplestreams alias on a server (`images` unless named). */
function parseLxcEntry(e: Record<string, unknown>): CatalogEntry | string {
  if (typeof e.name !== 'string' || e.name === '') return 'no "name"';
  const name = e.name;
  if (name.length > 128 || !LXC_ALIAS.test(name)) return `"${sanitizeLine(name.slice(0, 128))}" is not a simplestreams alias (like debian/12 or alpine/3.20)`;
  if (e.server !== undefined && (typeof e.server !== 'string' || !LXD_SERVER.test(e.server))) return `${name}: "server" is the name of an LXD image server (see \`stevedore lxd-server list\`)`;
  if (e.version !== undefined) return `${name}: "version" is for Docker images; an LXC download takes the newest serial`;
  const arch = parseArch(e.arch, name);
  if (typeof arch === 'string') return arch;
  return {
    type: 'lxc',
    name,
    server: typeof e.server === 'string' ? e.server : DEFAULT_CATALOG_LXD_SERVER,
    title: text(e.title, CATALOG_LIMITS.title) || name,
    description: text(e.description, CATALOG_LIMITS.description),
    version: '',
    arch,
    group: text(e.group, CATALOG_LIMITS.group) || 'Other',
  };
}

/** The `arch` list (deduplicated), or why it is not one. */
function parseArch(value: unknown, name: string): string[] | string {
  if (value !== undefined && !Array.isArray(value)) return `${name}: "arch" must be a list`;
  const archList = Array.isArray(value) ? value : [];
  if (archList.length > CATALOG_LIMITS.arch) return `${name}: too many "arch" values`;
  const arch: string[] = [];
  for (const a of archList) {
    if (typeof a !== 'string' || !ARCH.test(a)) return `${name}: "arch" values look like amd64, arm64, arm/v7`;
    if (!arch.includes(a)) arch.push(a);
  }
  return arch;
}

/** A sanitised one-line string of at most `max` characters ('' when absent or not a string). */
function text(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  const clean = sanitizeLine(value);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
