// The Registries screen: Docker Hub (locked) and the user's registries; add, edit, delete (asks),
// and test (ping) the selected one.
import { Box, Text } from 'ink';
import React, { useEffect, useState } from 'react';
import { MASK, type Registry } from '../../../domain/registry';
import { type ColumnSpec, layoutColumns, renderColumns } from '../../../domain/text';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { BannerMessage } from '../../components/ErrorBanner';
import { VirtualList } from '../../components/VirtualList';
import { PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { RegistryForm } from './RegistryForm';

const SPECS: ColumnSpec[] = [{ width: 21, grow: 1 }, { width: 20, grow: 3 }, { width: 3 }, { width: 5 }, { width: 10, grow: 1 }, { width: 8 }];
const HEADERS = ['NAME', 'URL', 'API', 'TRUST', 'USERNAME', 'PASSWORD'];

export function registryCells(r: Registry): string[] {
  return [r.builtin ? `${r.name} (built in)` : r.name, r.url, r.version, r.trustCert ? 'yes' : 'no', r.username || '-', r.password ? MASK : '-'];
}

export interface RegistriesScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  /** Called after a change so the depot tabs follow. */
  onChanged: () => void;
  actions: { banner(message: BannerMessage | null): void };
}

export function RegistriesScreen({ services, theme, width, height, active, onChanged, actions }: RegistriesScreenProps): React.JSX.Element {
  const [list, setList] = useState<Registry[]>(() => services.registries.list());
  const [form, setForm] = useState<{ original: Registry | null } | null>(null);
  const [confirm, setConfirm] = useState<Registry | null>(null);
  const listHeight = Math.max(1, height - 3);
  const cursor = useListCursor(list.length, listHeight);
  const selected = list[cursor.selected];
  const refresh = () => {
    setList(services.registries.list());
    onChanged();
  };
  // A change made in another shell (a rename, a removal) shows here too, as it does in the tabs.
  useEffect(() => services.registries.watch?.(() => setList(services.registries.list())), [services]);
  const locked = (what: string) => selected?.builtin && `${selected.name} cannot be ${what}: its credentials come from \`docker login\``;

  useCommands(
    ['registries', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      switch (command) {
        case 'registries.add':
          setForm({ original: null });
          return true;
        case 'registries.edit':
          if (selected) setForm({ original: selected });
          return true;
        case 'registries.delete':
          if (selected) {
            const target = selected;
            // Saved repositories that use it keep it: say so before asking.
            services.repositories.list().then(
              (saved) => {
                const users = saved.filter((r) => r.registry === target.name).map((r) => r.name);
                if (users.length === 0) setConfirm(target);
                else
                  actions.banner({
                    kind: 'error',
                    text: `"${target.name}" is used by ${users.length} saved repositor${users.length === 1 ? 'y' : 'ies'} (${users.join(', ')}): remove ${users.length === 1 ? 'it' : 'them'} first on the Saved repositories screen (E)`,
                  });
              },
              () => setConfirm(target),
            );
          }
          return true;
        case 'registries.test':
          if (selected) {
            actions.banner({ kind: 'info', text: `testing ${selected.url}${theme.glyph.ellipsis}` });
            services.registries.ping({ url: selected.url, trustCert: selected.trustCert }).then(
              (version) => actions.banner({ kind: 'success', text: `${selected.name}: answers registry API ${version}` }),
              (error: unknown) => actions.banner({ kind: 'error', text: `${selected.name}: ${errorText(error)}` }),
            );
          }
          return true;
        case 'list.refresh':
          refresh();
          return true;
        default:
          return false;
      }
    },
    { priority: PRIORITY.screen, active: active && !form && !confirm, disabled: disabledWhen({ 'registries.edit': locked('edited'), 'registries.delete': locked('removed') }) },
  );

  const widths = layoutColumns(SPECS, width - 2);
  if (form) {
    return (
      <RegistryForm
        services={services}
        original={form.original}
        theme={theme}
        width={width}
        onDone={(saved) => {
          setForm(null);
          if (saved) {
            actions.banner({ kind: 'success', text: `saved registry "${saved.name}" (${saved.url}, API ${saved.version})` });
            refresh();
          }
        }}
      />
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        Registries
        <Text color={theme.text.muted} bold={false}>{`  ${list.length - 1} configured; Docker Hub is built in`}</Text>
      </Text>
      {confirm ? (
        <ConfirmDialog
          title={`Delete registry "${confirm.name}"?`}
          lines={[confirm.url, 'No saved repository uses it.']}
          theme={theme}
          width={width}
          onAnswer={(answer) => {
            const target = confirm;
            setConfirm(null);
            if (answer !== 'yes') return;
            services.registries.remove(target.name).then(
              () => {
                actions.banner({ kind: 'success', text: `removed registry "${target.name}"` });
                refresh();
              },
              (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
            );
          }}
        />
      ) : (
        <VirtualList
          count={list.length}
          selected={cursor.selected}
          offset={cursor.offset}
          height={listHeight}
          width={width}
          theme={theme}
          header={renderColumns(HEADERS, widths, SPECS).trimEnd()}
          row={(i) => (list[i] ? renderColumns(registryCells(list[i]), widths, SPECS, 1, theme.glyph.ellipsis) : '')}
          rowColor={(i) => (list[i]?.builtin ? theme.text.muted : undefined)}
          focused={active}
        />
      )}
    </Box>
  );
}
