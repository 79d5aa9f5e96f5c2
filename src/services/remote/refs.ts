// Reading a REF for remote operations: `--registry NAME` is the one rule of src/domain/registry.ts
// (resolveRef); here what tags and inspect add to it.
import { InvalidInput } from '../../domain/errors';
import type { ImageRef } from '../../domain/reference';
import { sanitizeLine } from '../../domain/sanitize';

export { resolveRef } from '../../domain/registry';

/** A repository name without tag or digest (for `image tags`, saved repositories). */
export function repositoryOnly(ref: ImageRef, what: string): ImageRef {
  if (ref.tag || ref.digest) throw new InvalidInput(`${what} takes a repository name without a tag or digest (got "${sanitizeLine(ref.familiar)}")`);
  return ref;
}

/** The tag or digest a REF points at, `latest` when it has neither (Docker's ParseDockerRef). */
export function referenceOf(ref: ImageRef): { reference: string; tag: string } {
  if (ref.digest) return { reference: ref.digest, tag: ref.tag ?? '' };
  const tag = ref.tag ?? 'latest';
  return { reference: tag, tag };
}
