// Layout of the Depots screen: tabs with counts, the filter line and the list (questions are the app's).
import { Box, Text } from 'ink';
import React, { useMemo } from 'react';
import type { Registry } from '../../../domain/registry';
import { Tabs } from '../../components/Tabs';
import { TextField } from '../../components/TextField';
import { VirtualList } from '../../components/VirtualList';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { noUpdatesText } from '../../../views/updates';
import { localCells } from './local';
import { previousText } from './previous';
import { headerLine, remoteCells, rowText, widthsFor } from './presentation';
import { type DepotsActions, useDepotsScreen } from './useDepotsScreen';

export interface DepotsScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  registries: Registry[];
  /** Full repository names with a download running (for the ↓ mark on local rows). */
  downloading: ReadonlySet<string>;
  /** A depot picked by number on another screen (a new `seq` each time). */
  pickTab?: { index: number; seq: number } | null;
  active: boolean;
  actions: DepotsActions;
}

export function DepotsScreen(props: DepotsScreenProps): React.JSX.Element {
  const { theme, width, height, active, downloading } = props;
  // tabs (1) + filter line (1) + header (1) + position line (1)
  const listHeight = Math.max(1, height - 4);
  const vm = useDepotsScreen({ services: props.services, registries: props.registries, listHeight, active, actions: props.actions, pickTab: props.pickTab ?? null });
  const rowWidth = width - 2;
  const { rows, indices } = vm;
  // Cells and column widths once per list, not per keystroke or frame: filtering 2,000 rows only
  // picks indexes, and the columns do not jump while you type.
  const cells = useMemo(() => {
    if (!rows) return [];
    const now = props.services.clock.now();
    return rows.kind === 'local'
      ? rows.items.map((row) => localCells(row, { theme, now, downloading: downloading.has(row.repo.fullName), updates: vm.updates.marks, unique: vm.unique, marked: vm.marked, previous: vm.previous }))
      : rows.items.map((image) => remoteCells(rows.kind as Exclude<typeof rows.kind, 'local'>, image, theme));
  }, [rows, downloading, theme, props.services.clock, vm.updates.marks, vm.unique, vm.marked, vm.previous]);
  // The selected row's kept image (issue 22), said on the line over the list.
  const previousLine = vm.tab.kind === 'local' ? previousText(vm.selectedLocal, vm.previous, props.services.clock.now(), vm.localRows) : '';
  const widths = useMemo(() => widthsFor(vm.tab.kind, rowWidth, cells, vm.sort), [vm.tab.kind, rowWidth, cells, vm.sort]);
  const row = (i: number): string => {
    const c = cells[indices[i] ?? -1];
    return c ? rowText(vm.tab.kind, c, widths, theme) : '';
  };
  const rowColor = (i: number): string | undefined => {
    const local = rows?.kind === 'local' ? rows.items[indices[i] ?? -1] : undefined;
    if (local && vm.marked.has(local.id)) return theme.status.warning;
    if (local?.repo.name === '<none>') return theme.text.muted;
    return undefined;
  };

  let empty = 'nothing here';
  if (vm.error) empty = vm.error;
  else if (vm.needsSearch) empty = 'press / and type to search Docker Hub';
  else if (!rows) empty = vm.loading ? `loading${theme.glyph.ellipsis}` : '';
  else if (vm.updatesOnly && vm.tab.kind === 'local' && rows.items.length > 0) empty = noUpdatesText(vm.updates.checking, vm.updates.checkedAt, props.services.clock.now());
  else if (vm.filter) empty = `nothing matches "${vm.filter}"`;
  else if (vm.tab.kind === 'local') empty = 'no images on this engine yet: pick one in another depot and press p';

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Tabs tabs={vm.tabs.map((t, i) => ({ label: t.label, badge: vm.badges[i] }))} active={vm.tabIndex} theme={theme} width={width} />
      <Box height={1}>
        {vm.editing ? (
          <TextField
            label={vm.tab.kind === 'dockerhub' || vm.tab.kind === 'private' ? 'search' : 'filter'}
            value={vm.filter}
            cursor={vm.filterCursor}
            focused
            theme={theme}
            placeholder={vm.tab.kind === 'dockerhub' ? 'name or words' : 'text'}
          />
        ) : (
          <Text color={theme.text.muted} wrap="truncate-end">
            {vm.filter ? `  filter: ${vm.filter}  (${indices.length} of ${vm.total})` : ' '}
            {vm.marksLine ? `  ${vm.marksLine}` : ''}
            {vm.updatesOnly && vm.tab.kind === 'local' ? `  only images with an update (${indices.length})` : ''}
            {vm.updates.checking && vm.tab.kind === 'local' ? `  checking for updates${theme.glyph.ellipsis}` : ''}
            {vm.loading ? `  loading${theme.glyph.ellipsis}` : ''}
            {previousLine ? `  ${previousLine}` : ''}
          </Text>
        )}
        {vm.editing && vm.loading ? <Text color={theme.text.muted}>{`  searching${theme.glyph.ellipsis}`}</Text> : null}
      </Box>
      <VirtualList
        count={indices.length}
        selected={vm.cursor.selected}
        offset={vm.cursor.offset}
        height={listHeight}
        width={width}
        theme={theme}
        header={headerLine(vm.tab.kind, widths, vm.sort, theme, vm.tab.registry?.startsWith('lxd:') ?? false)}
        row={row}
        rowColor={rowColor}
        empty={empty}
        emptyColor={vm.error ? theme.status.error : undefined}
        focused={active && !vm.editing}
      />
    </Box>
  );
}
