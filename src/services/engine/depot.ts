// The Local depot: the engine's images grouped by repository with every tag (DESIGN.md "Depots"),
// dangling images as one `<none>` result, in a stable order, optionally filtered by text.
import type { LocalImage, LocalRepository } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';
import type { EngineContainer, EngineImage } from '../../clients/engine/index';

export const NONE = '<none>';

interface RepoParts {
  name: string;
  fullName: string;
}

/** Engine names follow the reference grammar; anything else is cleaned before anyone sees it. */
function clean(text: string): string {
  return /^[\x21-\x7e]*$/.test(text) ? text : sanitizeLine(text);
}

/**
 * `redis`, `team/app`, `127.0.0.1:5000/team/app` as the engine writes them (already valid and familiar) →
 * familiar and full names, by Docker's normalisation (splitDockerDomain) without parsing again: a listing
 * of thousands of images does this once per repository.
 */
function repoParts(raw: string, cache: Map<string, RepoParts>): RepoParts {
  let parts = cache.get(raw);
  if (parts) return parts;
  const name = clean(raw);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const explicit = slash >= 0 && (first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase());
  const domain = !explicit || first === 'index.docker.io' ? 'docker.io' : first;
  let path = explicit ? name.slice(slash + 1) : name;
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const familiar = domain !== 'docker.io' ? `${domain}/${path}` : path.startsWith('library/') && !path.slice(8).includes('/') ? path.slice(8) : path;
  parts = { name: familiar, fullName: `${domain}/${path}` };
  cache.set(raw, parts);
  return parts;
}

/** Splits `name:tag` (the tag is after the last colon that follows the last slash). */
function splitRepoTag(repoTag: string): { repo: string; tag: string } {
  const colon = repoTag.lastIndexOf(':');
  if (colon > repoTag.lastIndexOf('/')) return { repo: repoTag.slice(0, colon), tag: repoTag.slice(colon + 1) };
  return { repo: repoTag, tag: 'latest' };
}

export function groupLocalImages(images: EngineImage[], containers: EngineContainer[]): LocalRepository[] {
  const users = new Map<string, string[]>();
  for (const c of containers) {
    const list = users.get(c.imageId) ?? [];
    list.push(clean(c.names[0] ?? c.id.slice(0, 12)));
    users.set(c.imageId, list);
  }
  const cache = new Map<string, RepoParts>();
  const repos = new Map<string, { parts: RepoParts; images: LocalImage[] }>();
  const dangling: LocalImage[] = [];
  const add = (parts: RepoParts, image: LocalImage): void => {
    let repo = repos.get(parts.fullName);
    if (!repo) repos.set(parts.fullName, (repo = { parts, images: [] }));
    repo.images.push(image);
  };
  for (const img of images) {
    const names = users.get(img.id)?.sort();
    const base: Omit<LocalImage, 'tag'> = {
      id: img.id,
      size: img.size,
      created: new Date(img.created * 1000).toISOString(),
      inUse: names !== undefined,
      digests: img.repoDigests.map(clean),
      ...(names ? { containers: names } : {}),
    };
    if (img.repoTags.length > 0) {
      for (const repoTag of img.repoTags) {
        const { repo, tag } = splitRepoTag(repoTag);
        add(repoParts(repo, cache), { ...base, tag: clean(tag) });
      }
      continue;
    }
    // Pulled by digest only: listed under its repository without a tag (as `docker images` shows it).
    const digestRepos = new Set(img.repoDigests.map((d) => d.split('@')[0] ?? d));
    if (digestRepos.size > 0) {
      for (const repo of digestRepos) add(repoParts(repo, cache), { ...base, tag: NONE });
    } else {
      dangling.push({ ...base, tag: NONE });
    }
  }
  const result: LocalRepository[] = [...repos.values()].map(({ parts, images: list }) => repository(parts.name, parts.fullName, list));
  result.sort((a, b) => compare(a.name, b.name) || compare(a.fullName, b.fullName));
  if (dangling.length > 0) result.push(repository(NONE, '', dangling));
  return result;
}

function repository(name: string, full: string, images: LocalImage[]): LocalRepository {
  images.sort(
    (a, b) =>
      Number(b.tag === 'latest') - Number(a.tag === 'latest') ||
      Number(a.tag === NONE) - Number(b.tag === NONE) ||
      compare(b.created, a.created) ||
      compare(a.tag, b.tag) ||
      compare(a.id, b.id),
  );
  const latest = images.find((i) => i.tag === 'latest');
  return {
    name,
    fullName: full,
    images,
    isLatest: latest ? images.filter((i) => i.id === latest.id && i.tag !== NONE).map((i) => i.tag) : [],
    inUse: images.some((i) => i.inUse),
  };
}

/**
 * Keeps repositories whose name contains `text` (all their tags), and otherwise the tags whose `name:tag`
 * contains it or whose image id starts with it. Case-insensitive.
 */
export function filterLocal(repos: LocalRepository[], text: string): LocalRepository[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return repos;
  const out: LocalRepository[] = [];
  for (const repo of repos) {
    if (repo.name.toLowerCase().includes(needle) || repo.fullName.toLowerCase().includes(needle)) {
      out.push(repo);
      continue;
    }
    const images = repo.images.filter(
      (i) => `${repo.name}:${i.tag}`.toLowerCase().includes(needle) || i.id.replace(/^sha256:/, '').startsWith(needle.replace(/^sha256:/, '')),
    );
    if (images.length > 0) {
      const tags = new Set(images.map((i) => i.tag));
      out.push({ ...repo, images, isLatest: repo.isLatest.filter((t) => tags.has(t)), inUse: images.some((i) => i.inUse) });
    }
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
