// "Which version tags share this digest?" where the tag list carries no digests (every registry but Docker
// Hub's web API): a HEAD per candidate tag, version-looking tags only, highest first, at most MAX_CANDIDATES,
// a few at a time (issue 22). HEADs are free on Docker Hub's pull limit and cheap everywhere else.
import type { RegistryV2Client } from '../../clients/registry/index';
import { isCancellation } from '../../domain/errors';
import { looksLikeVersion } from '../../domain/tags';
import { orderSameAs } from '../../domain/versions';

export const MAX_CANDIDATES = 12;
const AT_ONCE = 4;

export interface CandidateOptions {
  display: string;
  /** Tags not to ask about (the one already known). */
  skip?: readonly string[];
  max?: number;
  signal?: AbortSignal | undefined;
}

/** tag → digest for the highest version-looking tags of `tags` (a tag whose HEAD fails is left out). */
export async function candidateDigests(client: RegistryV2Client, path: string, tags: readonly string[], o: CandidateOptions): Promise<Map<string, string>> {
  const skip = new Set(o.skip ?? []);
  const candidates = orderSameAs(tags.filter((t) => looksLikeVersion(t) && !skip.has(t))).slice(0, o.max ?? MAX_CANDIDATES);
  const out = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      const tag = candidates[next++] as string;
      try {
        const head = await client.manifestHead(path, tag, { display: o.display, signal: o.signal });
        if (head.digest) out.set(tag, head.digest);
      } catch (error) {
        if (isCancellation(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, candidates.length) }, () => worker()));
  return out;
}
