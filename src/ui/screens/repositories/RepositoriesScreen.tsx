// Saved (external) repositories: repositories on registries whose catalog is off or private, with
// their own credentials; in use when a local image or container uses them.
import { Box, Text } from 'ink';
import React, { useState } from 'react';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { BannerMessage } from '../../components/ErrorBanner';
import { VirtualList } from '../../components/VirtualList';
import { PRIORITY, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { useQuery } from '../../hooks/useQuery';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { RepositoryForm } from './RepositoryForm';

const SPECS: ColumnSpec[] = [{ width: 24, grow: 3 }, { width: 12, grow: 1 }, { width: 6 }];
const HEADERS = ['NAME', 'REGISTRY', 'IN USE'];

export function RepositoriesScreen({ services, theme, width, height, active, actions }: { services: UiServices; theme: Theme; width: number; height: number; active: boolean; actions: { banner(m: BannerMessage | null): void } }): React.JSX.Element {
  const query = useQuery('repositories', () => services.repositories.list());
  const rows = query.data ?? [];
  const [form, setForm] = useState<{ editing: string | null } | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const listHeight = Math.max(1, height - 3);
  const cursor = useListCursor(rows.length, listHeight);
  const selected = rows[cursor.selected];

  useCommands(
    ['repositories', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      switch (command) {
        case 'repositories.add':
          setForm({ editing: null });
          return true;
        case 'repositories.edit':
          if (selected) setForm({ editing: selected.name });
          return true;
        case 'repositories.delete':
          if (selected) setConfirm(selected.name);
          return true;
        case 'list.refresh':
          query.reload();
          return true;
        default:
          return false;
      }
    },
    { priority: PRIORITY.screen, active: active && !form && !confirm },
  );

  if (form) {
    return (
      <RepositoryForm
        services={services}
        editing={form.editing}
        theme={theme}
        width={width}
        onDone={(saved) => {
          setForm(null);
          if (saved) {
            actions.banner({ kind: 'success', text: form.editing ? `updated the credentials of ${saved}` : `saved ${saved}` });
            query.reload();
          }
        }}
      />
    );
  }
  const widths = layoutColumns(SPECS, width - 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title} wrap="truncate-end">
        Saved repositories
        <Text color={theme.text.muted} bold={false}>{'  ones a registry does not list, with their own credentials'}</Text>
      </Text>
      {confirm ? (
        <ConfirmDialog
          title={`Remove ${confirm}?`}
          lines={['Only stevedore forgets it; the registry keeps the repository.']}
          theme={theme}
          width={width}
          onAnswer={(answer) => {
            const name = confirm;
            setConfirm(null);
            if (answer !== 'yes') return;
            services.repositories.remove(name).then(
              () => {
                actions.banner({ kind: 'success', text: `removed ${name}` });
                query.reload();
              },
              (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
            );
          }}
        />
      ) : (
        <VirtualList
          count={rows.length}
          selected={cursor.selected}
          offset={cursor.offset}
          height={listHeight}
          width={width}
          theme={theme}
          header={renderColumns(HEADERS, widths, SPECS).trimEnd()}
          row={(i) => {
            const r = rows[i];
            return r ? renderColumns([r.name, r.registry ?? '(no registry)', r.inUse ? 'yes' : ''], widths, SPECS, 1, theme.glyph.ellipsis) : '';
          }}
          empty={query.error !== undefined ? errorText(query.error) : query.data ? 'none yet: press a to add one' : query.loading ? `loading${theme.glyph.ellipsis}` : ''}
          focused={active}
        />
      )}
    </Box>
  );
}
