// The Registries screen: Docker Hub (locked) and the user's registries, a `/` filter; add, edit, delete
// (asks), and test (ping) the selected one (what each key does: useRegistriesScreen).
import { Box, Text } from 'ink';
import React from 'react';
import { MASK, type Registry } from '../../../domain/registry';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import { trustText } from '../../../views/registries';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { RegistryForm } from './RegistryForm';
import { useRegistriesScreen } from './useRegistriesScreen';

const SPECS: ColumnSpec[] = [{ width: 21, grow: 1 }, { width: 20, grow: 3 }, { width: 3 }, { width: 6 }, { width: 10, grow: 1 }, { width: 8 }];
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
  const widths = layoutColumns(SPECS, width - 2);
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
