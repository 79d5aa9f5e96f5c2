// The engines screen (key C): every engine with its state, a `/` filter; what each key does is in
// useEnginesScreen (Enter switches without a restart; a, e, d add, edit and delete saved engines).
import { Box, Text } from 'ink';
import React from 'react';
import { renderColumns } from '../../../domain/text';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { EngineForm } from './EngineForm';
import { ENGINE_HEADERS, ENGINE_SPECS, engineCells, engineProblem, engineWidths } from './presentation';
import { useEnginesScreen } from './useEnginesScreen';

const SPECS = ENGINE_SPECS;

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
  const rows = list.shown;
  const widths = engineWidths(rows, width - 2, theme.glyph.ellipsis);
  // Why the selected engine does not answer, whole, under the list.
  const problem = engineProblem(rows[list.cursor.selected], width - 2, 4, theme.glyph.ellipsis);
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
        height={Math.max(1, listHeight - (problem.length ? problem.length + 1 : 0))}
        width={width}
        theme={theme}
        header={renderColumns(ENGINE_HEADERS, widths, SPECS).trimEnd()}
        row={(i) => (rows[i] ? renderColumns(engineCells(rows[i], theme.glyph.ellipsis), widths, SPECS, 1, theme.glyph.ellipsis) : '')}
        rowColor={(i) => (rows[i]?.reachable === false ? theme.status.error : rows[i]?.active ? theme.text.accent : undefined)}
        empty={list.filter ? `nothing matches "${list.filter}"` : ''}
        focused={active && !list.field.editing}
      />
      {problem.length ? (
        <Box flexDirection="column" marginTop={1} paddingLeft={2}>
          {problem.map((line, i) => (
            <Text key={i} color={theme.status.error}>
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
