// The Tags screen: every tag of the chosen image with size, date and platforms where the registry
// tells them, installed marks, a filter, a platform choice for inspect and pull, and `p` to pull.
import { Box, Text } from 'ink';
import React, { useMemo } from 'react';
import type { RemoteImage } from '../../../domain/images';
import { TextField } from '../../components/TextField';
import { VirtualList } from '../../components/VirtualList';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { listWindow, pickerLayout, tagCells, tagHeader, tagRowText, tagWidths } from './presentation';
import { type TagsActions, useTagsScreen } from './useTagsScreen';

export interface TagsScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  image: Pick<RemoteImage, 'name' | 'fullName'>;
  registry: string | undefined;
  active: boolean;
  actions: TagsActions;
}

export function TagsScreen({ services, theme, width, height, image, registry, active, actions }: TagsScreenProps): React.JSX.Element {
  const listHeight = Math.max(1, height - 4);
  const vm = useTagsScreen({ services, image, registry, active, listHeight, actions });
  const { query, all, rows, looked, wanted, picking, platform, selected, list } = vm;
  const { cursor, field, filter } = list;
  const editing = field.editing;
  const cells = useMemo(() => {
    const now = services.clock.now();
    return rows.map((r) => tagCells(r, theme, now, looked.get(r.name) === undefined && wanted.includes(r.name) ? theme.glyph.ellipsis : ''));
  }, [rows, theme, services.clock, looked, wanted]);
  const widths = useMemo(() => tagWidths(cells, width - 2), [cells, width]);
  const picker = picking ? pickerLayout(picking, listHeight) : null;
  const view = listWindow(cursor, listHeight, picker?.rows ?? 0);
  const installedCount = query.data?.installed.length ?? 0;
  const summary = query.data
    ? `${rows.length === all.length ? all.length : `${rows.length} of ${all.length}`} tag${all.length === 1 ? '' : 's'}${installedCount ? `, ${installedCount} installed` : ''}`
    : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold color={theme.text.title}>{`${image.name}`}</Text>
        <Text color={theme.text.muted}>{`  ${summary}`}</Text>
        <Text color={theme.text.muted}>{'   platform: '}</Text>
        <Text color={theme.text.accent}>{platform ?? 'default'}</Text>
      </Text>
      <Box height={1}>
        {editing ? (
          <TextField label="filter" value={filter} cursor={field.cursor} focused theme={theme} />
        ) : (
          <Text color={theme.text.muted} wrap="truncate-end">
            {filter ? `  filter: ${filter}` : query.loading ? `  loading tags${theme.glyph.ellipsis}` : ' '}
            {vm.latest ? `  ${vm.latest}` : ''}
          </Text>
        )}
      </Box>
      <VirtualList
        count={rows.length}
        selected={cursor.selected}
        offset={view.offset}
        height={view.height}
        width={width}
        theme={theme}
        header={tagHeader(widths)}
        row={(i) => (cells[i] ? tagRowText(cells[i], widths, theme) : '')}
        empty={query.error !== undefined ? errorText(query.error) : query.data ? (filter ? `no tag matches "${filter}"` : 'this repository has no tags') : ''}
        focused={active && !editing && !picking}
      />
      {picker ? (
        // Under the list, which gives it its rows: the header, the selected tag and the title stay in view.
        <Box flexDirection="column" flexShrink={0} borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1} width={Math.min(width, 48)}>
          <Text bold wrap="truncate-end">{`Platforms of ${selected?.name ?? ''}`}</Text>
          {picker.options.map(({ option: p, index: i }) => (
            <Text key={p} color={i === picker.index ? theme.text.accent : undefined} bold={i === picker.index} wrap="truncate-end">
              {`${i === picker.index ? theme.glyph.pointer : ' '} ${p === 'default' ? "default (the engine's)" : p}`}
            </Text>
          ))}
          <Text color={theme.text.muted}>{picker.more ? `${picker.more}  Enter picks  Esc closes` : 'Enter picks  Esc closes'}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
