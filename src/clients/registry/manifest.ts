// Manifests, indexes and image configs (Docker schema2 and OCI): media types, the Accept list, and
// parsers that check the shape of what a registry sent before anything uses it.
import { BadResponse, NotSupported } from '../../domain/errors';
import type { ImageRunConfig } from '../../domain/images';
import { isRecord, num, records, str, stringMap, strings, type JsonRecord } from './json';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Every type we read, as containerd sends it (without the list types a registry may answer one platform). */
export const MANIFEST_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex, '*/*'].join(', ');

export const INDEX_TYPES: readonly string[] = [MEDIA.dockerList, MEDIA.ociIndex];
export const IMAGE_TYPES: readonly string[] = [MEDIA.dockerManifest, MEDIA.ociManifest];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexEntry extends Descriptor {
  platform: PlatformSpec | null;
  annotations: Record<string, string>;
}

export type Manifest =
  | { kind: 'index'; mediaType: string; manifests: IndexEntry[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

export interface ImageConfig extends ImageRunConfig {
  architecture: string;
  os: string;
  variant: string | null;
  created: string | null;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** A digest by the OCI grammar (`algorithm:encoded`); nothing else (no spaces, no control characters). */
export function isDigest(value: string): boolean {
  return value.length <= 1024 && DIGEST.test(value);
}

function descriptor(value: JsonRecord, where: string): Descriptor {
  const digest = str(value.digest);
  const size = num(value.size);
  if (!digest || !DIGEST.test(digest) || size === undefined || size < 0) throw new BadResponse(`${where}: a descriptor without a valid digest or size`);
  return { mediaType: str(value.mediaType) ?? '', digest, size };
}

/**
 * Reads a manifest body. `contentType` is the response's Content-Type (parameters ignored); the body's own
 * `mediaType` is used when the header is missing or generic.
 */
export function parseManifest(body: unknown, contentType: string, where: string): Manifest {
  if (!isRecord(body)) throw new BadResponse(`${where}: the manifest is not a JSON object`);
  const headerType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const bodyType = str(body.mediaType) ?? '';
  const generic = headerType === '' || headerType === 'application/json' || headerType === 'application/octet-stream' || headerType === 'text/plain';
  let mediaType = generic ? bodyType : headerType;
  if (!mediaType) mediaType = Array.isArray(body.manifests) ? MEDIA.ociIndex : isRecord(body.config) ? MEDIA.ociManifest : '';
  if (mediaType === MEDIA.schema1 || mediaType === MEDIA.schema1Signed || body.schemaVersion === 1) {
    throw new NotSupported(`${where} uses the old schema 1 manifest format, which stevedore does not read`);
  }
  if (INDEX_TYPES.includes(mediaType) || (Array.isArray(body.manifests) && !isRecord(body.config))) {
    if (!Array.isArray(body.manifests)) throw new BadResponse(`${where}: the index has no manifests list`);
    const manifests = records(body.manifests).map((m) => {
      const d = descriptor(m, where);
      const p = isRecord(m.platform) ? m.platform : undefined;
      const os = p ? str(p.os) : undefined;
      const architecture = p ? str(p.architecture) : undefined;
      const variant = p ? str(p.variant) : undefined;
      const platform: PlatformSpec | null = os && architecture ? { os, architecture, ...(variant ? { variant } : {}) } : null;
      return { ...d, platform, annotations: stringMap(m.annotations) ?? {} };
    });
    return { kind: 'index', mediaType: mediaType || MEDIA.ociIndex, manifests };
  }
  if (!isRecord(body.config)) throw new BadResponse(`${where}: the manifest has no config (media type "${mediaType.slice(0, 80)}")`);
  const config = descriptor(body.config, where);
  const layers = records(body.layers).map((l) => descriptor(l, where));
  if (!Array.isArray(body.layers)) throw new BadResponse(`${where}: the manifest has no layers list`);
  return { kind: 'image', mediaType, config, layers };
}

/** An attestation (BuildKit provenance / SBOM) entry of an index: not an image to run. */
export function isAttestation(entry: IndexEntry): boolean {
  if (entry.annotations['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown';
}

export function platformString(p: PlatformSpec): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** `os/arch[/variant]` → spec. */
export function parsePlatformString(text: string): PlatformSpec {
  const [os = '', architecture = '', variant] = text.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** arm64 means arm64/v8 and arm means arm/v7 unless said otherwise (containerd's normalisation). */
function normalizedVariant(p: PlatformSpec): string | undefined {
  if (p.variant) return p.variant === '8' ? 'v8' : p.variant;
  if (p.architecture === 'arm64') return 'v8';
  if (p.architecture === 'arm') return 'v7';
  return undefined;
}

/** Does an index entry's platform satisfy the wanted one? A missing variant on the wanted side matches any. */
export function platformMatches(have: PlatformSpec | null, want: PlatformSpec): boolean {
  const h = have ?? { os: 'linux', architecture: 'amd64' }; // an entry without platform counts as linux/amd64
  if (h.os !== want.os || h.architecture !== want.architecture) return false;
  if (!want.variant) return true;
  return normalizedVariant(h) === normalizedVariant(want);
}

/** The first non-attestation entry whose platform satisfies the wanted one. */
export function choosePlatform(entries: IndexEntry[], want: PlatformSpec): IndexEntry | undefined {
  return entries.filter((e) => !isAttestation(e)).find((e) => platformMatches(e.platform, want));
}

/** Reads an image config blob. */
export function parseImageConfig(body: unknown, where: string): ImageConfig {
  if (!isRecord(body)) throw new BadResponse(`${where}: the image config is not a JSON object`);
  const c = isRecord(body.config) ? body.config : {};
  const ports = isRecord(c.ExposedPorts) ? Object.keys(c.ExposedPorts) : null;
  const nullable = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
  return {
    architecture: str(body.architecture) ?? '',
    os: str(body.os) ?? '',
    variant: nullable(str(body.variant)),
    created: nullable(str(body.created)),
    cmd: strings(c.Cmd) ?? null,
    entrypoint: strings(c.Entrypoint) ?? null,
    env: strings(c.Env) ?? null,
    exposedPorts: ports,
    labels: stringMap(c.Labels) ?? null,
    workingDir: nullable(str(c.WorkingDir)),
    user: nullable(str(c.User)),
  };
}
