// View model of the Engines screen (key C): every engine with its state (asked when the screen opens
// and on r), filtered with `/`; Enter switches to the selected one without a restart; a, e, d add, edit
// and delete saved engines (docker contexts and the built-in engines are not ours to change).
import { useCallback, useEffect, useState } from 'react';
import { type Actions, disabled, now, task, withItem } from '../../actions/action';
import { useRunner, useScreenCommands } from '../../actions/runner';
import { listActions, useFilteredList } from '../../hooks/useFilteredList';
import { type EngineRow, type UiServices, errorText } from '../../services';

const id = (r: EngineRow) => r.name;
const haystack = (r: EngineRow) => [r.name, r.host, r.source];

/** Keeps a row's last known answer while it is asked again. */
function answerOf(old: EngineRow | undefined): Partial<EngineRow> {
  return old && old.reachable !== null ? { reachable: old.reachable, version: old.version, error: old.error } : {};
}

function notOurs(row: EngineRow, what: 'change' | 'remove'): string {
  return row.source === 'context' ? `"${row.name}" is a docker context: ${what} it with \`docker context\`` : `"${row.name}" is built in and cannot be ${what}d`;
}

export function useEnginesScreen(props: { services: UiServices; active: boolean; listHeight: number; ellipsis: string }) {
  const { services, active, listHeight, ellipsis } = props;
  const runner = useRunner();
  const [rows, setRows] = useState<EngineRow[]>([]);
  const [form, setForm] = useState<{ original: EngineRow | null } | null>(null);
  const list = useFilteredList({ rows, id, haystack, height: listHeight, active: active && !form });
  // The cursor starts on the engine in use; until then keys typed ahead wait.
  const [placed, setPlaced] = useState(false);
  const { select } = list.cursor;
  useEffect(() => {
    if (placed || rows.length === 0) return;
    setPlaced(true);
    const current = rows.find((r) => r.active);
    if (current) select(current.name);
  }, [placed, rows, select]);

  const { banner } = runner;
  const load = useCallback(() => {
    let live = true;
    void services.engines.list().then((all) => {
      if (live) setRows((old) => all.map((row) => ({ ...row, ...answerOf(old.find((o) => o.name === row.name)) })));
    });
    void services.engines.check().then(
      (all) => live && setRows(all),
      (error: unknown) => live && banner({ kind: 'error', text: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [services, banner]);
  useEffect(() => load(), [load]);

  const selected = list.selected;
  const actions: Actions = {
    ...listActions(list, rows.length ? 'no engine matches the filter' : 'no engines'),
    'list.refresh': now(() => void load()),
    'engines.switch': withItem(selected, 'no engine selected', (e) =>
      e.active ? disabled(`already working on ${e.name}`) : task({ pending: `switching to ${e.name}${ellipsis}`, run: () => services.engines.switchTo(e.name) }),
    ),
    'engines.add': now(() => setForm({ original: null })),
    'engines.edit': withItem(selected, 'no engine selected', (e) => (e.source === 'saved' ? now(() => setForm({ original: e })) : disabled(notOurs(e, 'change')))),
    'engines.delete': withItem(selected, 'no engine selected', (e) =>
      e.source !== 'saved'
        ? disabled(notOurs(e, 'remove'))
        : e.active
          ? disabled(`"${e.name}" is the engine in use: switch to another engine first`)
          : task({
            question: { title: `Delete engine "${e.name}"?`, lines: [e.host, 'Only stevedore forgets it; nothing changes on that host.'], destroys: true },
            run: () => services.engines.remove(e.name),
            success: () => `removed engine "${e.name}"`,
            refresh: () => void load(),
          }),
    ),
  };
  useScreenCommands(['engines', 'list'], actions, { active: active && !form, waiting: !placed, onPaste: list.field.paste });

  return {
    rows,
    list,
    form,
    closeForm: (saved: string | null, problem?: string | null) => {
      setForm(null);
      if (!saved) return;
      if (problem) banner({ kind: 'warning', text: `saved engine "${saved}", but it does not answer now: ${problem}` });
      else banner({ kind: 'success', text: `saved engine "${saved}": Enter switches to it` });
      load();
    },
  };
}
