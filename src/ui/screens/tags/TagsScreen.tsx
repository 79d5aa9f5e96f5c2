// The Tags screen: every tag of the chosen image with size, date and platforms where the registry
// tells them, installed marks, a filter, a platform choice for inspect and pull, and `p` to pull.
import { Box, Text } from 'ink';
import React, { useMemo, useState } from 'react';
import type { RemoteImage } from '../../../domain/images';
import type { BannerMessage } from '../../components/ErrorBanner';
import { TextField } from '../../components/TextField';
import { VirtualList } from '../../components/VirtualList';
import { PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { useQuery } from '../../hooks/useQuery';
import { useFilterField } from '../../hooks/useFilterField';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import type { InspectTarget } from '../inspect/target';
import { filterTags, platformsOf, tagCells, tagHeader, tagRowText, tagRows, tagWidths } from './presentation';

export interface TagsScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  image: Pick<RemoteImage, 'name' | 'fullName'>;
  registry: string | undefined;
  active: boolean;
  actions: {
    inspect(target: InspectTarget): void;
    pull(ref: string, registry: string | undefined, platform: string | undefined): void;
    banner(message: BannerMessage | null): void;
  };
}

export function TagsScreen({ services, theme, width, height, image, registry, active, actions }: TagsScreenProps): React.JSX.Element {
  const query = useQuery(`${registry ?? ''}|${image.name}`, (signal) => services.remote.tags(image.name, registry, signal));
  const [filter, setFilter] = useState('');
  const [platformIndex, setPlatformIndex] = useState(-1); // -1: the default (engine's / setting)
  const all = useMemo(() => (query.data ? tagRows(query.data) : []), [query.data]);
  const rows = useMemo(() => filterTags(all, filter), [all, filter]);
  const platforms = useMemo(() => (query.data ? platformsOf(query.data) : []), [query.data]);
  const platform = platformIndex >= 0 ? platforms[platformIndex] : undefined;
  const cells = useMemo(() => {
    const now = services.clock.now();
    return rows.map((r) => tagCells(r, theme, now));
  }, [rows, theme, services.clock]);
  const widths = useMemo(() => tagWidths(cells, width - 2), [cells, width]);
  const listHeight = Math.max(1, height - 4);
  const cursor = useListCursor(rows.length, listHeight);
  const field = useFilterField({ value: filter, update: setFilter, active, onChange: cursor.first });
  const editing = field.editing;
  const selected = rows[cursor.selected];
  const ref = selected ? `${image.name}:${selected.name}` : undefined;

  useCommands(
    ['tags', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      switch (command) {
        case 'tags.pull':
          if (ref) actions.pull(ref, registry, platform);
          return true;
        case 'tags.inspect':
          if (ref) actions.inspect({ kind: 'remote', ref, registry, platform, title: ref });
          return true;
        case 'tags.platform':
          setPlatformIndex((i) => (i + 1 >= platforms.length ? -1 : i + 1));
          return true;
        case 'list.filter':
          field.open();
          return true;
        case 'list.refresh':
          query.reload();
          return true;
        default:
          return false;
      }
    },
    { priority: PRIORITY.screen, active: active && !editing, waiting: query.data === undefined && query.error === undefined,
      onPaste: field.paste,
      disabled: disabledWhen({
        'tags.platform': query.data !== undefined && platforms.length === 0 && 'this registry does not list platforms per tag: the engine default is used',
        'tags.pull': query.data !== undefined && !ref && 'no tag selected',
        'tags.inspect': query.data !== undefined && !ref && 'no tag selected',
      }),
    },
  );
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
          <Text color={theme.text.muted}>{filter ? `  filter: ${filter}` : query.loading ? `  loading tags${theme.glyph.ellipsis}` : ' '}</Text>
        )}
      </Box>
      <VirtualList
        count={rows.length}
        selected={cursor.selected}
        offset={cursor.offset}
        height={listHeight}
        width={width}
        theme={theme}
        header={tagHeader(widths)}
        row={(i) => (cells[i] ? tagRowText(cells[i], widths, theme) : '')}
        empty={query.error !== undefined ? errorText(query.error) : query.data ? (filter ? `no tag matches "${filter}"` : 'this repository has no tags') : ''}
        focused={active && !editing}
      />
    </Box>
  );
}
