// UNIQUE on the Local list (issue 23): what each image alone holds on disk, worked out by the disk service
// for the rows that need it — the rows on screen (or every row while the list is sorted by it) — so 1,000
// images do not make the first frame wait. One request at a time; rows that come into view meanwhile are
// asked for next. A new listing (a reload: sharing may have changed) asks again for the rows it needs,
// and shows the figures of the last listing until then.
import { type Dispatch, type SetStateAction, useEffect, useRef } from 'react';
import type { ImageDiskSize } from '../../../domain/diskUsage';
import type { LocalRepository } from '../../../domain/images';
import type { UiServices } from '../../services';
import type { LocalRow, UniqueSizes } from './local';

const UNKNOWN: ImageDiskSize = { unique: null, shared: null };

/** The image IDs UNIQUE is needed for: the rows in the window (every row when sorted by it); no LXC image. */
export function wantedIds(items: readonly LocalRow[], indices: readonly number[], window: { offset: number; height: number } | 'all'): string[] {
  const shown = window === 'all' ? indices : indices.slice(window.offset, window.offset + window.height);
  const ids = new Set<string>();
  for (const i of shown) {
    const row = items[i];
    if (row && row.repo.type !== 'lxc') ids.add(row.id);
  }
  return [...ids];
}

interface Progress {
  /** The listing the figures in `fresh` were worked out for. */
  repos: readonly LocalRepository[] | undefined;
  fresh: Map<string, ImageDiskSize>;
  running: boolean;
  want: { repos: readonly LocalRepository[]; ids: readonly string[] } | null;
}

export function useDiskSizes(props: {
  services: UiServices;
  /** The Local listing on show (all of it: sharing counts every image); undefined while there is none. */
  repos: readonly LocalRepository[] | undefined;
  wanted: readonly string[];
  setKnown: Dispatch<SetStateAction<UniqueSizes>>;
}): void {
  const { services, repos, wanted, setKnown } = props;
  const disk = services.disk;
  const progress = useRef<Progress>({ repos: undefined, fresh: new Map(), running: false, want: null });
  useEffect(() => {
    if (!disk || !repos || wanted.length === 0) return;
    const p = progress.current;
    p.want = { repos, ids: wanted };
    if (p.running) return;
    p.running = true;
    void (async () => {
      try {
        while (p.want) {
          const want = p.want;
          if (p.repos !== want.repos) {
            p.repos = want.repos;
            p.fresh = new Map();
          }
          const missing = want.ids.filter((id) => !p.fresh.has(id));
          if (missing.length === 0) {
            if (p.want === want) p.want = null;
            continue;
          }
          // (A listing that arrives meanwhile is asked for on the next turn; these figures show until then.)
          const got = await disk.sizes(want.repos, missing).catch(() => new Map<string, ImageDiskSize>());
          const fresh = p.fresh;
          for (const id of missing) fresh.set(id, got.get(id) ?? UNKNOWN);
          setKnown((known) => {
            const next = new Map(known);
            for (const id of missing) next.set(id, fresh.get(id) ?? UNKNOWN);
            return next;
          });
        }
      } finally {
        p.running = false;
      }
    })();
  }, [disk, repos, wanted, setKnown]);
}
