// Disk truth (issue 23): what each image costs on its own, what deleting a set of images frees, deleting
// that set, and prune that says first what it will do. The counting is domain/diskUsage.ts's LayerGraph; this
// service feeds it the engine's images (the Local listing, unfiltered: sharing is counted over every image)
// and the layer facts (layerFacts.ts: inspect and history once per image ID, cached), asking the engine only
// what the question needs: the chains of every image, the layer sizes of the images asked about.
import { type DiskImage, type ImageDiskSize, LayerGraph, type ReclaimPlan, imagesDeleted } from '../../domain/diskUsage';
import type { LocalImage, LocalRepository } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';
import { type EngineClient, EngineRequestError } from '../../clients/engine/index';
import { NONE } from './depot';
import { engineFailure } from './errors';
import { type LayerFacts, eachLimited } from './layerFacts';

/** The image IDs kept for rollback now (issue 22's rollback store); they are never pruned. */
export type KeptImages = () => Promise<ReadonlySet<string>>;

export const NONE_KEPT: KeptImages = () => Promise.resolve(new Set());

/** One image on the engine with its names: tags (`name:tag`) and digests (`name@sha256:…`). */
export interface NamedImage {
  id: string;
  names: string[];
  size: number;
  inUse: boolean;
  /** The containers that use it. */
  containers: string[];
}

export interface PrunePlan extends ReclaimPlan {
  /** `--all`: every image no container uses; else the dangling ones (no tag). */
  all: boolean;
  /** What would go, each with its names, size and unique size, in a stable order. */
  candidates: Array<NamedImage & { unique: number | null }>;
  /** Images that would go but are kept for rollback. */
  kept: NamedImage[];
  /**
   * Every image ID the engine would delete: those above, minus any that another image left is built on (that
   * one is only untagged), plus the untagged parents (classic builds' intermediate images) that go with them.
   */
  deletedImages: string[];
}

export interface SetRemoval {
  /** Image IDs removed. */
  images: string[];
  /** References untagged on the way. */
  untagged: string[];
  /** What the engine said it deleted: image IDs and layer (chain) IDs, as `docker image prune` prints them. */
  deleted: string[];
  /** Bytes freed: the layers the engine deleted. */
  spaceReclaimed: number;
  /** Images that could not be deleted, with the engine's reason (a container started to use one meanwhile…). */
  failed: Array<{ id: string; label: string; message: string }>;
}

export interface DiskSummary {
  images: number;
  /** Bytes of every layer the images hold (each layer once). */
  bytes: number;
  /** What `image prune --all` would free now (images kept for rollback stay). */
  reclaimable: number;
  /** Layers whose size is unknown: then the figures are lower bounds. */
  unknownLayers: number;
}

interface Snapshot {
  graph: LayerGraph;
  named: Map<string, NamedImage>;
}

export interface DiskUsageDeps {
  client: () => Promise<EngineClient>;
  /** The whole Local listing (not filtered). */
  listLocal: (signal?: AbortSignal) => Promise<LocalRepository[]>;
  facts: LayerFacts;
  kept?: KeptImages;
}

const DELETE_CONCURRENCY = 4;

export class DiskUsageService {
  /**
   * The graph worked out for a listing (the array itself: serve and the app keep theirs until the engine
   * changes), and the images whose sizes it holds: asking again about those costs nothing.
   */
  private readonly memo = new WeakMap<readonly LocalRepository[], { snapshot: Snapshot; sized: Set<string> | 'all' }>();

  constructor(private readonly deps: DiskUsageDeps) {}

  /**
   * Unique and shared bytes per image ID. `repos` is the whole Local listing when the caller has it (else it
   * is read); `ids` limits the images whose sizes are worked out (default: every one).
   */
  async sizes(options: { repos?: readonly LocalRepository[]; ids?: Iterable<string>; signal?: AbortSignal } = {}): Promise<Map<string, ImageDiskSize>> {
    const repos = options.repos ?? (await this.deps.listLocal(options.signal));
    const wanted = options.ids ? [...new Set(options.ids)] : undefined;
    const { graph } = await this.snapshot(repos, wanted ?? 'all', options.signal);
    const out = new Map<string, ImageDiskSize>();
    for (const id of wanted ?? graph.ids) if (graph.has(id)) out.set(id, graph.sizes(id));
    return out;
  }

  /** What deleting these image IDs frees, the layers that stay and the images that keep them. */
  async plan(ids: Iterable<string>, options: { repos?: readonly LocalRepository[]; signal?: AbortSignal } = {}): Promise<ReclaimPlan> {
    const asked = [...new Set(ids)];
    const repos = options.repos ?? (await this.deps.listLocal(options.signal));
    const { graph } = await this.snapshot(repos, asked, options.signal);
    return graph.plan(asked);
  }

