// The image an update replaced (DESIGN.md "Updates", issue 22): recorded before the update pulls (ID, the
// registry digest it was pulled as, the time), kept for `updates.keep_previous` — prune (keptImageIds) and
// `image update --remove-old` leave it alone until then — and `image rollback` points the tag back at it,
// recording the image it moved away from as the new "previous", so a second rollback goes forward again.
// Recreating containers is not done here: a container keeps the image it was created from.
import { NotFound } from '../../domain/errors';
import { type LocalRepository, digestsFor } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';
import { parseDuration, type Settings } from '../../domain/settings';
import type { Clock } from '../../domain/clock';
import type { PreviousRecord } from '../../store/previousStore';
import type { EngineServices } from '../engine/index';

export type { PreviousRecord };

export interface PreviousStoreLike {
  read(engine: string): Map<string, PreviousRecord>;
  update(engine: string, set: Record<string, PreviousRecord | null>, drop?: (key: string, record: PreviousRecord) => boolean): void;
}

export interface PreviousDeps {
  engine: () => Promise<Pick<EngineServices, 'host' | 'images'>>;
  store: () => Promise<PreviousStoreLike>;
  settings: () => Settings | Promise<Settings>;
  clock: Clock;
}

/** A kept image as the lists show it (`previous` in `image list --json`). */
export interface PreviousImage {
  id: string;
  digest: string | null;
  replacedAt: string;
  /** ISO time it stops being kept. */
  keptUntil: string;
  /** `REPO@sha256:…` to pin in a compose file or `docker run`, when its digest is known. */
  pin: string | null;
}

export interface KeepTarget {
  fullName: string;
  /** Familiar repository name. */
  name: string;
  tag: string;
  /** The image the tag points at now (the one the update will replace). */
  id: string;
}

export interface RollbackResult {
  /** `name:tag` as the user reads it. */
  ref: string;
  /** The image the tag points at now (the kept one). */
  id: string;
  /** The image it pointed at before the rollback (kept in turn). */
  replacedId: string;
  digest: string | null;
  pin: string | null;
}

export interface PreviousServices {
  /** Records the image `target` points at as its previous one (call before an update pulls). */
  keep(target: KeepTarget): Promise<void>;
  /** The kept image of each local tag that has one (by `fullName:tag`), still on the engine and within its time. */
  list(repos?: LocalRepository[]): Promise<Map<string, PreviousImage>>;
  /** The IDs kept now: prune must not remove them (the `disk` prune takes this). */
  keptImageIds(): Promise<ReadonlySet<string>>;
  /** Points the tag back at its kept image. */
  rollback(target: KeepTarget): Promise<RollbackResult>;
}

export function createPreviousServices(deps: PreviousDeps): PreviousServices {
  const keepMs = async (): Promise<number> => parseDuration((await deps.settings())['updates.keep_previous'], 'updates.keep_previous');
  const live = (record: PreviousRecord, ms: number): boolean => {
    const at = Date.parse(record.replacedAt);
    const now = deps.clock.now();
    return ms > 0 && at <= now + 60_000 && now - at < ms;
  };
  const pinOf = (name: string, digest: string | null): string | null => (digest ? `${name}@${digest}` : null);

  const list = async (given?: LocalRepository[]): Promise<Map<string, PreviousImage>> => {
    const engine = await deps.engine();
    const [store, ms, repos] = await Promise.all([deps.store(), keepMs(), given ? Promise.resolve(given) : engine.images.listLocal()]);
    const records = store.read(engine.host());
    if (records.size === 0) return new Map();
    const present = new Set(repos.flatMap((r) => r.images.map((i) => i.id)));
    const current = new Map<string, { id: string; name: string }>(repos.flatMap((r) => r.images.map((i) => [`${r.fullName}:${i.tag}`, { id: i.id, name: r.name }] as const)));
    const out = new Map<string, PreviousImage>();
    for (const [key, record] of records) {
      const now = current.get(key);
      if (!now || now.id === record.id || !present.has(record.id) || !live(record, ms)) continue;
      out.set(key, {
        id: record.id,
        digest: record.digest,
        replacedAt: record.replacedAt,
        keptUntil: new Date(Date.parse(record.replacedAt) + ms).toISOString(),
        pin: pinOf(now.name, record.digest),
      });
    }
    return out;
  };

  return {
    async keep(target) {
      const engine = await deps.engine();
      const [store, ms, repos] = await Promise.all([deps.store(), keepMs(), engine.images.listLocal()]);
      if (ms <= 0) return;
      const image = repos.find((r) => r.fullName === target.fullName)?.images.find((i) => i.id === target.id);
      const digest = image ? (digestsFor(image, target.fullName)[0] ?? null) : null;
      const record: PreviousRecord = { id: target.id, digest, replacedAt: new Date(deps.clock.now()).toISOString() };
      // Expired records go at the same time: the file never grows with old updates.
      store.update(engine.host(), { [`${target.fullName}:${target.tag}`]: record }, (_key, r) => !live(r, ms));
    },
    list,
    async keptImageIds() {
      return new Set([...(await list()).values()].map((p) => p.id));
    },
    async rollback(target) {
      const engine = await deps.engine();
      const key = `${target.fullName}:${target.tag}`;
      const kept = (await list()).get(key);
      const ref = `${target.name}:${target.tag}`;
      if (!kept) {
        throw new NotFound(`no previous image is kept for ${sanitizeLine(ref)}`, {
          hint: 'an update keeps the image it replaces for updates.keep_previous (see `stevedore config get updates.keep_previous`)',
        });
      }
      await engine.images.tag(kept.id, target.fullName, target.tag);
      // The image moved away from becomes the kept one: rolling back again goes forward.
      const repos = await engine.images.listLocal();
      const left = repos.find((r) => r.fullName === target.fullName)?.images.find((i) => i.id === target.id);
      const digest = left ? (digestsFor(left, target.fullName)[0] ?? null) : null;
      (await deps.store()).update(engine.host(), { [key]: { id: target.id, digest, replacedAt: new Date(deps.clock.now()).toISOString() } });
      return { ref, id: kept.id, replacedId: target.id, digest: kept.digest, pin: kept.pin };
    },
  };
}
