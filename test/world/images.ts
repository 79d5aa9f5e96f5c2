// Images made in Node and pushed straight through the Registry HTTP API (no engine involved): gzip tar
// layers of random bytes, a config, a schema2 or OCI manifest, multi-platform indexes with a BuildKit-style
// attestation manifest, and one manifest under many tags.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mapLimited } from './async.js';
import { RegistryClient, sha256 } from './registry-client.js';
import { parentDirs, tar } from './tar.js';
import type { BuiltLayer, ImageSpec, IndexSpec, LayerSpec, Platform, RegistryInfo } from './types.js';

const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

export function hostPlatform(): Platform {
  switch (process.arch) {
    case 'x64':
      return { os: 'linux', architecture: 'amd64' };
    case 'arm64':
      return { os: 'linux', architecture: 'arm64', variant: 'v8' };
    case 'arm':
      return { os: 'linux', architecture: 'arm', variant: 'v7' };
    default:
      return { os: 'linux', architecture: process.arch };
  }
}

export function makeLayer(spec: LayerSpec | number, index = 0): BuiltLayer {
  const files = typeof spec === 'number' ? [{ path: `data/layer-${index}.bin`, size: spec }] : spec.files;
  const entries = files.map((f) => ({
    name: f.path.replace(/^\/+/, ''),
    data: f.content !== undefined ? Buffer.from(f.content) : randomBytes(f.size ?? 0),
    mode: f.mode,
  }));
  const raw = tar([...parentDirs(entries.map((e) => e.name)), ...entries]);
  const gzip = gzipSync(raw, { level: 1 }); // random content does not compress; keep it fast
  return { kind: 'built', gzip, digest: sha256(gzip), diffId: sha256(raw) };
}

const asBuilt = (l: ImageSpec['layers'][number], i: number): BuiltLayer =>
  typeof l === 'object' && 'kind' in l ? l : makeLayer(l, i);

interface PushedManifest {
  digest: string;
  size: number;
  mediaType: string;
}

/** Push layers, config and manifest; tag it when `tag` is given (else it is reachable by digest only). */
async function pushManifestOf(client: RegistryClient, repo: string, tag: string | undefined, spec: ImageSpec): Promise<PushedManifest> {
  const oci = spec.format === 'oci';
  const platform = spec.platform ?? hostPlatform();
  const layers = spec.layers.map(asBuilt);
  const created = spec.created ?? new Date().toISOString();
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created,
      config: spec.config ?? {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created, created_by: `COPY layer-${i} / # stevedore test world` })),
    }),
  );
  await Promise.all(layers.map((l) => client.pushBlob(repo, l.gzip, l.digest)));
  const configDigest = await client.pushBlob(repo, config);
  const mediaType = oci ? MT.ociManifest : MT.dockerManifest;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, size: config.length, digest: configDigest },
      layers: layers.map((l) => ({ mediaType: oci ? MT.ociLayer : MT.dockerLayer, size: l.gzip.length, digest: l.digest })),
    }),
  );
  const digest = await client.putManifest(repo, tag ?? sha256(manifest), manifest, mediaType);
  return { digest, size: manifest.length, mediaType };
}

export async function pushImage(reg: RegistryInfo, repo: string, tag: string, spec: ImageSpec): Promise<{ digest: string }> {
  const { digest } = await pushManifestOf(new RegistryClient(reg), repo, tag, spec);
  return { digest };
}

/** An attestation manifest as BuildKit attaches it: OCI manifest, unknown/unknown, one in-toto layer. */
async function pushAttestation(client: RegistryClient, repo: string, subject: string): Promise<PushedManifest> {
  const statement = Buffer.from(
    JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject: [{ digest: { sha256: subject.slice(7) } }], predicate: {} }),
  );
  const config = Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(statement)] } }));
  const [layerDigest, configDigest] = await Promise.all([client.pushBlob(repo, statement), client.pushBlob(repo, config)]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, digest: configDigest, size: config.length },
      layers: [{ mediaType: MT.inToto, digest: layerDigest, size: statement.length, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
    }),
  );
  const digest = await client.putManifest(repo, sha256(manifest), manifest, MT.ociManifest);
  return { digest, size: manifest.length, mediaType: MT.ociManifest };
}

export interface PushedIndex {
  digest: string;
  manifests: Array<{ platform: Platform; digest: string }>;
}

export async function pushIndex(reg: RegistryInfo, repo: string, tag: string, spec: IndexSpec): Promise<PushedIndex> {
  const client = new RegistryClient(reg);
  const oci = spec.format !== 'docker';
  const children = await Promise.all(
    spec.platforms.map(async ({ platform, image }) => ({
      platform,
      pushed: await pushManifestOf(client, repo, undefined, { ...image, platform, format: oci ? 'oci' : 'docker' }),
    })),
  );
  const entries: Array<Record<string, unknown>> = children.map((c) => ({
    mediaType: c.pushed.mediaType,
    digest: c.pushed.digest,
    size: c.pushed.size,
    platform: c.platform,
  }));
  const first = children[0];
  if (spec.attestation && oci && first) {
    const att = await pushAttestation(client, repo, first.pushed.digest);
    entries.push({
      mediaType: att.mediaType,
      digest: att.digest,
      size: att.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: { 'vnd.docker.reference.digest': first.pushed.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    });
  }
  const mediaType = oci ? MT.ociIndex : MT.dockerList;
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }));
  const digest = await client.putManifest(repo, tag, index, mediaType);
  return { digest, manifests: children.map((c) => ({ platform: c.platform, digest: c.pushed.digest })) };
}

/** Put the manifest of `fromTag` under every tag in `tags` (a manifest PUT each; no blobs move). */
export async function putTags(reg: RegistryInfo, repo: string, fromTag: string, tags: string[], concurrency = 8): Promise<void> {
  const client = new RegistryClient(reg);
  const { body, mediaType } = await client.getManifest(repo, fromTag);
  await mapLimited(tags, concurrency, (tag) => client.putManifest(repo, tag, body, mediaType));
}