  /** Deletes these images (those no container uses) and says what went and what it freed. */
  async remove(ids: Iterable<string>, options: { repos?: readonly LocalRepository[] } = {}): Promise<SetRemoval> {
    const asked = [...new Set(ids)];
    const repos = options.repos ?? (await this.deps.listLocal());
    const snapshot = await this.snapshot(repos, asked);
    return this.removePlanned(snapshot, snapshot.graph.plan(asked).images);
  }

  /** What `image prune` (dangling) or `image prune --all` would remove now, and the bytes. */
  async prunePlan(options: { all?: boolean; signal?: AbortSignal } = {}): Promise<PrunePlan> {
    return (await this.pruneSnapshot(options)).plan;
  }

  /** Prunes exactly what prunePlan says (images kept for rollback stay) and reports the bytes actually freed. */
  async prune(options: { all?: boolean } = {}): Promise<SetRemoval> {
    const { snapshot, plan } = await this.pruneSnapshot(options);
    return this.removePlanned(snapshot, plan.images);
  }

  /** The engine's image bytes (each layer once) and what prune --all would free. */
  async summary(options: { repos?: readonly LocalRepository[]; signal?: AbortSignal } = {}): Promise<DiskSummary> {
    const repos = options.repos ?? (await this.deps.listLocal(options.signal));
    const [{ graph, named }, kept] = await Promise.all([this.snapshot(repos, 'all', options.signal), this.kept()]);
    const totals = graph.totals();
    const unused = [...named.values()].filter((i) => !i.inUse && !kept.has(i.id)).map((i) => i.id);
    const reclaim = graph.plan(unused);
    return { images: named.size, bytes: totals.bytes, reclaimable: reclaim.bytes, unknownLayers: totals.unknownLayers };
  }

  private async pruneSnapshot(options: { all?: boolean; signal?: AbortSignal }): Promise<{ snapshot: Snapshot; plan: PrunePlan }> {
    const all = options.all ?? false;
    const client = await this.deps.client();
    const [repos, keptIds, lineage, containers] = await Promise.all([
      this.deps.listLocal(options.signal),
      this.kept(),
      client.listImageParents(options.signal),
      client.listContainers(options.signal),
    ]).catch((error: unknown) => {
      throw engineFailure(error);
    });
    const named = namedImages(repos);
    // As the engine's prune: dangling = no tag (digest-only images too); --all = any image; never one a container uses.
    const matching = [...named.values()].filter((i) => !i.inUse && (all || !i.names.some(isTag)));
    const kept = matching.filter((i) => keptIds.has(i.id));
    const going = matching.filter((i) => !keptIds.has(i.id)).map((i) => i.id);
    const snapshot = await this.snapshot(repos, going, options.signal);
    const reclaim = snapshot.graph.plan(going);
    const candidates = reclaim.images
      .map((id) => named.get(id))
      .filter((i): i is NamedImage => i !== undefined)
      .map((i) => ({ ...i, unique: snapshot.graph.sizes(i.id).unique }))
      .sort((a, b) => compare(labelOf(a), labelOf(b)) || compare(a.id, b.id));
    const used = new Set(containers.map((c) => c.imageId));
    const deletedImages = imagesDeleted(
      reclaim.images,
      lineage.map((l) => ({ ...l, inUse: used.has(l.id) })),
    );
    return { snapshot, plan: { ...reclaim, all, candidates, kept, deletedImages } };
  }

  /** The graph over every listed image, with the layer sizes of `sized` known (read from the histories). */
  private async snapshot(repos: readonly LocalRepository[], sized: readonly string[] | 'all', signal?: AbortSignal): Promise<Snapshot> {
    const memo = this.memo.get(repos);
    const covered = memo?.sized;
    if (memo && (covered === 'all' || (covered && sized !== 'all' && sized.every((id) => covered.has(id))))) return memo.snapshot;
    const named = namedImages(repos);
    const ids = [...named.keys()];
    const { facts } = this.deps;
    await facts.fetchChains(ids, signal);
    // A history is read only for an image some of whose layers have no known size yet (many images share
    // their base layers: one history often tells the size of a layer a hundred images hold).
    const sizedLayers = new Set<string>();
    const learned = (id: string): void => {
      const f = facts.get(id);
      if (f?.sizes) for (const layer of f.chain) sizedLayers.add(layer);
    };
    ids.forEach(learned);
    const needed = (id: string): boolean => (facts.get(id)?.chain ?? []).some((layer) => !sizedLayers.has(layer));
    const targets = sized === 'all' ? ids : sized.filter((id) => named.has(id));
    if (targets.some(needed)) await facts.fetchSizes(targets, needed, learned, signal);
    facts.save(ids);
    const snapshot = { graph: this.graph(named), named };
    this.memo.set(repos, { snapshot, sized: sized === 'all' ? 'all' : new Set(targets) });
    return snapshot;
  }

