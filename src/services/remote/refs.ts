// Reading a REF for remote operations, with `--registry NAME` (DESIGN.md "CLI grammar"): a short name is
// looked up on that registry (`app` -> `HOST/app`; `library/` only on docker.io); a REF that already names
// another host together with --registry is a 400.
import { InvalidInput } from '../../domain/errors';
import { DOCKER_HUB_DOMAIN, normalizeReference, type ImageRef } from '../../domain/reference';
import { registryHost } from '../../domain/registry';
import { sanitizeLine } from '../../domain/sanitize';
import type { RegistryService } from '../registries';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Does the text name its registry explicitly (first component with '.', ':' or `localhost`)? */
export function namesHost(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const first = text.slice(0, slash);
  return first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first;
}

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (HUB_ALIASES.has(x) && HUB_ALIASES.has(y));
}

/** Normalises a REF, resolving a short name against `--registry NAME` when given. */
export function resolveRef(text: string, registries: Pick<RegistryService, 'get'>, registryName?: string): ImageRef {
  const input = text.trim();
  if (!input) throw new InvalidInput('give an image name');
  if (!registryName) return normalizeReference(input);
  const registry = registries.get(registryName);
  const host = registry.builtin ? DOCKER_HUB_DOMAIN : registryHost(registry.url);
  if (namesHost(input)) {
    const ref = normalizeReference(input);
    if (!sameHost(ref.domain, host)) {
      throw new InvalidInput(`"${sanitizeLine(input)}" names registry ${ref.domain}, not ${registry.name} (${host})`, {
        hint: 'drop --registry, or give the name without its host',
      });
    }
    return ref;
  }
  return host === DOCKER_HUB_DOMAIN ? normalizeReference(input) : normalizeReference(`${host}/${input}`);
}

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
