// The versions an update moves between (issue 22: "1.27.2 → 1.27.3", with the release notes): asked only for
// tags with something new to tell, never in a round where nothing changed.
// - from: the local image's `org.opencontainers.image.version` label (the engine's inspect, no request out),
//   else a version tag that still points at the local digest;
// - to: the version tags that point at the new digest: on Docker Hub from the web API's tag list (the newest
//   page carries each tag's digest: no pull counted), elsewhere a HEAD per candidate tag (version-looking,
//   highest first, capped: sameDigest.ts);
// - release notes: from the local image's `org.opencontainers.image.source` label (GitHub, GitLab).
import type { DockerHubClient, RegistryV2Client } from '../../clients/registry/index';
import { isCancellation } from '../../domain/errors';
import type { UpdateNotice } from '../../domain/notice';
import type { UpdateResult } from '../../domain/updates';
import { versionInfo, versionOf } from '../../domain/versions';
import { candidateDigests } from '../remote/sameDigest';

export interface VersionAccess {
  client(host: string): RegistryV2Client;
  isHub(host: string): boolean;
  hub(): DockerHubClient;
}

export interface VersionDeps {
  access: () => Promise<VersionAccess>;
  /** The engine's inspect JSON of a local image. */
  inspect: (id: string) => Promise<Record<string, unknown>>;
  signal?: AbortSignal | undefined;
}

/** Docker Hub's newest tags (one page: the tags of a new image are the most recently updated). */
const HUB_TAGS = 100;

function split(fullName: string): { host: string; path: string } {
  const slash = fullName.indexOf('/');
  return { host: fullName.slice(0, slash), path: fullName.slice(slash + 1) };
}

/** tag → digest of a repository, as cheaply as its registry allows; empty when it cannot be asked. */
async function tagDigests(access: VersionAccess, fullName: string, display: string, skip: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const { host, path } = split(fullName);
  try {
    if (access.isHub(host)) {
      const slash = path.indexOf('/');
      const listing = await access.hub().tagsListing(path.slice(0, slash), path.slice(slash + 1), { display, max: HUB_TAGS, ...(signal ? { signal } : {}) });
      return new Map(listing.items.filter((t) => t.digest !== null).map((t) => [t.name, t.digest as string]));
    }
    const client = access.client(host);
    const tags = await client.tags(path, { display, signal });
    return await candidateDigests(client, path, tags, { display, skip: [skip], signal });
  } catch (error) {
    if (isCancellation(error)) throw error;
    return new Map();
  }
}

/** The notices for these results (each `update_available` with a remote digest), versions filled in where known. */
export async function describeUpdates(results: readonly UpdateResult[], deps: VersionDeps): Promise<UpdateNotice[]> {
  const access = await deps.access();
  const byRepo = new Map<string, Promise<Map<string, string>>>();
  return Promise.all(
    results.map(async (r): Promise<UpdateNotice> => {
      const remoteDigest = r.remoteDigest ?? '';
      const labels = await deps
        .inspect(r.id)
        .then((raw) => {
          const config = raw.Config;
          return config !== null && typeof config === 'object' ? ((config as Record<string, unknown>).Labels as Record<string, unknown> | null | undefined) : null;
        })
        .catch(() => null);
      const info = versionInfo(labels);
      let digests = byRepo.get(r.fullName);
      if (!digests) byRepo.set(r.fullName, (digests = tagDigests(access, r.fullName, r.name, r.tag, deps.signal)));
      const all = await digests;
      const sharing = (digest: string | null): string[] => (digest ? [...all].filter(([tag, d]) => d === digest && tag !== r.tag).map(([tag]) => tag) : []);
      return {
        name: r.name,
        fullName: r.fullName,
        tag: r.tag,
        id: r.id,
        localDigest: r.localDigest,
        remoteDigest,
        fromVersion: info.version ?? versionOf(sharing(r.localDigest)),
        toVersion: versionOf(sharing(remoteDigest)),
        releaseNotes: info.releaseNotes,
      };
    }),
  );
}
