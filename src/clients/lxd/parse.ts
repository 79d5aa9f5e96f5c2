// The one place where JSON from LXD and from simplestreams servers is narrowed into typed values: LXD's
// answers by valibot schemas (the library ../registry/json.ts and `serve` use), the large simplestreams
// products file entry by entry with the same helpers (one odd product must not hide the others). Remote
// text is sanitised here, at the client boundary: everything that leaves this file is safe to print.
import * as v from 'valibot';
import { isRecord, num, parse, records, str, stringMap, type JsonRecord } from '../registry/json';
import type { LxcImage, LxcProduct, LxcVersion } from '../../domain/lxc';
import { lxdArchitecture } from '../../domain/lxc';
import { sanitizeLine } from '../../domain/sanitize';

/** LXD's answer envelope. */
export type LxdEnvelope =
  | { type: 'sync'; statusCode: number; metadata: unknown }
  | { type: 'async'; statusCode: number; operation: string; metadata: unknown }
  | { type: 'error'; errorCode: number; error: string };

const code = v.optional(v.pipe(v.number(), v.integer()));
const EnvelopeSchema = v.variant('type', [
  v.object({ type: v.literal('sync'), status_code: code, metadata: v.optional(v.unknown()) }),
  v.object({ type: v.literal('async'), status_code: code, operation: v.pipe(v.string(), v.minLength(1)), metadata: v.optional(v.unknown()) }),
  v.object({ type: v.literal('error'), error_code: code, error: v.optional(v.string(), '') }),
]);

export function parseEnvelope(value: unknown): LxdEnvelope | null {
  const e = parse(EnvelopeSchema, value);
  if (!e) return null;
  switch (e.type) {
    case 'sync':
      return { type: 'sync', statusCode: e.status_code ?? 200, metadata: e.metadata };
    case 'async':
      return { type: 'async', statusCode: e.status_code ?? 100, operation: e.operation, metadata: e.metadata };
    case 'error':
      return { type: 'error', errorCode: e.error_code ?? 500, error: clean(e.error) };
  }
}

export interface LxdOperation {
  id: string;
  /** Running, Success, Failure, Cancelled, Pending… */
  status: string;
  statusCode: number;
  err: string;
  mayCancel: boolean;
  metadata: Record<string, string>;
}

const OperationSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  status: v.pipe(v.string(), v.minLength(1)),
  status_code: v.optional(v.number(), 0),
  err: v.optional(v.string(), ''),
  may_cancel: v.optional(v.boolean(), false),
  metadata: v.nullish(v.record(v.string(), v.unknown())),
});

export function parseOperation(value: unknown): LxdOperation | null {
  const op = parse(OperationSchema, value);
  if (!op) return null;
  const meta: Record<string, string> = {};
  for (const [k, item] of Object.entries(op.metadata ?? {})) {
    if (typeof item === 'string') meta[k] = clean(item);
    else if (typeof item === 'number') meta[k] = String(item);
  }
  return { id: clean(op.id), status: clean(op.status), statusCode: op.status_code, err: clean(op.err), mayCancel: op.may_cancel, metadata: meta };
}

/** `GET /1.0/images?recursion=1` entries (and `GET /1.0/images/FP`). Images without a fingerprint are dropped. */
const LocalImageSchema = v.object({
  fingerprint: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  aliases: v.nullish(v.array(v.unknown())),
  architecture: v.optional(v.string(), ''),
  properties: v.nullish(v.record(v.string(), v.unknown())),
  size: v.optional(v.pipe(v.number(), v.finite()), 0),
  type: v.optional(v.string(), 'container'),
  created_at: v.optional(v.string()),
  uploaded_at: v.optional(v.string()),
});

export function parseLocalImage(value: unknown): LxcImage | null {
  const image = parse(LocalImageSchema, value);
  if (!image) return null;
  const props = stringMap(image.properties) ?? {};
  const aliases = records(image.aliases)
    .map((a) => str(a.name))
    .filter((n): n is string => !!n)
    .map(clean);
  return {
    fingerprint: image.fingerprint,
    aliases,
    architecture: clean(image.architecture),
    os: clean(props.os ?? ''),
    release: clean(props.release ?? ''),
    variant: clean(props.variant ?? ''),
    description: clean(props.description ?? ''),
    serial: props.serial ? clean(props.serial) : null,
    size: Math.max(0, image.size),
    created: time(image.created_at),
    uploaded: time(image.uploaded_at),
    kind: image.type === 'virtual-machine' ? 'virtual-machine' : 'container',
  };
}

/** `GET /1.0/images/aliases/NAME`: the fingerprint it points at. */
export function parseAliasTarget(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const target = str(value.target);
  return target && /^[0-9a-f]{64}$/.test(target) ? target : null;
}

/** `GET /1.0`: the server's name, version and architectures. */
export interface LxdServerInfo {
  server: string;
  version: string;
  architectures: string[];
  auth: string;
}

