// Local images on the engine: the Local depot, inspect (REF, digest, full or short image ID) and delete
// (untag vs delete as the engine does it, --force, 409 naming the containers, 404 in the seed's words).
// Prune (dangling, or every unused image with --all) is diskUsage.ts's: it says first what it will remove.
import { Conflict } from '../../domain/errors';
import type { LocalRepository } from '../../domain/images';
import { familiarString, isImageId, normalizeReference } from '../../domain/reference';
import { sanitizeDeep, sanitizeLine } from '../../domain/sanitize';
import { type EngineClient, EngineRequestError } from '../../clients/engine/index';
import { filterLocal, groupLocalImages } from './depot';
import { engineFailure, imageNotFound } from './errors';

export interface RemoveResult {
  /** What was asked for, as typed. */
  name: string;
  untagged: string[];
  deleted: string[];
}

export class LocalImageService {
  constructor(private readonly client: () => Promise<EngineClient>) {}

  /** Every repository with every tag; `filter` keeps matching names, tags or image IDs. */
  async listLocal(options: { filter?: string; signal?: AbortSignal } = {}): Promise<LocalRepository[]> {
    const client = await this.client();
    const [images, containers] = await Promise.all([client.listImages(options.signal), client.listContainers(options.signal)]).catch((error: unknown) => {
      throw engineFailure(error);
    });
    const repos = groupLocalImages(images, containers);
    return options.filter ? filterLocal(repos, options.filter) : repos;
  }

  /** The engine's inspect JSON (strings cleaned of terminal controls). */
  async inspect(refOrId: string): Promise<Record<string, unknown>> {
    const name = engineName(refOrId);
    const client = await this.client();
    try {
      return sanitizeDeep(await client.inspectImage(name));
    } catch (error) {
      throw notFoundAs(error, refOrId);
    }
  }

  /** Untags a reference (and deletes the image when it was the last one), or deletes an image by ID. */
  async remove(refOrId: string, options: { force?: boolean } = {}): Promise<RemoveResult> {
    const name = engineName(refOrId);
    const force = options.force ?? false;
    const client = await this.client();
    try {
      const { untagged, deleted } = await client.removeImage(name, force);
      return { name: sanitizeLine(refOrId.trim()), untagged, deleted };
    } catch (error) {
      if (error instanceof EngineRequestError && error.statusCode === 409) throw await this.conflict(client, name, refOrId, error.message, force);
      throw notFoundAs(error, refOrId);
    }
  }

  /** Points `repo:tag` (a full repository name) at an image ID: `image rollback`. */
  async tag(id: string, repo: string, tag: string): Promise<void> {
    const client = await this.client();
    try {
      await client.tagImage(id, repo, tag);
    } catch (error) {
      throw notFoundAs(error, id);
    }
  }

  /** A 409 on delete: name the containers that hold the image (name and short id). */
  private async conflict(client: EngineClient, name: string, asked: string, engineText: string, force: boolean): Promise<Conflict> {
    let holders: string[] = [];
    try {
      const id = String((await client.inspectImage(name)).Id ?? '');
      const containers = await client.listContainers();
      holders = containers
        .filter((c) => c.imageId === id)
        .map((c) => `${sanitizeLine(c.names[0] ?? c.id.slice(0, 12))} (${c.id.slice(0, 12)}, ${sanitizeLine(c.state) || 'unknown'})`);
    } catch {
      // fall back to the engine's own words
    }
    const label = sanitizeLine(asked.trim());
    if (holders.length === 0) {
      const multiple = /multiple repositories|must be forced/i.test(engineText);
      return new Conflict(`cannot remove ${label}: ${engineText}`, multiple && !force ? { hint: 'use --force to remove it from every repository' } : {});
    }
    const running = /running container/i.test(engineText);
    return new Conflict(`image ${label} is in use by container${holders.length === 1 ? '' : 's'}: ${holders.join(', ')}`, {
      hint: running || force ? 'stop and remove the container first (`docker rm -f NAME`)' : 'remove the container first, or use --force to delete the image anyway',
    });
  }
}

/** What to send to the engine for a REF, digest or image ID typed by the user (invalid references are a 400). */
export function engineName(input: string): string {
  const text = input.trim();
  if (isImageId(text)) return text;
  return familiarString(normalizeReference(text));
}

function notFoundAs(error: unknown, asked: string): unknown {
  if (error instanceof EngineRequestError && error.statusCode === 404) return imageNotFound(asked.trim());
  return engineFailure(error);
}