  private graph(named: Map<string, NamedImage>): LayerGraph {
    const images: DiskImage[] = [];
    for (const image of named.values()) {
      const facts = this.deps.facts.get(image.id);
      if (!facts) continue; // gone since it was listed
      images.push({
        id: image.id,
        size: image.size,
        inUse: image.inUse,
        containers: image.containers,
        label: labelOf(image),
        chain: facts.chain,
        sizes: facts.sizes ?? null,
        exact: facts.exact ?? false,
      });
    }
    return new LayerGraph(images);
  }

  /**
   * Deletes each image the way the engine's prune does: by each of its references (the last one deletes it),
   * never forced, so an image a container started to use meanwhile is refused (and reported), not untagged
   * under the container; an image without references by its ID. Bytes freed: the layers the engine says it
   * deleted, at their sizes.
   */
  private async removePlanned(snapshot: Snapshot, ids: readonly string[]): Promise<SetRemoval> {
    const client = await this.deps.client();
    const result: SetRemoval = { images: [], untagged: [], deleted: [], spaceReclaimed: 0, failed: [] };
    const removedLayers = new Set<string>();
    await eachLimited(ids, DELETE_CONCURRENCY, async (id) => {
      const image = snapshot.named.get(id);
      if (!image) return;
      const refs = image.names.length > 0 ? image.names : [id];
      for (const ref of refs) {
        try {
          const answer = await client.removeImage(ref, false);
          result.untagged.push(...answer.untagged);
          for (const deleted of answer.deleted) {
            result.deleted.push(deleted);
            if (snapshot.graph.usersOf(deleted).length > 0) removedLayers.add(deleted);
          }
          if (answer.deleted.includes(id)) break;
        } catch (error) {
          if (error instanceof EngineRequestError && error.statusCode === 404) continue; // that reference went with another one
          const typed = engineFailure(error);
          result.failed.push({ id, label: labelOf(image), message: sanitizeLine(typed instanceof Error ? typed.message : String(typed)) });
          break;
        }
      }
    });
    const going = new Set(ids);
    result.images = result.deleted.filter((d) => going.has(d));
    for (const layer of removedLayers) result.spaceReclaimed += snapshot.graph.layerSize(layer) ?? 0;
    // An engine that names no layers in its answer (the containerd image store names images and blobs): the
    // layers only the deleted images held.
    if (removedLayers.size === 0 && result.images.length > 0) result.spaceReclaimed = snapshot.graph.plan(result.images).bytes;
    return result;
  }

  private async kept(): Promise<ReadonlySet<string>> {
    return (this.deps.kept ?? NONE_KEPT)();
  }
}

/** Every image of the listing once (by ID), with every name it has. LXC images are not the engine's. */
export function namedImages(repos: readonly LocalRepository[]): Map<string, NamedImage> {
  const out = new Map<string, NamedImage>();
  for (const repo of repos) {
    if (repo.type === 'lxc') continue;
    for (const image of repo.images) {
      let entry = out.get(image.id);
      if (!entry) out.set(image.id, (entry = { id: image.id, names: [], size: image.size, inUse: image.inUse, containers: image.containers ?? [] }));
      for (const name of namesOf(repo, image)) if (!entry.names.includes(name)) entry.names.push(name);
    }
  }
  for (const entry of out.values()) entry.names.sort((a, b) => Number(isDigest(a)) - Number(isDigest(b)) || compare(a, b));
  return out;
}

function namesOf(repo: LocalRepository, image: LocalImage): string[] {
  const tags = image.tag === NONE || repo.name === NONE ? [] : [`${repo.name}:${image.tag}`];
  return [...tags, ...image.digests];
}

const isDigest = (name: string): boolean => name.includes('@');
const isTag = (name: string): boolean => !isDigest(name);

/** `nginx:1.27`; a digest-only image `team/app@sha256:0123456789ab`; an untagged one its short ID. */
export function labelOf(image: { id: string; names: readonly string[] }): string {
  const first = image.names[0];
  if (!first) return image.id.replace(/^sha256:/, '').slice(0, 12);
  return isDigest(first) ? first.replace(/@sha256:([a-f0-9]{12})[a-f0-9]*$/, '@sha256:$1') : first;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
