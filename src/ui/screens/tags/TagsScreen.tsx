// The Tags screen: every tag of the chosen image with size, date and platforms where the registry
// tells them, installed marks, a filter, a platform choice for inspect and pull, and `p` to pull.
import { Box, Text } from 'ink';
import React, { useEffect, useMemo, useRef, useState } from 'react';
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
import { filterTags, tagCells, tagHeader, tagRowText, tagRows, tagWidths, withDetails } from './presentation';
import { useTagDetails } from './useTagDetails';

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
  // What the list carries a warning for (cut short at 100,000 tags, names left out) is said once it comes.
  const tagWarnings = query.data?.warnings?.join('; ') ?? '';
  const { banner } = actions;
  useEffect(() => {
    if (tagWarnings) banner({ kind: 'warning', text: tagWarnings });
  }, [tagWarnings, banner]);
  // undefined: the default (the engine's platform, or the `platform` setting)
  const [platform, setPlatform] = useState<string | undefined>(undefined);
  // The platform list `P` opens (every platform of the selected tag), with its cursor.
  const [picking, setPickingState] = useState<{ options: string[]; index: number } | null>(null);
  // Moves typed ahead (`jj` in one read) are applied before the next commit: each acts on the last one's result.
  const pickingRef = useRef(picking);
  const setPicking = (next: typeof picking) => {
    pickingRef.current = next;
    setPickingState(next);
  };
  const listHeight = Math.max(1, height - 4);
  const all = useMemo(() => (query.data ? tagRows(query.data) : []), [query.data]);
  const filtered = useMemo(() => filterTags(all, filter), [all, filter]);
  const cursor = useListCursor(filtered.length, listHeight);
  // Registries that list names only: the tags on screen are looked up one by one (size, date, platforms).
  const wanted = useMemo(
    () =>
      filtered
        .slice(cursor.offset, cursor.offset + listHeight)
        .filter((r) => !r.detail || (r.detail.size === null && r.detail.lastUpdated === null && r.detail.platforms.length === 0))
        .map((r) => r.name),
    [filtered, cursor.offset, listHeight],
  );
  const looked = useTagDetails({ services, name: image.name, registry, wanted, enabled: active && query.data !== undefined });
  const rows = useMemo(() => withDetails(filtered, looked), [filtered, looked]);
  const cells = useMemo(() => {
    const now = services.clock.now();
    return rows.map((r) => tagCells(r, theme, now, looked.get(r.name) === undefined && wanted.includes(r.name) ? theme.glyph.ellipsis : ''));
  }, [rows, theme, services.clock, looked, wanted]);
  const widths = useMemo(() => tagWidths(cells, width - 2), [cells, width]);
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
          if (ref) actions.inspect({ kind: 'remote', ref, registry, platform, title: ref, ...(selected?.installed ? { installed: true } : {}) });
          return true;
        case 'tags.platform': {
          const options = selected?.detail?.platforms ?? [];
          if (options.length === 0) actions.banner({ kind: 'info', text: `no platforms known for ${selected?.name ?? 'this tag'} yet: the engine default is used` });
          else setPicking({ options: ['default', ...options], index: Math.max(0, platform ? options.indexOf(platform) + 1 : 0) });
          return true;
        }
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
    {
      priority: PRIORITY.screen,
      active: active && !editing && !picking,
      waiting: query.data === undefined && query.error === undefined,
      onPaste: field.paste,
      disabled: disabledWhen({
        'tags.pull': query.data !== undefined && !ref && 'no tag selected',
        'tags.inspect': query.data !== undefined && !ref && 'no tag selected',
      }),
    },
  );
  // The platform list: up/down, Enter picks, Esc closes.
  useCommands(
    ['list', 'confirm'],
    (command) => {
      const picking = pickingRef.current;
      if (!picking) return false;
      const n = picking.options.length;
      if (command === 'list.up') setPicking({ ...picking, index: (picking.index - 1 + n) % n });
      else if (command === 'list.down') setPicking({ ...picking, index: (picking.index + 1) % n });
      else if (command === 'list.open' || command === 'confirm.yes') {
        const chosen = picking.options[picking.index];
        setPlatform(chosen === 'default' ? undefined : chosen);
        setPicking(null);
      } else if (command === 'confirm.no') setPicking(null);
      else return false;
      return true;
    },
    { priority: PRIORITY.dialog, active: active && picking !== null, modal: true, commands: ['list.up', 'list.down', 'list.open', 'confirm.yes', 'confirm.no'] },
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
      {picking ? (
        <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.border.color} width={Math.min(width, 48)}>
          <Text bold>{`Platforms of ${selected?.name ?? ''}`}</Text>
          {picking.options.map((p, i) => (
            <Text key={p} color={i === picking.index ? theme.text.accent : undefined} bold={i === picking.index}>
              {`${i === picking.index ? theme.glyph.pointer : ' '} ${p === 'default' ? "default (the engine's)" : p}`}
            </Text>
          ))}
          <Text color={theme.text.muted}>Enter picks  Esc closes</Text>
        </Box>
      ) : null}
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
        focused={active && !editing && !picking}
      />
    </Box>
  );
}
