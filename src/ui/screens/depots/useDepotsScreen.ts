// View model of the Depots screen: the tabs (Local, Selected, Official, Docker Hub, then one per
// private registry), each with its list, filter and counts; the local list refreshes from engine
// events; Docker Hub and private registries search as you type (debounced, cancellable).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LocalRepository, RemoteImage } from '../../../domain/images';
import type { Registry } from '../../../domain/registry';
import type { BannerMessage } from '../../components/ErrorBanner';
import { PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { useQuery } from '../../hooks/useQuery';
import { useFilterField } from '../../hooks/useFilterField';
import { type ExternalStore, useStore } from '../../hooks/useStore';
import type { Scope } from '../../keys/bindings';
import { type RemoteListResult, type UiServices, type UpdatesView, errorText } from '../../services';
import type { InspectTarget } from '../inspect/target';
import { updateOffer } from '../../../views/updates';
import { type LocalRow, type LocalSort, localRowCount, localRowDeleteRefs, localRowHaystack, localRowRef, localRows, nextSort, rowUpdate } from './local';
import { type DepotKind, filterIndices, remoteHaystack, remoteRef, rowRegistry } from './presentation';

export interface DepotTab {
  key: string;
  kind: DepotKind;
  label: string;
  /** For private tabs: the registry's name. */
  registry?: string;
}

export interface DepotsActions {
  /** The kind of the tab on show (the footer's key hints depend on it). */
  tabChanged?(kind: DepotKind): void;
  openTags(image: RemoteImage, registry: string | undefined): void;
  inspect(target: InspectTarget): void;
  pull(ref: string, registry: string | undefined): void;
  banner(message: BannerMessage | null): void;
}

export type DepotRows = { kind: 'local'; items: LocalRepository[] } | { kind: Exclude<DepotKind, 'local'>; items: RemoteImage[] };
/** What the list shows: local images one row per image, remote results as they come. */
export type ShownRows = { kind: 'local'; items: LocalRow[] } | { kind: Exclude<DepotKind, 'local'>; items: RemoteImage[] };

export function depotTabs(registries: Registry[]): DepotTab[] {
  return [
    { key: 'local', kind: 'local', label: 'Local' },
    { key: 'selected', kind: 'selected', label: 'Selected' },
    { key: 'official', kind: 'official', label: 'Official' },
    { key: 'dockerhub', kind: 'dockerhub', label: 'Docker Hub' },
    ...registries.filter((r) => !r.builtin).map((r): DepotTab => ({ key: `private:${r.name}`, kind: 'private', label: r.name, registry: r.name })),
  ];
}

/** One depot per simplestreams server; its `registry` (`lxd:NAME`) routes its requests to LXD. */
export function lxdTabs(servers: string[]): DepotTab[] {
  return servers.map((name): DepotTab => ({ key: `lxd:${name}`, kind: 'private', label: `${name} (lxc)`, registry: `lxd:${name}` }));
}

const SEARCH_DEBOUNCE_MS = 250;

const NO_UPDATES: ExternalStore<UpdatesView> = {
  getSnapshot: (() => {
    const view: UpdatesView = { marks: new Map(), checking: false, count: 0, error: null };
    return () => view;
  })(),
  subscribe: () => () => undefined,
};

/** An update started with `u`: when the new image is there, offer to remove the old one. */
interface PendingUpdate {
  ref: string;
  fullName: string;
  tag: string;
  oldId: string;
}

export function useDepotsScreen(props: {
  services: UiServices;
  registries: Registry[];
  listHeight: number;
  active: boolean;
  actions: DepotsActions;
  pickTab?: { index: number; seq: number } | null;
}) {
  const { services, registries, listHeight, active, actions, pickTab = null } = props;
  // LXC (issue 14): a depot per simplestreams server when LXD is on this host.
  const [lxdServers, setLxdServers] = useState<string[]>([]);
  // Until the server list is in, depot keys wait for their tab (a key typed ahead is held).
  const [tabsLoading, setTabsLoading] = useState(() => services.lxc !== undefined);
  useEffect(() => {
    let live = true;
    void services.lxc?.servers().then(
      (names) => {
        if (!live) return;
        setLxdServers(names);
        setTabsLoading(false);
      },
      () => live && setTabsLoading(false),
    );
    return () => {
      live = false;
    };
  }, [services]);
  const tabs = useMemo(() => [...depotTabs(registries), ...lxdTabs(lxdServers)], [registries, lxdServers]);
  // The open depot is remembered by its key: a tab added or removed elsewhere does not switch it.
  const [tabKeyOpen, setTabKeyOpen] = useState<string | null>(null);
  const tabIndex = Math.max(0, tabs.findIndex((t) => t.key === tabKeyOpen));
  const setTabIndex = (index: number) => setTabKeyOpen(tabs[index]?.key ?? null);
  const tab: DepotTab = tabs[Math.min(tabIndex, tabs.length - 1)] ?? { key: 'local', kind: 'local', label: 'Local' };
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [confirmDelete, setConfirmDelete] = useState<LocalRow | null>(null);
  const [sort, setSort] = useState<LocalSort>('name');
  // Update checks (issue 12): marks from the background check; `U` shows only updatable images.
  const updates = useStore(services.updates?.store ?? NO_UPDATES);
  const [updatesOnly, setUpdatesOnly] = useState(false);
  const [confirmUpdate, setConfirmUpdate] = useState<LocalRow | null>(null);
  // `u` on a current image with a newer version: the version offered ("update to 7.4?").
  const [updateTo, setUpdateTo] = useState<string | null>(null);
  const [pendingUpdate, setPendingUpdate] = useState<PendingUpdate | null>(null);
  const [confirmRemoveOld, setConfirmRemoveOld] = useState<{ oldId: string; newId: string; ref: string } | null>(null);
  const filter = filters[tab.key] ?? '';
  const tabKey = tab.key;
  const updateFilter = useCallback((update: (previous: string) => string) => setFilters((f) => ({ ...f, [tabKey]: update(f[tabKey] ?? '') })), [tabKey]);

  // Lists that filter as you type are fetched once; Docker Hub and private registries are searched.
  const serverFilter = tab.kind === 'dockerhub' || tab.kind === 'private' ? filter.trim() : '';
  const queryKey = `${tab.key}|${serverFilter}`;
  const [initialLocal] = useState(() => services.local.initial?.());
  const cache = useRef(new Map<string, DepotRows>(initialLocal ? [['local|', { kind: 'local', items: initialLocal }]] : []));

  const query = useQuery<DepotRows>(
    queryKey,
    async (signal) => {
      let rows: DepotRows;
      if (tab.kind === 'local') {
        rows = { kind: 'local', items: await services.local.list(signal) };
      } else {
        const result: RemoteListResult = await services.remote.list(
          { category: tab.kind, filter: serverFilter, ...(tab.registry ? { registry: tab.registry } : {}) },
          signal,
        );
        if (result.warnings.length > 0) actions.banner({ kind: 'warning', text: result.warnings.join('; ') });
        rows = { kind: tab.kind, items: result.results };
      }
      cache.current.set(queryKey, rows);
      return rows;
    },
    {
      debounceMs: serverFilter ? SEARCH_DEBOUNCE_MS : 0,
      enabled: active && !(tab.kind === 'dockerhub' && serverFilter === ''),
      keepPrevious: false,
      // Local images read while the app was loading: no second request for the first frame.
      initial: queryKey === 'local|' ? cache.current.get('local|') : undefined,
    },
  );

  const { tabChanged } = actions;
  useEffect(() => tabChanged?.(tab.kind), [tab.kind, tabChanged]);

  // The local list follows the engine (events, debounced by the service), not a timer.
  const { reload } = query;
  const tabKind = tab.kind;
  useEffect(() => {
    if (!active || tabKind !== 'local') return undefined;
    return services.local.watch(() => reload());
  }, [services, active, tabKind, reload]);

  const needsSearch = tab.kind === 'dockerhub' && filter.trim() === '';
  // Only this tab's answer (a disabled query keeps the last tab's data): Docker Hub shows nothing until a search ran.
  const fetched: DepotRows | undefined = needsSearch ? undefined : query.data?.kind === tab.kind ? query.data : cache.current.get(queryKey);
  const rows: ShownRows | undefined = useMemo(
    () => (fetched?.kind === 'local' ? { kind: 'local', items: localRows(fetched.items, sort) } : fetched),
    [fetched, sort],
  );
  // The rows on show, as indexes into `rows` (Docker Hub and private registries filter on the server).
  const indices: number[] = useMemo(() => {
    if (!rows) return [];
    if (rows.kind === 'local') {
      const shown = filterIndices(rows.items, filter, localRowHaystack);
      return updatesOnly ? shown.filter((i) => rows.items[i] && rowUpdate(rows.items[i], updates.marks).available) : shown;
    }
    if (rows.kind === 'dockerhub' || rows.kind === 'private') return rows.items.map((_, i) => i);
    return filterIndices(rows.items, filter, remoteHaystack);
  }, [rows, filter, updatesOnly, updates.marks]);

  // The update check runs once the Local list is on screen (after its first frame, never before), and on r.
  const checkedOnce = useRef(false);
  const localShown = active && tab.kind === 'local' && rows?.kind === 'local';
  useEffect(() => {
    if (!localShown || checkedOnce.current || !services.updates) return;
    checkedOnce.current = true;
    services.updates.check({ refresh: false });
  }, [localShown, services]);

  // After `u`: once the tag points at a new image, offer to remove the old one when nothing uses it.
  useEffect(() => {
    if (!pendingUpdate || rows?.kind !== 'local') return;
    const tagged = rows.items.find((r) => r.repo.fullName === pendingUpdate.fullName && r.tags.includes(pendingUpdate.tag));
    if (!tagged || tagged.id === pendingUpdate.oldId) return;
    setPendingUpdate(null);
    services.updates?.check({ refresh: false });
    const old = rows.items.find((r) => r.id === pendingUpdate.oldId);
    if (!old) return;
    // Not offered when the old image is still tagged elsewhere or used: say why it stays.
    const stillTagged = rows.items.filter((r) => r.id === old.id).flatMap((r) => r.tags.filter((t) => t !== '<none>').map((t) => `${r.repo.name}:${t}`));
    if (stillTagged.length > 0 || old.inUse) {
      const why = stillTagged.length > 0 ? `still tagged as ${stillTagged.join(', ')}` : `used by ${old.containers.join(', ') || 'a container'}`;
      actions.banner({ kind: 'info', text: `updated ${pendingUpdate.ref}; kept the old image ${old.id.slice(7, 19)}: ${why}` });
      return;
    }
    setConfirmRemoveOld({ oldId: old.id, newId: tagged.id, ref: pendingUpdate.ref });
  }, [pendingUpdate, rows, services, actions]);
  const count = indices.length;
  const cursor = useListCursor(count, listHeight);
  // The filter field: typing filters (or searches); Enter keeps it, Esc clears it.
  const field = useFilterField({ value: filter, update: updateFilter, active, onChange: cursor.first });
  const editing = field.editing;

  const switchTab = (index: number) => {
    if (index < 0 || index >= tabs.length) return;
    setTabIndex(index);
    cursor.first();
    actions.banner(null);
  };

  // A depot picked by number on a screen over the depots.
  const pickSeq = pickTab?.seq;
  const pickIndex = pickTab?.index;
  useEffect(() => {
    if (pickSeq === undefined || pickIndex === undefined || pickIndex < 0 || pickIndex >= tabs.length) return;
    setTabIndex(pickIndex);
    cursor.first();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a new pick arrives
  }, [pickSeq]);

  const selectedIndex = indices[cursor.selected];
  const selectedLocal = rows?.kind === 'local' && selectedIndex !== undefined ? rows.items[selectedIndex] : undefined;
  const selectedRemote = rows && rows.kind !== 'local' && selectedIndex !== undefined ? rows.items[selectedIndex] : undefined;

  const open = (inspectOnly: boolean) => {
    if (selectedLocal) {
      const ref = localRowRef(selectedLocal);
      actions.inspect({ kind: 'local', ref, title: ref, ...(selectedLocal.containers.length ? { usedBy: selectedLocal.containers } : {}) });
    } else if (selectedRemote) {
      const registry = rowRegistry(selectedRemote, tab.registry);
      if (inspectOnly) actions.inspect({ kind: 'remote', ref: remoteRef(selectedRemote), registry, title: remoteRef(selectedRemote) });
      else actions.openTags(selectedRemote, registry);
    }
  };

  const pull = () => {
    if (selectedLocal) {
      const ref = localRowRef(selectedLocal);
      if (ref !== selectedLocal.id) actions.pull(ref, undefined);
    } else if (selectedRemote) {
      if (selectedRemote.type === 'lxc') actions.pull(remoteRef(selectedRemote), rowRegistry(selectedRemote, tab.registry));
      else if (selectedRemote.version) actions.pull(remoteRef(selectedRemote), tab.registry);
      else {
        // No suggested tag (search results, private repositories): guessing `latest` fails too often.
        actions.openTags(selectedRemote, tab.registry);
        actions.banner({ kind: 'info', text: `pick a tag of ${selectedRemote.name} and press p` });
      }
    }
  };

  const deleteSelected = async (force: boolean) => {
    const row = confirmDelete;
    setConfirmDelete(null);
    if (!row) return;
    const refs = localRowDeleteRefs(row);
    const done: string[] = [];
    try {
      for (const ref of refs) {
        await services.local.remove(ref, { force });
        done.push(ref);
      }
      actions.banner({ kind: 'success', text: `deleted ${done.join(', ')}` });
    } catch (error) {
      actions.banner({ kind: 'error', text: done.length ? `deleted ${done.join(', ')}; then: ${errorText(error)}` : errorText(error) });
    } finally {
      reload();
    }
  };

  const scopes: Scope[] = tab.kind === 'local' ? ['local', 'depots', 'list'] : ['depots', 'list'];
  useCommands(
    scopes,
    (command, key) => {
      if (cursor.command(command)) return true;
      switch (command) {
        case 'depots.next':
          switchTab((tabIndex + 1) % tabs.length);
          return true;
        case 'depots.previous':
          switchTab((tabIndex - 1 + tabs.length) % tabs.length);
          return true;
        case 'depots.pick':
          switchTab(Number(key) - 1);
          return true;
        case 'list.filter':
          field.open();
          return true;
        case 'list.open':
          open(false);
          return true;
        case 'list.inspect':
          open(true);
          return true;
        case 'list.pull':
          pull();
          return true;
        case 'list.refresh':
          cache.current.delete(queryKey);
          reload();
          if (tab.kind === 'local') services.updates?.check({ refresh: true });
          return true;
        case 'local.delete':
          if (selectedLocal) setConfirmDelete(selectedLocal);
          return true;
        case 'local.updatesOnly':
          if (tab.kind !== 'local') return false;
          setUpdatesOnly((on) => !on);
          cursor.first();
          actions.banner(updatesOnly ? null : { kind: 'info', text: `showing only images with an update (${updates.count}); U again shows all` });
          return true;
        case 'local.update':
          if (!selectedLocal) return true;
          if (selectedLocal.repo.fullName === '' || localRowRef(selectedLocal) === selectedLocal.id) {
            actions.banner({ kind: 'info', text: 'this image has no tag to update' });
            return true;
          }
          {
            const ref = localRowRef(selectedLocal);
            const offer = updateOffer({ name: selectedLocal.repo.name, fullName: selectedLocal.repo.fullName, id: selectedLocal.id, tag: ref.slice(ref.lastIndexOf(':') + 1) }, updates.marks, services.clock.now());
            if (offer.kind === 'current') {
              actions.banner({ kind: 'info', text: offer.text });
              return true;
            }
            setUpdateTo(offer.kind === 'newer' ? offer.to : null);
          }
          setConfirmUpdate(selectedLocal);
          return true;
        case 'local.sort':
          if (tab.kind !== 'local') return false;
          setSort(nextSort);
          actions.banner(null);
          return true;
        default:
          return false;
      }
    },
    { priority: PRIORITY.screen, active: active && !editing && !confirmDelete && !confirmUpdate && !confirmRemoveOld, waiting: tabsLoading || (rows === undefined && query.error === undefined && !(tab.kind === 'dockerhub' && filter.trim() === '')),
      onPaste: field.paste,
      disabled: disabledWhen({
        'list.pull': (selectedLocal && localRowRef(selectedLocal) === selectedLocal.id && 'this image has no tag to pull again') || selectedRemote?.unavailable,
      }),
    },
  );

  const badges = tabs.map((t) => {
    if (t.kind === 'dockerhub') {
      const last = t.key === tab.key ? rows : undefined;
      return last ? String(last.items.length) : undefined;
    }
    const cached = cache.current.get(`${t.key}|`);
    if (!cached) return undefined;
    return String(cached.kind === 'local' ? localRowCount(cached.items) : cached.items.length);
  });

  return {
    tabs,
    tab,
    tabIndex,
    badges,
    filter,
    filterCursor: field.cursor,
    editing,
    rows,
    indices,
    total: rows?.items.length ?? 0,
    loading: query.loading,
    error: query.error === undefined ? null : errorText(query.error),
    cursor,
    confirmDelete,
    answerDelete: (answer: 'yes' | 'no' | 'force') => {
      if (answer === 'no') setConfirmDelete(null);
      else void deleteSelected(answer === 'force');
    },
    needsSearch,
    sort,
    updates,
    updatesOnly,
    confirmUpdate,
    updateTo,
    answerUpdate: (answer: 'yes' | 'no' | 'force') => {
      const row = confirmUpdate;
      setConfirmUpdate(null);
      if (answer === 'no' || !row) return;
      // A newer version is another tag: pulled beside this one (nothing is replaced).
      if (updateTo) return actions.pull(updateTo, undefined);
      const ref = localRowRef(row);
      const tag = ref.slice(ref.lastIndexOf(':') + 1);
      setPendingUpdate({ ref, fullName: row.repo.fullName, tag, oldId: row.id });
      actions.pull(ref, undefined);
    },
    confirmRemoveOld,
    answerRemoveOld: (answer: 'yes' | 'no' | 'force') => {
      const target = confirmRemoveOld;
      setConfirmRemoveOld(null);
      if (answer === 'no' || !target || !services.updates) return;
      services.updates.removeReplaced(target.oldId, target.newId).then(
        (r) => actions.banner(r.kept ? { kind: 'info', text: `kept the old image: ${r.kept}` } : { kind: 'success', text: `removed the old image of ${target.ref}` }),
        (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
      );
    },
  };
}
