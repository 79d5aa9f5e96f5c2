// View model of the Tags screen: every tag of the chosen image (details looked up for the rows on
// screen when the registry lists names only), a `/` filter, a platform choice for inspect and pull (P
// opens the list of the selected tag's platforms), and what each key does now.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RemoteImage } from '../../../domain/images';
import { type Actions, disabled, now, task, withItem } from '../../actions/action';
import { useRunner, useScreenCommands } from '../../actions/runner';
import { PRIORITY } from '../../hooks/inputRouter';
import { listActions, useFilteredList } from '../../hooks/useFilteredList';
import { useQuery } from '../../hooks/useQuery';
import type { UiServices } from '../../services';
import type { InspectTarget } from '../inspect/target';
import { type TagRow, latestVersions, tagRows, withDetails } from './presentation';
import { sameAsText } from '../../../domain/versions';
import { useTagDetails } from './useTagDetails';

export interface TagsActions {
  inspect(target: InspectTarget): void;
  pull(ref: string, registry: string | undefined, platform: string | undefined): void;
}

const id = (r: TagRow) => r.name;
const haystack = (r: TagRow) => [r.name];
const NONE: TagRow[] = [];

export function useTagsScreen(props: { services: UiServices; image: Pick<RemoteImage, 'name' | 'fullName'>; registry: string | undefined; active: boolean; listHeight: number; actions: TagsActions }) {
  const { services, image, registry, active, listHeight, actions: app } = props;
  const query = useQuery(`${registry ?? ''}|${image.name}`, (signal) => services.remote.tags(image.name, registry, signal));
  // What the list carries a warning for (cut short at 100,000 tags, names left out) is said once it comes.
  const { banner } = useRunner();
  const tagWarnings = query.data?.warnings?.join('; ') ?? '';
  useEffect(() => {
    if (tagWarnings) banner({ kind: 'warning', text: tagWarnings });
  }, [tagWarnings, banner]);
  // undefined: the default (the engine's platform, or the `platform` setting)
  const [platform, setPlatform] = useState<string | undefined>(undefined);
  // The platform list `P` opens (every platform of the selected tag), with its cursor. Moves typed
  // ahead (`jj` in one read) are applied before the next commit: each acts on the last one's result.
  const [picking, setPickingState] = useState<{ options: string[]; index: number } | null>(null);
  const pickingRef = useRef(picking);
  const setPicking = (next: typeof picking) => {
    pickingRef.current = next;
    setPickingState(next);
  };
  const all = useMemo(() => (query.data ? tagRows(query.data) : NONE), [query.data]);
  const list = useFilteredList({ rows: all, id, haystack, height: listHeight, active: active && !picking });
  const { cursor } = list;
  // Registries that list names only: the tags on screen are looked up one by one (size, date, platforms).
  const wanted = useMemo(
    () =>
      list.shown
        .slice(cursor.offset, cursor.offset + listHeight)
        .filter((r) => !r.detail || (r.detail.size === null && r.detail.lastUpdated === null && r.detail.platforms.length === 0))
        .map((r) => r.name),
    [list.shown, cursor.offset, listHeight],
  );
  const looked = useTagDetails({ services, name: image.name, registry, wanted, enabled: active && query.data !== undefined });
  const rows = useMemo(() => withDetails(list.shown, looked), [list.shown, looked]);
  const selected = rows[cursor.selected];
  const refOf = (t: TagRow) => `${image.name}:${t.name}`;
  // Versions, not digests (issue 22): `latest = 1.27.3, also 1.27` from the tag list where it gives digests
  // (Docker Hub), elsewhere on `v` (a HEAD per candidate version tag, capped, as `image tags --versions`).
  const [asked, setAsked] = useState<{ key: string; sameAs: string[] } | null>(null);
  const listKey = `${registry ?? ''}|${image.name}`;
  const latest = query.data ? latestVersions(query.data, asked?.key === listKey ? asked.sameAs : null) : { text: null, known: false, has: false };

  const actions: Actions = {
    ...listActions(list, all.length ? 'no tag matches the filter' : 'this repository has no tags'),
    'list.refresh': now(query.reload),
    'tags.pull': withItem(selected, 'no tag selected', (t) => now(() => app.pull(refOf(t), registry, platform))),
    'tags.inspect': withItem(selected, 'no tag selected', (t) =>
      now(() => app.inspect({ kind: 'remote', ref: refOf(t), registry, platform, title: refOf(t), ...(t.installed ? { installed: true } : {}) })),
    ),
    'tags.versions': !latest.has
      ? disabled(query.data ? 'this repository has no latest tag' : 'the tags are not in yet')
      : latest.known
        ? disabled(latest.text ? `known already: ${latest.text}` : 'known already: no version tag is the same image as latest')
        : task({
            pending: `asking which version tags are the same image as ${image.name}:latest${'…'}`,
            run: (_answer) => services.remote.tags(image.name, registry, undefined, { versions: true }),
            success: (list) => {
              const same = list.details.find((d) => d.name === 'latest')?.sameAs ?? [];
              setAsked({ key: listKey, sameAs: same });
              return same.length ? { kind: 'info', text: sameAsText('latest', same) } : { kind: 'info', text: 'no version tag is the same image as latest (the highest 12 version tags were asked)' };
            },
          }),
    'tags.platform': withItem(selected, 'no tag selected', (t) => {
      const options = t.detail?.platforms ?? [];
      if (options.length === 0) return disabled(`no platforms known for ${t.name} yet: the engine default is used`);
      return now(() => setPicking({ options: ['default', ...options], index: Math.max(0, platform ? options.indexOf(platform) + 1 : 0) }));
    }),
  };
  // Until the tags are in (and while they are asked again), keys typed ahead wait.
  useScreenCommands(['tags', 'list'], actions, { active: active && !picking, waiting: query.fetching, onPaste: list.field.paste });

  // The platform list: up/down, Enter picks, Esc closes.
  const move = (delta: number) => () => {
    const p = pickingRef.current;
    if (p) setPicking({ ...p, index: (p.index + delta + p.options.length) % p.options.length });
  };
  const pickerActions: Actions = {
    'picker.up': now(move(-1)),
    'picker.down': now(move(1)),
    'picker.pick': now(() => {
      const p = pickingRef.current;
      if (!p) return;
      const chosen = p.options[p.index];
      setPlatform(chosen === 'default' ? undefined : chosen);
      setPicking(null);
    }),
    'picker.close': now(() => setPicking(null)),
  };
  useScreenCommands(['picker'], pickerActions, { priority: PRIORITY.dialog, active: active && picking !== null, modal: true, refusal: 'choose a platform: ↑/↓ move, Enter picks, Esc closes' });

  return { query, all, list, rows, looked, wanted, selected, platform, picking, latest: latest.text };
}
