// The engines screen (key C): every engine with its state (asked at once when the screen opens and on r),
// Enter switches to the selected one without a restart; a, e, d add, edit and delete saved engines.
import { Box, Text } from 'ink';
import React, { useCallback, useEffect, useState } from 'react';
import { renderColumns } from '../../../domain/text';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { BannerMessage } from '../../components/ErrorBanner';
import { VirtualList } from '../../components/VirtualList';
import { PRIORITY, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { type EngineRow, type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { EngineForm } from './EngineForm';
import { ENGINE_HEADERS, ENGINE_SPECS, engineCells, engineProblem, engineWidths } from './presentation';

const SPECS = ENGINE_SPECS;

export interface EnginesScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  actions: { banner(message: BannerMessage | null): void };
}

export function EnginesScreen({ services, theme, width, height, active, actions }: EnginesScreenProps): React.JSX.Element {
  const [rows, setRows] = useState<EngineRow[]>([]);
  const [form, setForm] = useState<{ original: EngineRow | null } | null>(null);
  const [confirm, setConfirm] = useState<EngineRow | null>(null);
  const listHeight = Math.max(1, height - 3);
  const cursor = useListCursor(rows.length, listHeight);
  const selected = rows[cursor.selected];
  // The cursor starts on the engine in use.
  const [placed, setPlaced] = useState(false);
  const { select } = cursor;
  useEffect(() => {
    if (placed || rows.length === 0) return;
    setPlaced(true);
    const at = rows.findIndex((r) => r.active);
    if (at > 0) select(at);
  }, [placed, rows, select]);

  const load = useCallback(() => {
    let live = true;
    void services.engines.list().then((list) => {
      if (live) setRows((old) => list.map((row) => ({ ...row, ...answerOf(old.find((o) => o.name === row.name)) })));
    });
    void services.engines.check().then(
      (list) => live && setRows(list),
      (error: unknown) => live && actions.banner({ kind: 'error', text: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [services, actions]);
  useEffect(() => load(), [load]);

  const notSaved = (row: EngineRow, what: string) =>
    actions.banner({
      kind: 'warning',
      text: row.source === 'context' ? `"${row.name}" is a docker context: ${what} it with \`docker context\`` : `"${row.name}" is built in and cannot be ${what}d`,
    });

  useCommands(
    ['engines', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      switch (command) {
        case 'engines.switch':
          if (selected && !selected.active) {
            actions.banner({ kind: 'info', text: `switching to ${selected.name}${theme.glyph.ellipsis}` });
            services.engines.switchTo(selected.name).catch((error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }));
          }
          return true;
        case 'engines.add':
          setForm({ original: null });
          return true;
        case 'engines.edit':
          if (selected?.source === 'saved') setForm({ original: selected });
          else if (selected) notSaved(selected, 'change');
          return true;
        case 'engines.delete':
          if (selected?.source === 'saved') setConfirm(selected);
          else if (selected) notSaved(selected, 'remove');
          return true;
        case 'list.refresh':
          load();
          return true;
        default:
          return false;
      }
    },
    // Until the rows are in and the cursor is on the engine in use, keys typed ahead wait.
    { priority: PRIORITY.screen, active: active && !form && !confirm, waiting: !placed },
  );

  if (form) {
    return (
      <EngineForm
        services={services}
        original={form.original}
        theme={theme}
        width={width}
        onDone={(saved) => {
          setForm(null);
          if (saved) {
            actions.banner({ kind: 'success', text: `saved engine "${saved}": Enter switches to it` });
            load();
          }
        }}
      />
    );
  }
  const widths = engineWidths(rows, width - 2, theme.glyph.ellipsis);
  // Why the selected engine does not answer, whole, under the list.
  const problem = confirm ? [] : engineProblem(selected, width - 2, 4, theme.glyph.ellipsis);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        Engines
        <Text color={theme.text.muted} bold={false}>{`  using ${services.engines.active()}; Enter switches`}</Text>
      </Text>
      {confirm ? (
        <ConfirmDialog
          title={`Delete engine "${confirm.name}"?`}
          lines={[confirm.host, 'Only stevedore forgets it; nothing changes on that host.']}
          theme={theme}
          width={width}
          onAnswer={(answer) => {
            const target = confirm;
            setConfirm(null);
            if (answer !== 'yes') return;
            services.engines.remove(target.name).then(
              () => {
                actions.banner({ kind: 'success', text: `removed engine "${target.name}"` });
                load();
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
          height={Math.max(1, listHeight - (problem.length ? problem.length + 1 : 0))}
          width={width}
          theme={theme}
          header={renderColumns(ENGINE_HEADERS, widths, SPECS).trimEnd()}
          row={(i) => (rows[i] ? renderColumns(engineCells(rows[i], theme.glyph.ellipsis), widths, SPECS, 1, theme.glyph.ellipsis) : '')}
          rowColor={(i) => (rows[i]?.reachable === false ? theme.status.error : rows[i]?.active ? theme.text.accent : undefined)}
          focused={active}
        />
      )}
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

/** Keeps a row's last known answer while it is asked again. */
function answerOf(old: EngineRow | undefined): Partial<EngineRow> {
  return old && old.reachable !== null ? { reachable: old.reachable, version: old.version, error: old.error } : {};
}
