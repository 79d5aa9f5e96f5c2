// The engines screen (key C): every engine with its state, a `/` filter; what each key does is in
// useEnginesScreen (Enter switches without a restart; a, e, d add, edit and delete saved engines).
import { Box, Text } from 'ink';
import React from 'react';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { EngineForm } from './EngineForm';
import { ENGINE_HEADERS, engineCells } from './presentation';
import { useEnginesScreen } from './useEnginesScreen';

const SPECS: ColumnSpec[] = [{ width: 1 }, { width: 12, grow: 1 }, { width: 7 }, { width: 24, grow: 3 }, { width: 16, grow: 2 }];

export interface EnginesScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
}

export function EnginesScreen({ services, theme, width, height, active }: EnginesScreenProps): React.JSX.Element {
  // title (1) + filter line (1) + header (1)
  const listHeight = Math.max(1, height - 3);
  const vm = useEnginesScreen({ services, active, listHeight, ellipsis: theme.glyph.ellipsis });
  const { list } = vm;
  if (vm.form) return <EngineForm services={services} original={vm.form.original} theme={theme} width={width} onDone={vm.closeForm} />;
  const widths = layoutColumns(SPECS, width - 2);
  const rows = list.shown;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        Engines
        <Text color={theme.text.muted} bold={false}>{`  using ${services.engines.active()}; Enter switches`}</Text>
      </Text>
      <FilterLine field={list.field} filter={list.filter} shown={rows.length} total={vm.rows.length} theme={theme} />
      <VirtualList
        count={rows.length}
        selected={list.cursor.selected}
        offset={list.cursor.offset}
        height={listHeight}
        width={width}
        theme={theme}
        header={renderColumns(ENGINE_HEADERS, widths, SPECS).trimEnd()}
        row={(i) => (rows[i] ? renderColumns(engineCells(rows[i], theme.glyph.ellipsis), widths, SPECS, 1, theme.glyph.ellipsis) : '')}
        rowColor={(i) => (rows[i]?.reachable === false ? theme.status.error : rows[i]?.active ? theme.text.accent : undefined)}
        empty={list.filter ? `nothing matches "${list.filter}"` : ''}
        focused={active && !list.field.editing}
      />
    </Box>
  );
}
