// View model of the Depots screen: the tabs (useDepotTabs), the rows of the one on show (useDepotRows),
// a cursor that follows its row by id, the `/` filter of each tab, and per command what it does now
// (the Local depot's own keys: useLocalActions). Keys for the list wait while it is fetched.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RemoteImage } from '../../../domain/images';
import type { Registry } from '../../../domain/registry';
import { type Actions, disabled, now, withItem } from '../../actions/action';
import { useRunner, useScreenCommands } from '../../actions/runner';
import { useFilterField } from '../../hooks/useFilterField';
import { moveActions } from '../../hooks/useFilteredList';
import { MOVES, useListCursor } from '../../hooks/useListCursor';
import { type ExternalStore, useStore } from '../../hooks/useStore';
import type { CommandId, Scope } from '../../keys/bindings';
import { type UiServices, type UpdatesView, errorText } from '../../services';
import type { InspectTarget } from '../inspect/target';
import { type LocalRow, type LocalSort, type UniqueSizes, localRowRef } from './local';
import { type DepotKind, remoteRef, rowRegistry } from './presentation';
import { useDepotRows } from './useDepotRows';
import { useDepotTabs } from './useDepotTabs';
import { useLocalActions } from './useLocalActions';
import { useDiskSizes, wantedIds } from './useDiskSizes';
import { useMarks } from './useMarks';
import { usePruneAction } from './usePruneAction';
import { useRollbackAction } from './useRollbackAction';

export type { DepotTab } from './useDepotTabs';

export interface DepotsActions {
  /** The kind of the tab on show (the footer's key hints depend on it). */
  tabChanged?(kind: DepotKind): void;
  openTags(image: RemoteImage, registry: string | undefined): void;
  inspect(target: InspectTarget): void;
  pull(ref: string, registry: string | undefined): void;
}

/** Keys that choose a depot (they wait for LXD's server tabs). */
const TAB_COMMANDS: CommandId[] = ['depots.next', 'depots.previous', 'depots.pick'];
/** Keys that act on the rows on show (they wait for the list). */
const ROW_COMMANDS: CommandId[] = [...MOVES, 'list.open', 'list.inspect', 'list.pull', 'local.delete', 'local.update', 'local.sort', 'local.updatesOnly', 'local.mark', 'local.prune', 'local.rollback'];

const NO_UPDATES: ExternalStore<UpdatesView> = {
  getSnapshot: (() => {
    const view: UpdatesView = { marks: new Map(), checking: false, count: 0, error: null };
    return () => view;
  })(),
  subscribe: () => () => undefined,
};

