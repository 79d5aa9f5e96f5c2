// `image inspect REF --remote`: what a registry says about an image, without pulling it. A multi-platform
// index is resolved to one platform (--platform, else the `platform` setting, else the engine's, else
// linux/amd64; attestation manifests are never chosen nor listed); `Digest` is what the reference resolves
// to (the index for a multi-platform image, as `docker pull` prints), `ManifestDigest` the chosen platform's.
import {
  choosePlatform,
  isAttestation,
  parseImageConfig,
  parsePlatformString,
  platformString,
  type FetchedManifest,
  type ImageConfig,
  type Manifest,
} from '../../clients/registry/index';
import { platformMatches, type PlatformSpec } from '../../clients/registry/manifest';
import { BadResponse, NotFound } from '../../domain/errors';
import type { RemoteInspect } from '../../domain/images';
import { familiarName } from '../../domain/reference';
import { stripControl, sanitizeLine } from '../../domain/sanitize';
import { parsePlatform } from '../../domain/settings';
import type { Connections } from './connections';
import type { RemoteDeps } from './index';
import { referenceOf, resolveRef } from './refs';

export interface InspectOptions {
  registry?: string;
  /** `os/arch[/variant]`. */
  platform?: string;
  signal?: AbortSignal;
}

export const DEFAULT_PLATFORM = 'linux/amd64';

export class RemoteInspector {
  constructor(
    private readonly deps: RemoteDeps,
    private readonly connections: Connections,
  ) {}

  async remote(text: string, options: InspectOptions = {}): Promise<RemoteInspect> {
    const explicit = options.platform ? parsePlatform(options.platform) : undefined;
    const ref = resolveRef(text, this.deps.registries, options.registry);
    const { reference, tag } = referenceOf(ref);
    const name = familiarName(ref);
    const shown = ref.digest ? `${name}@${ref.digest}` : `${name}:${tag}`;
    const client = this.connections.v2(ref.domain);
    const signal = options.signal;
    const top = await client.manifest(ref.path, reference, { display: name, signal });
    let image: FetchedManifest = top;
    let platforms: string[] = [];
    let chosen: string | undefined;
    if (top.manifest.kind === 'index') {
      const entries = top.manifest.manifests.filter((e) => !isAttestation(e));
      platforms = unique(entries.map((e) => shownPlatform(e.platform)));
      const wanted = explicit ?? (await this.defaultPlatform());
      const entry = choosePlatform(top.manifest.manifests, parsePlatformString(wanted));
      if (!entry) {
        throw new NotFound(`Image not found: ${shown} for platform ${wanted}`, { hint: `it has ${platforms.join(', ') || 'no runnable platform'}; choose one with --platform` });
      }
      chosen = shownPlatform(entry.platform);
      image = await client.manifest(ref.path, entry.digest, { display: name, signal });
      if (image.manifest.kind !== 'image') throw new BadResponse(`${client.host}: the ${chosen} entry of ${shown} is not an image manifest`);
    }
    const manifest = image.manifest as Extract<Manifest, { kind: 'image' }>;
    if (manifest.kind !== 'image') throw new BadResponse(`${client.host}: ${shown} is not an image manifest`);
    const config: ImageConfig = parseImageConfig(await client.blobJson(ref.path, manifest.config.digest, { display: name, signal }), `${client.host}: ${shown}`);
    const own = shownPlatform({ os: config.os || 'linux', architecture: config.architecture || 'amd64', ...(config.variant ? { variant: config.variant } : {}) });
    if (top.manifest.kind !== 'index') {
      platforms = [own];
      // A single-platform image asked for another platform — with --platform or the `platform` setting — says
      // so (as docker does), rather than another platform's answer. (Only the engine's own platform, a guess,
      // lets it through.)
      const have = { os: config.os || 'linux', architecture: config.architecture || 'amd64', ...(config.variant ? { variant: config.variant } : {}) };
      const setting = explicit ? undefined : this.deps.settings().platform || undefined;
      const asked = explicit ?? setting;
      if (asked && !platformMatches(have, parsePlatformString(asked))) {
        const hint = setting ? `it has ${own} only; the platform comes from the \`platform\` setting (\`stevedore config set platform ""\` uses the engine's)` : `it has ${own} only`;
        throw new NotFound(`Image not found: ${shown} for platform ${asked}`, { hint });
      }
    }
    const layers = manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: sanitizeLine(l.mediaType) }));
    return {
      name,
      tag,
      digest: top.digest,
      manifestDigest: image.digest,
      platform: chosen ?? own,
      platforms,
      mediaType: sanitizeLine(top.mediaType),
      created: config.created ? sanitizeLine(config.created) : null,
      architecture: sanitizeLine(config.architecture),
      os: sanitizeLine(config.os),
      variant: config.variant ? sanitizeLine(config.variant) : null,
      config: {
        cmd: cleanList(config.cmd),
        entrypoint: cleanList(config.entrypoint),
        env: cleanList(config.env),
        exposedPorts: cleanList(config.exposedPorts),
        labels: config.labels ? Object.fromEntries(Object.entries(config.labels).map(([k, v]) => [sanitizeLine(k), stripControl(v)])) : null,
        workingDir: config.workingDir ? sanitizeLine(config.workingDir) : null,
        user: config.user ? sanitizeLine(config.user) : null,
      },
      layers,
      size: manifest.config.size + layers.reduce((sum, l) => sum + l.size, 0),
    };
  }

  /** The `platform` setting, else the engine's, else linux/amd64. */
  private async defaultPlatform(): Promise<string> {
    const setting = this.deps.settings().platform;
    if (setting) return setting;
    const engine = await this.deps.enginePlatform().catch(() => null);
    if (engine) {
      try {
        return parsePlatform(engine);
      } catch {
        // an odd answer from the engine: use the default
      }
    }
    return DEFAULT_PLATFORM;
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** `os/arch[/variant]` of a platform the registry named (an entry without one counts as linux/amd64), sanitised. */
function shownPlatform(p: PlatformSpec | null): string {
  if (!p) return platformString({ os: 'linux', architecture: 'amd64' });
  const variant = p.variant ? sanitizeLine(p.variant) : '';
  return platformString({ os: sanitizeLine(p.os), architecture: sanitizeLine(p.architecture), ...(variant ? { variant } : {}) });
}

function cleanList(list: string[] | null): string[] | null {
  return list ? list.map((s) => stripControl(s)) : null;
}
