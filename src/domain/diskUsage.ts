// What images cost on disk, from their layer chains (issue 23). A layer on disk is one chain ID: the same
// diff at another place in a chain is another layer, and a chain ID names its whole prefix, so the layers an
// image shares with others are always a prefix of its chain. Pure: the engine services fetch the chains
// (inspect's RootFS.Layers) and the per-layer sizes (the image history), this file does the counting.
//
// Why not docker's own figures: `SharedSize` is in /images/json only from API 1.42 (NAS engines are 20.10);
// `docker system df`'s UNIQUE does not say what deleting several images frees (docker/cli #5012), its
// RECLAIMABLE counts layers that unused images share with used ones as reclaimable, and on the containerd
// image store shared content is counted as unique (moby #52476).
import { formatBytes } from './format';

/** One image as its layers: what the engine says about an image ID, which never changes for that ID. */
export interface ImageLayers {
  /** Chain IDs of its layers, bottom first. */
  chain: readonly string[];
  /** Bytes of each layer (aligned with `chain`), or null when the history could not be matched to the layers. */
  sizes: readonly number[] | null;
  /** The history matched the layers without a guess (see layerSizesFromHistory). */
  exact: boolean;
}

/** An image on the engine, with what the counting needs. */
export interface DiskImage extends ImageLayers {
  id: string;
  /** The engine's size of the image (the sum of its layers). */
  size: number;
  /** Used by a container (running or stopped): deleting it is refused, its layers stay. */
  inUse: boolean;
  containers: readonly string[];
  /** `nginx:1.27`, else `repo@sha256:…` shortened, else the short ID. */
  label: string;
}

/**
 * What one image costs: `unique` = its layers no other image holds, the bytes deleting it alone frees (for an
 * image a container uses: once the container is gone; until then the engine refuses); `shared` = its bytes
 * other images hold too. Null when the layer sizes cannot be told.
 */
export interface ImageDiskSize {
  unique: number | null;
  shared: number | null;
}

export interface Keeper {
  id: string;
  label: string;
  /** How many of the layers that stay it holds, and their bytes. */
  layers: number;
  bytes: number;
  /** The containers that hold it (when it stays because a container uses it). */
  containers: readonly string[];
}

/** What deleting a set of images frees (DESIGN.md: "what deleting the marked images frees"). */
export interface ReclaimPlan {
  /** Image IDs that would be deleted: asked for, on the engine, and no container uses them. */
  images: string[];
  /** Asked for but a container uses them: the engine refuses to delete them, and their layers stay. */
  inUse: Array<{ id: string; label: string; containers: readonly string[] }>;
  /** Asked for but not on the engine. */
  missing: string[];
  /** Chain IDs of the layers that would go. */
  layers: string[];
  /** Bytes freed: the layers that go (those of known size). */
  bytes: number;
  /** Layers that would go whose size is unknown: then `bytes` is a lower bound. */
  unknownLayers: number;
  /** Layers of these images that stay because other images (or a container) still use them. */
  staying: { layers: number; bytes: number; keptBy: Keeper[] };
}

export class LayerGraph {
  private readonly byId = new Map<string, DiskImage>();
  /** Chain ID → the images whose chains hold it. */
  private readonly users = new Map<string, string[]>();
  /** Chain ID → bytes (from any image's history: a layer has one size wherever it is used). */
  private readonly sizeOf = new Map<string, number>();

