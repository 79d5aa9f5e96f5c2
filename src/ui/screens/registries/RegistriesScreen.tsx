// The Registries screen: Docker Hub (locked) and the user's registries, a `/` filter; add, edit, delete
// (asks), and test (ping) the selected one (what each key does: useRegistriesScreen).
import { Box, Text } from 'ink';
import React from 'react';
import { MASK, type Registry } from '../../../domain/registry';
import { type PriorityColumnSpec, layoutByPriority, renderColumns } from '../../../domain/text';
import { trustText } from '../../../views/registries';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { RegistryForm } from './RegistryForm';
import { useRegistriesScreen } from './useRegistriesScreen';

// As wide as their content (as the Local list): a wide terminal leaves the room after the last column, not
// between them; a narrow one cuts the URL in the middle and the name at its end first.
const SPECS: PriorityColumnSpec[] = [
  { width: 12, grow: 2, max: 48, priority: 1 },
  { width: 16, grow: 3, max: 80, priority: 1, keep: 'middle' },
  { width: 3 },
  { width: 6 },
  { width: 8, grow: 1, max: 32, priority: 2 },
  { width: 8, grow: 1, max: 8, fill: true },
];
const HEADERS = ['NAME', 'URL', 'API', 'TRUST', 'USERNAME', 'PASSWORD'];

export function registryCells(r: Registry): string[] {
  return [r.builtin ? `${r.name} (built in)` : r.name, r.url, r.version, trustText(r), r.username || '-', r.password ? MASK : '-'];
}

export interface RegistriesScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  /** Called after a change so the depot tabs follow. */
  onChanged: () => void;
}

export function RegistriesScreen({ services, theme, width, height, active, onChanged }: RegistriesScreenProps): React.JSX.Element {
  // title (1) + filter line (1) + header (1)
  const listHeight = Math.max(1, height - 3);
  const vm = useRegistriesScreen({ services, active, listHeight, ellipsis: theme.glyph.ellipsis, onChanged });
  const { list } = vm;
  // Laid out on every row, not the filtered ones: a filter does not move the columns.
  const cells = vm.rows.map(registryCells);
  const widths = layoutByPriority(SPECS, HEADERS, cells, width - 2);
  if (vm.form) return <RegistryForm services={services} original={vm.form.original} theme={theme} width={width} onDone={vm.closeForm} />;
  const shown = list.shown;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        Registries
        <Text color={theme.text.muted} bold={false}>{`  ${vm.rows.length - 1} configured; Docker Hub is built in`}</Text>
      </Text>
      <FilterLine field={list.field} filter={list.filter} shown={shown.length} total={vm.rows.length} theme={theme} />
      <VirtualList
        count={shown.length}
        selected={list.cursor.selected}
        offset={list.cursor.offset}
        height={listHeight}
        width={width}
        theme={theme}
        header={renderColumns(HEADERS, widths, SPECS).trimEnd()}
        row={(i) => (shown[i] ? renderColumns(registryCells(shown[i]), widths, SPECS, 1, theme.glyph.ellipsis) : '')}
        rowColor={(i) => (shown[i]?.builtin ? theme.text.muted : undefined)}
        empty={list.filter ? `nothing matches "${list.filter}"` : ''}
        focused={active && !list.field.editing}
      />
    </Box>
  );
}
