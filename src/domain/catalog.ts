// The selected catalog (assets/catalog.json, or the file/URL of setting `catalog`): its format and a
// validator. The catalog may come from anywhere, so it is read like any remote text: every field checked,
// every string sanitised, bad entries skipped with a one-line reason. assets/catalog.schema.json documents
// the same format as a JSON schema.
import { InvalidInput } from './errors';
import { normalizeReference } from './reference';
import { sanitizeLine } from './sanitize';

export interface CatalogEntry {
  /** Familiar repository name as the user would pull it (`jellyfin/jellyfin`, `ghcr.io/org/app`), no tag. */
  name: string;
  title: string;
  description: string;
  /** Suggested tag. */
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
    const key = result.name.toLowerCase();
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
  const name = text(e.name, 255);
  if (!name) return 'no "name"';
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
  if (e.arch !== undefined && !Array.isArray(e.arch)) return `${familiar}: "arch" must be a list`;
  const archList = Array.isArray(e.arch) ? e.arch : [];
  if (archList.length > CATALOG_LIMITS.arch) return `${familiar}: too many "arch" values`;
  const arch: string[] = [];
  for (const a of archList) {
    if (typeof a !== 'string' || !ARCH.test(a)) return `${familiar}: "arch" values look like amd64, arm64, arm/v7`;
    if (!arch.includes(a)) arch.push(a);
  }
  const group = text(e.group, CATALOG_LIMITS.group) || 'Other';
  return { name: familiar, title, description, version, arch, group };
}

/** A sanitised one-line string of at most `max` characters ('' when absent or not a string). */
function text(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  const clean = sanitizeLine(value);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