export function useDepotsScreen(props: {
  services: UiServices;
  registries: Registry[];
  listHeight: number;
  active: boolean;
  actions: DepotsActions;
  pickTab?: { index: number; seq: number } | null;
}) {
  const { services, registries, listHeight, active, actions: app, pickTab = null } = props;
  const runner = useRunner();
  const { tabs, tab, index: tabIndex, loading: tabsLoading, open: openTab } = useDepotTabs(services, registries);
  const [filters, setFilters] = useState<Record<string, string>>({});
  const filter = filters[tab.key] ?? '';
  const tabKey = tab.key;
  const updateFilter = useCallback((update: (previous: string) => string) => setFilters((f) => ({ ...f, [tabKey]: update(f[tabKey] ?? '') })), [tabKey]);
  // Update checks (issue 12): marks from the background check; `U` shows only updatable images.
  const updates = useStore(services.updates?.store ?? NO_UPDATES);
  const [sort, setSort] = useState<LocalSort>('name');
  const [updatesOnly, setUpdatesOnly] = useState(false);
  // UNIQUE (issue 23): worked out for the rows on screen (all of them while sorted by it).
  const [unique, setUnique] = useState<UniqueSizes>(() => new Map());
  const data = useDepotRows({ services, tab, tabs, filter, active, sort, updatesOnly, marks: updates.marks, unique, banner: runner.banner });
  const { query, rows, indices, ids } = data;
  const cursor = useListCursor(ids, listHeight);
  const localRepos = tab.kind === 'local' && query.data?.kind === 'local' ? query.data.items : undefined;
  const wanted = useMemo(() => (rows?.kind === 'local' ? wantedIds(rows.items, indices, sort === 'unique' ? 'all' : { offset: cursor.offset, height: listHeight }) : []), [rows, indices, sort, cursor.offset, listHeight]);
  useDiskSizes({ services, repos: localRepos, wanted, setKnown: setUnique });
  // The filter field: typing filters (or searches); Enter keeps it, Esc clears it.
  const field = useFilterField({ value: filter, update: updateFilter, active, onChange: cursor.keepOrFirst });

  const selectedIndex = indices[cursor.selected];
  const selectedLocal = rows?.kind === 'local' && selectedIndex !== undefined ? rows.items[selectedIndex] : undefined;
  const selectedRemote = rows && rows.kind !== 'local' && selectedIndex !== undefined ? rows.items[selectedIndex] : undefined;
  const none = query.error !== undefined ? `the list could not be read: ${errorText(query.error)}` : data.needsSearch ? 'press / and type to search Docker Hub first' : filter ? `nothing matches "${filter}"` : rows && rows.items.length === 0 ? 'the list is empty' : 'no image selected';

  const { reload } = query;
  const local = useLocalActions({
    services,
    runner,
    rows,
    selected: selectedLocal,
    none,
    updates,
    updatesOnly,
    setSort,
    setUpdatesOnly,
    reload,
    pull: (ref) => app.pull(ref, undefined),
    reshaped: cursor.keepOrFirst,
  });
  // Marks and what deleting them frees; prune with a preview (issue 23).
  const marks = useMarks({ services, rows, repos: localRepos, selected: selectedLocal, none, reload });
  const prune = usePruneAction({ services, runner, listed: localRepos !== undefined, reload });

  // `b` (issue 22): the images kept for a rollback, read for each Local list that arrives.
  const rollback = useRollbackAction({ services, repos: query.data?.kind === 'local' ? query.data.items : undefined, rows: rows?.kind === 'local' ? rows.items : [], selected: selectedLocal, none, reload });

  // The update check runs once the Local list is on screen (after its first frame, never before), and on r.
  const checkedOnce = useRef(false);
  const localShown = active && tab.kind === 'local' && rows?.kind === 'local';
  useEffect(() => {
    if (!localShown || checkedOnce.current || !services.updates) return;
    checkedOnce.current = true;
    services.updates.check({ refresh: false });
  }, [localShown, services]);

  const { tabChanged } = app;
  useEffect(() => tabChanged?.(tab.kind), [tab.kind, tabChanged]);

  const switchTab = (index: number) => {
    openTab(index);
    cursor.first();
    runner.banner(null);
  };
  // A depot picked by number on a screen over the depots.
  const pickSeq = pickTab?.seq;
  const pickIndex = pickTab?.index;
  useEffect(() => {
    if (pickSeq === undefined || pickIndex === undefined || pickIndex < 0 || pickIndex >= tabs.length) return;
    openTab(pickIndex);
    cursor.first();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a new pick arrives
  }, [pickSeq]);

  const selectedRow: LocalRow | RemoteImage | undefined = selectedLocal ?? selectedRemote;
  const open = (inspectOnly: boolean) => {
    if (selectedLocal) {
      const ref = localRowRef(selectedLocal);
      app.inspect({ kind: 'local', ref, title: ref, ...(selectedLocal.containers.length ? { usedBy: selectedLocal.containers } : {}) });
    } else if (selectedRemote) {
      const registry = rowRegistry(selectedRemote, tab.registry);
      if (inspectOnly) app.inspect({ kind: 'remote', ref: remoteRef(selectedRemote), registry, title: remoteRef(selectedRemote) });
      else app.openTags(selectedRemote, registry);
    }
  };
  const pull = (): Actions['list.pull'] => {
    if (selectedLocal) {
      const ref = localRowRef(selectedLocal);
      return ref === selectedLocal.id ? disabled('this image has no tag to pull again') : now(() => app.pull(ref, undefined));
    }
    const image = selectedRemote;
    if (!image) return disabled(none);
    if (image.unavailable) return disabled(image.unavailable);
    if (image.type === 'lxc') return now(() => app.pull(remoteRef(image), rowRegistry(image, tab.registry)));
    if (image.version) return now(() => app.pull(remoteRef(image), tab.registry));
    // No suggested tag (search results, private repositories): guessing `latest` fails too often.
    return now(() => {
      app.openTags(image, tab.registry);
      runner.banner({ kind: 'info', text: `pick a tag of ${image.name} and press p` });
    });
  };

  const actions: Actions = {
    ...moveActions(cursor, indices.length, none),
    'depots.next': now(() => switchTab((tabIndex + 1) % tabs.length)),
    'depots.previous': now(() => switchTab((tabIndex - 1 + tabs.length) % tabs.length)),
    'depots.pick': now((key) => {
      const index = Number(key) - 1;
      if (index < tabs.length) switchTab(index);
      else runner.banner({ kind: 'info', text: `there is no depot ${key}: ${tabs.length} depots (1-${tabs.length})` });
    }),
    'list.filter': now(field.open),
    'list.open': withItem(selectedRow, none, () => now(() => open(false))),
    'list.inspect': withItem(selectedRow, none, () => now(() => open(true))),
    'list.pull': pull(),
    'list.refresh': data.needsSearch
      ? disabled('press / and type to search Docker Hub first')
      : now(() => {
          reload();
          if (tab.kind === 'local') services.updates?.check({ refresh: true });
        }),
    ...(tab.kind === 'local' ? { ...local, 'local.mark': marks.mark, 'local.prune': prune, 'local.rollback': rollback.action, ...(marks.deleteMarked ? { 'local.delete': marks.deleteMarked } : {}) } : {}),
  };
  const scopes: Scope[] = tab.kind === 'local' ? ['local', 'depots', 'list'] : ['depots', 'list'];
  // Depot keys wait for LXD's tabs; keys that act on rows wait for the list on show while it is fetched
  // (a reload too: `d` acts on the rows the engine has now, not on the ones shown before the refetch).
  const rowsPending = query.fetching || (rows === undefined && query.error === undefined && !data.needsSearch);
  // `d` on marked images waits for what deleting them frees (the question says it).
  const waiting: CommandId[] = [
    ...(tabsLoading ? TAB_COMMANDS : []),
    ...(rowsPending ? ROW_COMMANDS : []),
    ...(marks.planning ? (['local.delete'] as const) : []),
    ...(rollback.loading ? (['local.rollback'] as const) : []),
  ];
  useScreenCommands(scopes, actions, { active: active && !field.editing, waiting: waiting.length > 0 ? waiting : false, onPaste: field.paste });
  // Esc clears the marks while there are some (otherwise Esc is the app's).
  useScreenCommands(['marks'], marks.clear ? { 'marks.clear': marks.clear } : {}, { active: active && !field.editing && tab.kind === 'local' && marks.clear !== undefined });

  return {
    tabs,
    tab,
    tabIndex,
    badges: data.badges,
    filter,
    filterCursor: field.cursor,
    editing: field.editing,
    rows,
    indices,
    total: rows?.items.length ?? 0,
    loading: query.loading,
    error: query.error === undefined ? null : errorText(query.error),
    cursor,
    needsSearch: data.needsSearch,
    sort,
    updates,
    updatesOnly,
    unique,
    marked: marks.ids,
    marksLine: tab.kind === 'local' ? marks.line : null,
    previous: rollback.previous,
    selectedLocal,
    localRows: rows?.kind === 'local' ? rows.items : [],
  };
}
