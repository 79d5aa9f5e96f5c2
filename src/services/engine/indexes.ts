// What the remote side asks of the engine (src/services/ports.ts): which repositories and tags are here, and
// which repositories local images and containers use. Null when the engine cannot be reached.
import type { EngineClient } from '../../clients/engine/index';
import { repositoryOf } from '../../domain/reference';
import { NONE, groupLocalImages } from './depot';

export async function installedIndex(client: () => Promise<EngineClient>): Promise<Map<string, Set<string>> | null> {
  try {
    const index = new Map<string, Set<string>>();
    for (const repo of groupLocalImages(await (await client()).listImages(), [])) {
      if (!repo.fullName) continue;
      index.set(repo.fullName, new Set(repo.images.map((i) => i.tag).filter((t) => t !== NONE)));
    }
    return index;
  } catch {
    return null;
  }
}

export async function localUsage(client: () => Promise<EngineClient>): Promise<{ images: Set<string>; containers: Set<string> } | null> {
  try {
    const c = await client();
    const [list, containers] = await Promise.all([c.listImages(), c.listContainers()]);
    const reposById = new Map<string, string[]>();
    const images = new Set<string>();
    for (const img of list) {
      const names = [...img.repoTags, ...img.repoDigests].map((r) => repositoryOf(r)).filter((n): n is string => n !== null);
      reposById.set(img.id, names);
      for (const n of names) images.add(n);
    }
    const used = new Set<string>();
    for (const container of containers) {
      for (const n of reposById.get(container.imageId) ?? []) used.add(n);
      const named = container.image.startsWith('sha256:') ? null : repositoryOf(container.image);
      if (named) used.add(named);
    }
    return { images, containers: used };
  } catch {
    return null;
  }
}
