// The engine's JSON, narrowed once at the client boundary by valibot schemas: what crosses into the services is
// typed. A field of the wrong type reads as empty (the engine versions differ in what they fill in); an answer
// of the wrong shape altogether (not an object, not a list) is a BadResponse naming the call.
import * as v from 'valibot';
import { BadResponse } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An object (not a list, not null) with these fields. */
const record = <T extends v.ObjectEntries>(entries: T) => v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object(entries));
const text = v.fallback(v.string(), '');
const count = v.fallback(v.pipe(v.number(), v.finite()), 0);
const texts = v.fallback(
  v.pipe(
    v.array(v.unknown()),
    v.transform((items) => items.filter((i): i is string => typeof i === 'string')),
  ),
  [],
);
const anyList = v.fallback(v.array(v.unknown()), []);

/** GET /version. */
export const Version = v.pipe(
  record({ Version: text, ApiVersion: text, Os: text, Arch: text }),
  v.transform((r) => ({ version: r.Version, apiVersion: r.ApiVersion, os: r.Os, arch: r.Arch })),
);

/** GET /images/json (the `<none>` placeholders of older engines dropped). */
export const Images = v.array(
  v.pipe(
    record({ Id: text, RepoTags: texts, RepoDigests: texts, Created: count, Size: v.optional(v.unknown()), VirtualSize: v.optional(v.unknown()) }),
    v.transform((r) => ({
      id: r.Id,
      repoTags: r.RepoTags.filter((t) => t !== '<none>:<none>'),
      repoDigests: r.RepoDigests.filter((d) => d !== '<none>@<none>'),
      created: r.Created,
      size: v.parse(count, r.Size ?? r.VirtualSize),
    })),
  ),
);

/** GET /containers/json?all=1 (names without their leading slash). */
export const Containers = v.array(
  v.pipe(
    record({ Id: text, Names: texts, Image: text, ImageID: text, State: text }),
    v.transform((r) => ({ id: r.Id, names: r.Names.map((n) => n.replace(/^\//, '')), image: r.Image, imageId: r.ImageID, state: r.State })),
  ),
);

/** GET /images/json?all=1, only how images descend from each other (and whether any tag or digest names one). */
export const ImageParents = v.array(
  v.pipe(
    record({ Id: text, ParentId: text, RepoTags: texts, RepoDigests: texts }),
    v.transform((r) => ({
      id: r.Id,
      parentId: r.ParentId,
      referenced: [...r.RepoTags, ...r.RepoDigests].some((n) => n !== '<none>:<none>' && n !== '<none>@<none>'),
    })),
  ),
);

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An inspect's `RootFS`: its `Layers`, the diff IDs bottom first (every one a sha256 digest; none when absent). */
export const RootFsLayers = v.pipe(
  record({ Layers: v.optional(v.nullable(v.array(v.pipe(v.string(), v.regex(DIGEST))))) }),
  v.transform((r) => r.Layers ?? []),
);

/** GET /images/{name}/history: every entry has the bytes of the layer its step made. */
export const History = v.array(
  v.pipe(
    record({ Size: v.pipe(v.number(), v.finite(), v.minValue(0)), CreatedBy: text }),
    v.transform((r) => ({ size: r.Size, createdBy: r.CreatedBy })),
  ),
);

/** The items of DELETE /images/{name} and of a prune: what was untagged, what was deleted (sanitised). */
const Deletions = v.pipe(
  anyList,
  v.transform((items) => {
    const untagged: string[] = [];
    const deleted: string[] = [];
    for (const item of items) {
      if (!isRecord(item)) continue;
      if (typeof item.Untagged === 'string') untagged.push(sanitizeLine(item.Untagged));
      if (typeof item.Deleted === 'string') deleted.push(sanitizeLine(item.Deleted));
    }
    return { untagged, deleted };
  }),
);

export const Removal = Deletions;

/** POST /images/prune. */
export const Prune = v.pipe(
  record({ ImagesDeleted: Deletions, SpaceReclaimed: count }),
  v.transform((r) => ({ ...r.ImagesDeleted, spaceReclaimed: r.SpaceReclaimed })),
);

/** GET /system/df: bytes of image layers and the number of images. */
export const DiskUsage = v.pipe(
  record({ LayersSize: count, Images: anyList }),
  v.transform((r) => ({ layersSize: r.LayersSize, images: r.Images.length })),
);

/** One line of GET /events (older engines say `status` for the action). */
export const Event = v.pipe(
  record({ Type: text, Action: v.optional(v.unknown()), status: v.optional(v.unknown()) }),
  v.transform((r) => ({ type: r.Type, action: v.parse(text, r.Action ?? r.status) })),
);

/** An inspect answer: the engine's object as it is. */
export const Inspect = v.custom<Record<string, unknown>>(isRecord);

/** `value` narrowed by `schema`, or a BadResponse saying the engine's answer to `what` is not a `shape`. */
export function narrow<S extends v.GenericSchema>(schema: S, value: unknown, what: string, shape: 'object' | 'list' = 'object'): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new BadResponse(`the engine's ${what} answer is not a JSON ${shape}`);
  return result.output;
}
