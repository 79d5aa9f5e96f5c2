// Saved (external) repositories: repositories on registries whose catalog is off or private, with
// their own credentials; in use when a local image or container uses them.
import { Box, Text } from 'ink';
import React from 'react';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import { FilterLine } from '../../components/FilterLine';
import { VirtualList } from '../../components/VirtualList';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { RepositoryForm } from './RepositoryForm';
import { useRepositoriesScreen } from './useRepositoriesScreen';

const SPECS: ColumnSpec[] = [{ width: 24, grow: 3 }, { width: 12, grow: 1 }, { width: 6 }];
const HEADERS = ['NAME', 'REGISTRY', 'IN USE'];

export function RepositoriesScreen({ services, theme, width, height, active }: { services: UiServices; theme: Theme; width: number; height: number; active: boolean }): React.JSX.Element {
  // title (1) + filter line (1) + header (1)
  const listHeight = Math.max(1, height - 3);
  const vm = useRepositoriesScreen({ services, active, listHeight });
  const { query, list } = vm;
  if (vm.form) return <RepositoryForm services={services} editing={vm.form.editing} theme={theme} width={width} onDone={vm.closeForm} />;
  const widths = layoutColumns(SPECS, width - 2);
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
          return r ? renderColumns([r.name, r.registry ?? '(no registry)', r.inUse ? 'yes' : ''], widths, SPECS, 1, theme.glyph.ellipsis) : '';
        }}
        empty={query.error !== undefined ? errorText(query.error) : list.filter ? `nothing matches "${list.filter}"` : query.data ? 'none yet: press a to add one' : query.loading ? `loading${theme.glyph.ellipsis}` : ''}
        focused={active && !list.field.editing}
      />
    </Box>
  );
}
