// View model of the Inspect screen: the lines of a local image (engine JSON) or a remote one (without
// pulling), a scroll position, and what each key does (scroll, p pulls the image).
import { useMemo, useState } from 'react';
import { type Actions, disabled, now } from '../../actions/action';
import { useScreenCommands } from '../../actions/runner';
import { useQuery } from '../../hooks/useQuery';
import type { CommandId } from '../../keys/bindings';
import type { UiServices } from '../../services';
import { asciiText } from '../../../domain/prose';
import { type Line, localInspectLines, remoteInspectLines, wrapLines } from './presentation';
import type { InspectTarget } from './target';

export interface InspectActions {
  pull(ref: string, registry: string | undefined, platform: string | undefined): void;
}

export function useInspectScreen(props: { services: UiServices; target: InspectTarget; active: boolean; textWidth: number; bodyHeight: number; ascii?: boolean; actions: InspectActions }) {
  const { services, target, active, textWidth, bodyHeight, ascii = false, actions: app } = props;
  const key = target.kind === 'local' ? `local|${target.ref}` : `remote|${target.registry ?? ''}|${target.ref}|${target.platform ?? ''}`;
  const query = useQuery<Line[]>(key, async (signal) =>
    target.kind === 'local'
      ? localInspectLines(await services.local.inspect(target.ref, signal), target.usedBy)
      : remoteInspectLines(
          await services.remote.inspect(target.ref, { ...(target.registry ? { registry: target.registry } : {}), ...(target.platform ? { platform: target.platform } : {}) }, signal),
        ),
  );
  // Whole values: long digests and labels wrap under their key instead of being cut. In ASCII on a terminal
  // that is not UTF-8 (a label's `é` as `e`).
  const lines = useMemo(() => wrapLines((query.data ?? []).map((l) => (ascii ? { ...l, text: asciiText(l.text) } : l)), textWidth), [query.data, textWidth, ascii]);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - bodyHeight);
  // Functional updates: a burst of the same key composes (see `repeat` in the key table).
  const moves: [CommandId, (t: number) => number][] = [
    ['inspect.up', (t) => t - 1],
    ['inspect.down', (t) => t + 1],
    ['inspect.pageUp', (t) => t - bodyHeight + 1],
    ['inspect.pageDown', (t) => t + bodyHeight - 1],
    ['inspect.top', () => 0],
    ['inspect.bottom', () => maxTop],
  ];
  const actions: Actions = {};
  for (const [id, to] of moves) actions[id] = maxTop === 0 ? disabled('all of it is on the screen') : now(() => setTop((t) => Math.max(0, Math.min(maxTop, to(t)))));
  // An image known only by its ID (dangling, LXC) has no name to pull again.
  const byId = target.kind === 'local' && /^(sha256|lxc):/.test(target.ref);
  actions['inspect.pull'] = byId ? disabled('this image has no tag to pull again') : now(() => app.pull(target.ref, target.kind === 'remote' ? target.registry : undefined, target.kind === 'remote' ? target.platform : undefined));
  useScreenCommands(['inspect'], actions, { active, waiting: query.fetching });
  return { query, lines, top };
}
