// Saved (external) repositories: repositories on registries whose catalog is off or private, with
// their own credentials; in use when a local image or container uses them.
import { Box, Text } from 'ink';
import React from 'react';
import { type PriorityColumnSpec, layoutByPriority, renderColumns } from '../../../domain/text';
import type { SavedRepositoryRow } from '../../services';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { RepositoryForm } from './RepositoryForm';
import { useRepositoriesScreen } from './useRepositoriesScreen';

// As wide as their content (as the Local list): the room of a wide terminal goes after the last column.
const SPECS: PriorityColumnSpec[] = [
  { width: 16, grow: 3, max: 96, priority: 1, keep: 'end' },
  { width: 12, grow: 1, max: 40, priority: 2 },
  { width: 6, grow: 1, max: 6, fill: true },
];
const HEADERS = ['NAME', 'REGISTRY', 'IN USE'];

function repositoryCells(r: SavedRepositoryRow): string[] {
  return [r.name, r.registry ?? '(no registry)', r.inUse ? 'yes' : ''];
}

export function RepositoriesScreen({ services, theme, width, height, active }: { services: UiServices; theme: Theme; width: number; height: number; active: boolean }): React.JSX.Element {
  // title (1) + filter line (1) + header (1)
  const listHeight = Math.max(1, height - 3);
  const vm = useRepositoriesScreen({ services, active, listHeight });
  const { query, list } = vm;
  if (vm.form) return <RepositoryForm services={services} editing={vm.form.editing} theme={theme} width={width} onDone={vm.closeForm} />;
  const widths = layoutByPriority(SPECS, HEADERS, (query.data ?? []).map(repositoryCells), width - 2);
  const rows = list.shown;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title} wrap="truncate-end">
        Saved repositories
        <Text color={theme.text.muted} bold={false}>{'  ones a registry does not list, with their own credentials'}</Text>
      </Text>
      <FilterLine field={list.field} filter={list.filter} shown={rows.length} total={query.data?.length ?? 0} theme={theme} />
      <VirtualList
        count={rows.length}
        selected={list.cursor.selected}
        offset={list.cursor.offset}
        height={listHeight}
        width={width}
        theme={theme}
        header={renderColumns(HEADERS, widths, SPECS).trimEnd()}
        row={(i) => {
          const r = rows[i];
          return r ? renderColumns(repositoryCells(r), widths, SPECS, 1, theme.glyph.ellipsis) : '';
        }}
        empty={query.error !== undefined ? errorText(query.error) : list.filter ? `nothing matches "${list.filter}"` : query.data ? 'none yet: press a to add one' : query.loading ? `loading${theme.glyph.ellipsis}` : ''}
        focused={active && !list.field.editing}
      />
    </Box>
  );
}
