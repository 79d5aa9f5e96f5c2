// The rows of the depot on show: the Local list (one row per image, in the chosen order; refreshed by
// engine events), the lists that filter as you type (fetched once), and Docker Hub / private registry
// searches (debounced, cancellable). One query with its own cache by key: a tab shown again shows what
// it answered last while it is asked again (`fetching`: keys for the list wait for the answer).
import { useEffect, useMemo, useState } from 'react';
import type { LocalRepository, RemoteImage } from '../../../domain/images';
import type { BannerMessage } from '../../components/ErrorBanner';
import { useQuery } from '../../hooks/useQuery';
import type { UiServices, UpdateMark } from '../../services';
import { type LocalRow, type LocalSort, type UniqueSizes, localRowCount, localRowHaystack, localRows, rowUpdate } from './local';
import { filterIndices, remoteHaystack } from './presentation';
import type { DepotTab } from './useDepotTabs';

export type DepotRows = { kind: 'local'; items: LocalRepository[] } | { kind: Exclude<DepotTab['kind'], 'local'>; items: RemoteImage[]; warnings: string[] };
/** What the list shows: local images one row per image, remote results as they come. */
export type ShownRows = { kind: 'local'; items: LocalRow[] } | { kind: Exclude<DepotTab['kind'], 'local'>; items: RemoteImage[] };

const SEARCH_DEBOUNCE_MS = 250;

/** A row's identity: the selection follows it through reloads, sorts and filters. */
export function localRowId(row: LocalRow): string {
  return `${row.repo.fullName || row.repo.name}@${row.id}`;
}

export function remoteRowId(image: RemoteImage): string {
  return `${image.fullName}:${image.version ?? ''}`;
}

export function useDepotRows(props: {
  services: UiServices;
  tab: DepotTab;
  tabs: readonly DepotTab[];
  filter: string;
  active: boolean;
  sort: LocalSort;
  updatesOnly: boolean;
  marks: ReadonlyMap<string, UpdateMark>;
  /** Unique bytes as far as known (the order of the `unique` sort). */
  unique?: UniqueSizes;
  banner(message: BannerMessage | null): void;
}) {
  const { services, tab, tabs, filter, active, sort, updatesOnly, marks, banner } = props;
  const unique = sort === 'unique' ? props.unique : undefined;
  // Lists that filter as you type are fetched once; Docker Hub and private registries are searched.
  const serverFilter = tab.kind === 'dockerhub' || tab.kind === 'private' ? filter.trim() : '';
  const needsSearch = tab.kind === 'dockerhub' && serverFilter === '';
  const queryKey = `${tab.key}|${serverFilter}`;
  // Local images read while the app was loading: no second request for the first frame.
  const [initialLocal] = useState(() => services.local.initial?.());
  const query = useQuery<DepotRows>(
    queryKey,
    async (signal) => {
      if (tab.kind === 'local') return { kind: 'local', items: await services.local.list(signal) };
      const result = await services.remote.list({ category: tab.kind, filter: serverFilter, ...(tab.registry ? { registry: tab.registry } : {}) }, signal);
      return { kind: tab.kind, items: result.results, warnings: result.warnings };
    },
    {
      debounceMs: serverFilter ? SEARCH_DEBOUNCE_MS : 0,
      enabled: active && !needsSearch,
      initial: initialLocal && queryKey === 'local|' ? { kind: 'local', items: initialLocal } : undefined,
    },
  );

  // The local list follows the engine (events, debounced by the service), not a timer.
  const { reload } = query;
  const tabKind = tab.kind;
  useEffect(() => {
    if (!active || tabKind !== 'local') return undefined;
    return services.local.watch(() => reload());
  }, [services, active, tabKind, reload]);

  // Docker Hub shows nothing until a search ran; a kept answer belongs to its own tab.
  const fetched = needsSearch ? undefined : query.data;
  // Warnings of an answer (a registry that half answered) go to the banner once, when it arrives.
  const warnings = fetched && fetched.kind !== 'local' ? fetched.warnings.join('; ') : '';
  useEffect(() => {
    if (warnings) banner({ kind: 'warning', text: warnings });
  }, [warnings, banner]);

  const rows: ShownRows | undefined = useMemo(() => {
    if (!fetched) return undefined;
    return fetched.kind === 'local' ? { kind: 'local', items: localRows(fetched.items, sort, unique) } : { kind: fetched.kind, items: fetched.items };
  }, [fetched, sort, unique]);
  // The rows on show, as indexes into `rows` (Docker Hub and private registries filter on the server).
  const indices: number[] = useMemo(() => {
    if (!rows) return [];
    if (rows.kind === 'local') {
      const shown = filterIndices(rows.items, filter, localRowHaystack);
      return updatesOnly ? shown.filter((i) => rows.items[i] && rowUpdate(rows.items[i], marks).available) : shown;
    }
    if (rows.kind === 'dockerhub' || rows.kind === 'private') return rows.items.map((_, i) => i);
    return filterIndices(rows.items, filter, remoteHaystack);
  }, [rows, filter, updatesOnly, marks]);
  const ids = useMemo(() => {
    if (!rows) return [];
    return rows.kind === 'local' ? indices.map((i) => localRowId(rows.items[i] as LocalRow)) : indices.map((i) => remoteRowId(rows.items[i] as RemoteImage));
  }, [rows, indices]);

  const { cached } = query;
  const badges = tabs.map((t) => {
    if (t.kind === 'dockerhub') return t.key === tab.key && rows ? String(rows.items.length) : undefined;
    const last = cached(`${t.key}|`);
    if (!last) return undefined;
    return String(last.kind === 'local' ? localRowCount(last.items) : last.items.length);
  });

  return { query, rows, indices, ids, badges, needsSearch };
}
