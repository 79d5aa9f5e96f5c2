// What the engine says about each image's layers, fetched once per image ID: the chain (inspect's
// RootFS.Layers, turned into chain IDs, the names of layers on disk) and the bytes of each layer (the image
// history). An image ID is the digest of its config, so neither changes for that ID: they are kept in memory
// and in layers-<engine key>.json in the settings directory (mode 0600, written atomically), so a one-shot
// `image list --json` asks the engine only about images it has not seen before. The file is a cache: one that
// cannot be read is ignored and written again.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { layerSizesFromHistory } from '../../domain/layerHistory';
import { EngineRequestError, type EngineClient } from '../../clients/engine/index';
import { engineFailure } from './errors';

export interface Facts {
  /** Chain IDs, bottom first. */
  chain: string[];
  /** Bytes per layer; absent until the history was read; null when it did not match the layers. */
  sizes?: number[] | null;
  exact?: boolean;
}

const VERSION = 1;
const CONCURRENCY = 8;

/** Chain IDs of a list of diff IDs (the layer store's names: the first layer's is its diff ID). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let previous = '';
  for (const diffId of diffIds) {
    previous = previous ? `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}` : diffId;
    out.push(previous);
  }
  return out;
}

export class LayerFacts {
  private readonly known = new Map<string, Facts>();
  private loaded = false;
  private dirty = false;

  constructor(
    private readonly client: () => Promise<EngineClient>,
    /** The cache file, or null to keep facts in memory only. */
    private readonly file: string | null,
  ) {}

  get(id: string): Facts | undefined {
    this.load();
    return this.known.get(id);
  }

  /** Makes sure the chain of every image is known (inspecting the ones that are not). Images gone meanwhile are left out. */
  async fetchChains(ids: readonly string[], signal?: AbortSignal): Promise<void> {
    this.load();
    const missing = ids.filter((id) => !this.known.has(id));
    if (missing.length === 0) return;
    const client = await this.client();
    await eachLimited(missing, CONCURRENCY, async (id) => {
      const diffIds = await gone(client.imageLayers(id, signal));
      if (diffIds === null) return;
      this.known.set(id, { chain: chainIds(diffIds) });
      this.dirty = true;
    });
  }

  /**
   * Reads the history of the images whose layer sizes are needed, a few at a time; `needed` is asked again
   * before each one, so images whose layers all got known from another image's history are not asked about.
   * `learned` is told of each image whose sizes were read.
   */
  async fetchSizes(ids: readonly string[], needed: (id: string) => boolean, learned: (id: string) => void, signal?: AbortSignal): Promise<void> {
    this.load();
    const queue = ids.filter((id) => this.known.get(id)?.sizes === undefined);
    if (queue.length === 0) return;
    const client = await this.client();
    await eachLimited(queue, CONCURRENCY, async (id) => {
      const facts = this.known.get(id);
      if (!facts || facts.sizes !== undefined || !needed(id)) return;
      const history = await gone(client.imageHistory(id, signal));
      if (history === null) return;
      const matched = layerSizesFromHistory(history, facts.chain.length);
      this.known.set(id, { ...facts, sizes: matched?.sizes ?? null, exact: matched?.exact ?? false });
      this.dirty = true;
      learned(id);
    });
  }

  /** Writes what was learned, keeping only the images in `present` (those on the engine now). */
  save(present: Iterable<string>): void {
    if (!this.file || !this.dirty) return;
    const images: Record<string, Facts> = {};
    for (const id of present) {
      const facts = this.known.get(id);
      if (facts) images[id] = facts;
    }
    const tmp = `${this.file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify({ version: VERSION, images })}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A cache: the next run asks the engine again.
      try {
        unlinkSync(tmp);
      } catch {
        // nothing written
      }
    }
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file) return;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return; // none yet, or unreadable: it is written again
    }
    if (!isRecord(raw) || raw.version !== VERSION || !isRecord(raw.images)) return;
    for (const [id, value] of Object.entries(raw.images)) {
      const facts = parseFacts(value);
      if (ID.test(id) && facts) this.known.set(id, facts);
    }
  }
}

const ID = /^sha256:[a-f0-9]{64}$/;

function parseFacts(value: unknown): Facts | null {
  if (!isRecord(value) || !Array.isArray(value.chain) || !value.chain.every((c) => typeof c === 'string' && ID.test(c))) return null;
  const chain = value.chain as string[];
  if (value.sizes === undefined) return { chain };
  if (value.sizes === null) return { chain, sizes: null, exact: false };
  const sizes = value.sizes;
  if (!Array.isArray(sizes) || sizes.length !== chain.length || !sizes.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) return null;
  return { chain, sizes: sizes as number[], exact: value.exact === true };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The answer, or null when the image is gone (404: deleted since it was listed); other failures are typed. */
async function gone<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof EngineRequestError && error.statusCode === 404) return null;
    throw engineFailure(error);
  }
}

/** `fn` over `items`, at most `limit` at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