export function parseServerInfo(value: unknown): LxdServerInfo {
  const env = isRecord(value) && isRecord(value.environment) ? value.environment : {};
  const archs = Array.isArray(env.architectures) ? env.architectures.filter((a): a is string => typeof a === 'string').map(clean) : [];
  return {
    server: clean(str(env.server) ?? 'lxd'),
    version: clean(str(env.server_version) ?? ''),
    architectures: archs,
    auth: isRecord(value) ? clean(str(value.auth) ?? '') : '',
  };
}

// ---- simplestreams ----

/** `streams/v1/index.json`: paths of the image-downloads products files. */
export function parseStreamsIndex(value: unknown): string[] {
  if (!isRecord(value) || !isRecord(value.index)) return [];
  const paths: string[] = [];
  for (const entry of Object.values(value.index)) {
    if (!isRecord(entry)) continue;
    const path = str(entry.path);
    if (str(entry.datatype) === 'image-downloads' && path && safeRelativePath(path)) paths.push(path);
  }
  return paths;
}

/** Root-file types that make a container image with a `lxd.tar.xz` (or `incus.tar.xz`) metadata file. */
const CONTAINER_ROOTS: Record<string, string> = { squashfs: 'combined_squashfs_sha256', 'root.tar.xz': 'combined_rootxz_sha256' };
const META_TYPES = new Set(['lxd.tar.xz', 'incus.tar.xz']);
const COMBINED_TYPES = new Set(['lxd_combined.tar.gz', 'incus_combined.tar.gz']);

/**
 * A products file → container products (virtual-machine-only products dropped; versions without a container
 * image dropped), each with its versions newest first. Follows LXD's own reading (shared/simplestreams/products.go):
 * the serial's first 8 characters are the build date; the fingerprint is the metadata item's combined_* hash.
 */
export function parseProducts(value: unknown): LxcProduct[] {
  if (!isRecord(value) || !isRecord(value.products)) return [];
  const out: LxcProduct[] = [];
  for (const [id, raw] of Object.entries(value.products)) {
    if (!isRecord(raw)) continue;
    const arch = str(raw.arch);
    if (!arch) continue;
    const versions: LxcVersion[] = [];
    if (isRecord(raw.versions)) {
      for (const [serial, v] of Object.entries(raw.versions)) {
        if (!isRecord(v) || !isRecord(v.items)) continue;
        const version = containerVersion(serial, v.items);
        if (version) versions.push(version);
      }
    }
    if (versions.length === 0) continue;
    versions.sort((a, b) => (a.serial < b.serial ? 1 : a.serial > b.serial ? -1 : 0));
    const aliases = (str(raw.aliases) ?? '')
      .split(',')
      .map((a) => clean(a.trim()))
      .filter((a) => a !== '');
    out.push({
      id: clean(id),
      aliases,
      os: clean(str(raw.os) ?? ''),
      release: clean(str(raw.release) ?? ''),
      releaseTitle: clean(str(raw.release_title) ?? ''),
      variant: clean(str(raw.variant) ?? ''),
      architecture: lxdArchitecture(clean(arch)),
      versions,
    });
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

function containerVersion(serial: string, items: JsonRecord): LxcVersion | null {
  if (serial.length < 8 || !/^\d{8}/.test(serial)) return null;
  const list = Object.values(items).filter(isRecord);
  const created = serialDate(serial);
  for (const item of list) {
    const ftype = str(item.ftype) ?? '';
    if (COMBINED_TYPES.has(ftype)) {
      const fp = str(item.sha256);
      if (fp && /^[0-9a-f]{64}$/.test(fp)) return { serial: clean(serial), fingerprint: fp, size: Math.max(0, num(item.size) ?? 0), created };
    }
  }
  const meta = list.find((i) => META_TYPES.has(str(i.ftype) ?? ''));
  if (!meta) return null;
  for (const rootType of ['squashfs', 'root.tar.xz']) {
    const root = list.find((i) => str(i.ftype) === rootType);
    const key = CONTAINER_ROOTS[rootType] ?? '';
    let fp = str(meta[key]);
    if (!fp && rootType === 'root.tar.xz') fp = str(meta.combined_sha256);
    if (root && fp && /^[0-9a-f]{64}$/.test(fp)) {
      return { serial: clean(serial), fingerprint: fp, size: Math.max(0, (num(meta.size) ?? 0) + (num(root.size) ?? 0)), created };
    }
  }
  return null;
}

/** `20241130_07:42` → 2024-11-30T00:00:00.000Z (LXD takes the date only). */
function serialDate(serial: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(serial);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function safeRelativePath(path: string): boolean {
  return !path.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.split('/').includes('..');
}

function time(value: string | undefined): string | null {
  if (!value || value.startsWith('0001-01-01') || value.startsWith('1970-01-01T00:00:00')) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function clean(text: string): string {
  return sanitizeLine(text.slice(0, 4096));
}