  constructor(images: Iterable<DiskImage>) {
    const exact = new Set<string>();
    for (const image of images) {
      // A layer's size is taken from an image whose history matched exactly, where there is one.
      if (this.byId.has(image.id)) continue;
      this.byId.set(image.id, image);
      image.chain.forEach((layer, i) => {
        const list = this.users.get(layer);
        if (list) list.push(image.id);
        else this.users.set(layer, [image.id]);
        const size = image.sizes?.[i];
        if (size === undefined || exact.has(layer)) return;
        if (image.exact) exact.add(layer);
        else if (this.sizeOf.has(layer)) return;
        this.sizeOf.set(layer, size);
      });
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  image(id: string): DiskImage | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  layerSize(chainId: string): number | undefined {
    return this.sizeOf.get(chainId);
  }

  /** The images that hold a layer. */
  usersOf(chainId: string): readonly string[] {
    return this.users.get(chainId) ?? [];
  }

  /**
   * Unique and shared bytes of one image. Where some layer sizes are unknown (a history that does not match
   * the layers), what is unknown is taken from the image's size when it falls on one side only; else null.
   */
  sizes(id: string): ImageDiskSize {
    const image = this.byId.get(id);
    if (!image) return { unique: null, shared: null };
    let unique = 0;
    let shared = 0;
    let unknownUnique = 0;
    let unknownShared = 0;
    for (const layer of image.chain) {
      const isShared = (this.users.get(layer)?.length ?? 0) > 1;
      const size = this.sizeOf.get(layer);
      if (size === undefined) {
        if (isShared) unknownShared++;
        else unknownUnique++;
      } else if (isShared) shared += size;
      else unique += size;
    }
    if (unknownUnique === 0 && unknownShared === 0) return { unique, shared };
    const rest = Math.max(0, image.size - unique - shared);
    if (unknownShared === 0) return { unique: unique + rest, shared };
    if (unknownUnique === 0) return { unique, shared: shared + rest };
    return { unique: null, shared: null };
  }

  /**
   * What deleting these images frees: the layers that only they use (layers shared only within the set
   * count as freed); the others stay, with the images that keep them. Images a container uses are not
   * deleted (the engine refuses), so their layers stay too.
   */
  plan(ids: Iterable<string>): ReclaimPlan {
    const going = new Set<string>();
    const inUse: ReclaimPlan['inUse'] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const image = this.byId.get(id);
      if (!image) missing.push(id);
      else if (image.inUse) inUse.push({ id, label: image.label, containers: image.containers });
      else going.add(id);
    }
    const layers: string[] = [];
    let bytes = 0;
    let unknownLayers = 0;
    const staying = { layers: 0, bytes: 0 };
    const keepers = new Map<string, Keeper>();
    const considered = new Set<string>();
    for (const id of going) {
      for (const layer of this.byId.get(id)?.chain ?? []) {
        if (considered.has(layer)) continue;
        considered.add(layer);
        const size = this.sizeOf.get(layer);
        const others = (this.users.get(layer) ?? []).filter((user) => !going.has(user));
        if (others.length === 0) {
          layers.push(layer);
          if (size === undefined) unknownLayers++;
          else bytes += size;
          continue;
        }
        staying.layers++;
        staying.bytes += size ?? 0;
        for (const other of others) {
          const image = this.byId.get(other);
          if (!image) continue;
          const keeper = keepers.get(other) ?? { id: other, label: image.label, layers: 0, bytes: 0, containers: image.containers };
          keeper.layers++;
          keeper.bytes += size ?? 0;
          keepers.set(other, keeper);
        }
      }
    }
    const keptBy = [...keepers.values()].sort((a, b) => b.bytes - a.bytes || b.layers - a.layers || compare(a.label, b.label));
    return { images: [...going], inUse, missing, layers, bytes, unknownLayers, staying: { ...staying, keptBy } };
  }

  /** Every layer on the engine that the listed images hold: count and bytes (and how many are of unknown size). */
  totals(): { layers: number; bytes: number; unknownLayers: number } {
    let bytes = 0;
    let unknownLayers = 0;
    for (const layer of this.users.keys()) {
      const size = this.sizeOf.get(layer);
      if (size === undefined) unknownLayers++;
      else bytes += size;
    }
    return { layers: this.users.size, bytes, unknownLayers };
  }
}

/** How an image descends from another (classic builds leave untagged intermediate images as parents). */
export interface Lineage {
  id: string;
  /** Empty when none. */
  parentId: string;
  /** A tag or digest names it. */
  referenced: boolean;
  inUse: boolean;
}

/**
 * The images the engine ends up deleting when asked to delete `going` (each without force, parents pruned):
 * an image goes only once every image built on it goes (until then deleting it only untags it), and an
 * untagged parent no container uses goes with its last child. In the engine's own order of effects, so a
 * dry run names what the delete then reports.
 */
export function imagesDeleted(going: Iterable<string>, lineage: readonly Lineage[]): string[] {
  const asked = new Set(going);
  const byId = new Map(lineage.map((l) => [l.id, l]));
  const children = new Map<string, string[]>();
  for (const l of lineage) {
    if (!l.parentId || !byId.has(l.parentId)) continue;
    const list = children.get(l.parentId);
    if (list) list.push(l.id);
    else children.set(l.parentId, [l.id]);
  }
  const memo = new Map<string, boolean>();
  const goes = (id: string, depth: number): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const image = byId.get(id);
    let result: boolean;
    if (!image || depth > 10_000) result = asked.has(id) && !image;
    else {
      const kids = children.get(id) ?? [];
      const eligible = asked.has(id) || (!image.referenced && !image.inUse && kids.length > 0);
      result = eligible && kids.every((kid) => goes(kid, depth + 1));
    }
    memo.set(id, result);
    return result;
  };
  const out = new Set<string>();
  for (const id of asked) if (goes(id, 0)) out.add(id);
  // The parents that go with them, nearest first.
  for (const id of [...out]) {
    let parent = byId.get(id)?.parentId ?? '';
    while (parent && !out.has(parent) && goes(parent, 0)) {
      out.add(parent);
      parent = byId.get(parent)?.parentId ?? '';
    }
  }
  return [...out];
}

/** "7 images, frees 3.1 GB; 2 layers stay, used by nginx:1.27" (the footer's words for a marked set). */
export function reclaimSummary(plan: ReclaimPlan): string {
  const n = plan.images.length;
  const parts = [`${n} image${n === 1 ? '' : 's'}, frees ${plan.unknownLayers > 0 ? 'at least ' : ''}${formatBytes(plan.bytes)}`];
  if (plan.staying.layers > 0) {
    const names = plan.staying.keptBy.map((k) => k.label);
    const shown = names.length > 2 ? `${names.slice(0, 2).join(', ')} and ${names.length - 2} more` : names.join(' and ');
    parts.push(`${plan.staying.layers} layer${plan.staying.layers === 1 ? '' : 's'} stay${plan.staying.layers === 1 ? 's' : ''}, used by ${shown}`);
  }
  if (plan.inUse.length > 0) {
    const m = plan.inUse.length;
    parts.push(`${m} in use by a container (not deleted)`);
  }
  return parts.join('; ');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
