// The depots as tabs: Local, Selected, Official, Docker Hub, one per private registry, then one per LXD
// simplestreams server. The open depot is remembered by its key (a tab added or removed elsewhere does
// not switch it); until LXD's server list is in, depot keys wait for their tab.
import { useEffect, useMemo, useState } from 'react';
import type { Registry } from '../../../domain/registry';
import type { UiServices } from '../../services';
import type { DepotKind } from './presentation';

export interface DepotTab {
  key: string;
  kind: DepotKind;
  label: string;
  /** For private tabs: the registry's name. */
  registry?: string;
}

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

const LOCAL: DepotTab = { key: 'local', kind: 'local', label: 'Local' };

export function useDepotTabs(services: UiServices, registries: Registry[]) {
  // LXC (issue 14): a depot per simplestreams server when LXD is on this host.
  const [lxdServers, setLxdServers] = useState<string[]>([]);
  const [loading, setLoading] = useState(() => services.lxc !== undefined);
  useEffect(() => {
    let live = true;
    void services.lxc?.servers().then(
      (names) => {
        if (!live) return;
        setLxdServers(names);
        setLoading(false);
      },
      () => live && setLoading(false),
    );
    return () => {
      live = false;
    };
  }, [services]);
  const tabs = useMemo(() => [...depotTabs(registries), ...lxdTabs(lxdServers)], [registries, lxdServers]);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const index = Math.max(0, tabs.findIndex((t) => t.key === openKey));
  const tab: DepotTab = tabs[index] ?? LOCAL;
  return {
    tabs,
    tab,
    index,
    /** LXD's servers are not in yet: a depot key may be for one of them. */
    loading,
    open: (i: number) => setOpenKey(tabs[i]?.key ?? null),
  };
}
