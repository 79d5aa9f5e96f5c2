// View model of the Registries screen: Docker Hub (locked) and the user's registries, filtered with `/`;
// per command what it does now: add, edit, delete (asks; refused while saved repositories use it) and
// test (ping) the selected one.
import { useCallback, useEffect, useState } from 'react';
import type { Registry } from '../../../domain/registry';
import { type Actions, disabled, now, task, withItem } from '../../actions/action';
import { useRunner, useScreenCommands } from '../../actions/runner';
import { listActions, useFilteredList } from '../../hooks/useFilteredList';
import { useQuery } from '../../hooks/useQuery';
import { type UiServices, errorText } from '../../services';

const id = (r: Registry) => r.name;
const haystack = (r: Registry) => [r.name, r.url, r.username];

export function useRegistriesScreen(props: { services: UiServices; active: boolean; listHeight: number; ellipsis: string; onChanged: () => void }) {
  const { services, active, listHeight, ellipsis, onChanged } = props;
  const [rows, setRows] = useState<Registry[]>(() => services.registries.list());
  const [form, setForm] = useState<{ original: Registry | null } | null>(null);
  // Saved repositories keep their registry: deleting one they use is refused before asking.
  const saved = useQuery('saved-repositories', () => services.repositories.list());
  const list = useFilteredList({ rows, id, haystack, height: listHeight, active: active && !form });
  const selected = list.selected;
  const reloadSaved = saved.reload;
  const refresh = useCallback(() => {
    setRows(services.registries.list());
    reloadSaved();
    onChanged();
  }, [services, reloadSaved, onChanged]);
  // A change made in another shell (a rename, a removal) shows here too, as it does in the tabs.
  useEffect(() => services.registries.watch?.(() => setRows(services.registries.list())), [services]);
  const runner = useRunner();
  const locked = (r: Registry, what: string) => `${r.name} cannot be ${what}: its credentials come from \`docker login\``;
  const users = (r: Registry) => (saved.data ?? []).filter((s) => s.registry === r.name).map((s) => s.name);

  const actions: Actions = {
    ...listActions(list, 'no registry matches the filter'),
    'list.refresh': now(refresh),
    'registries.add': now(() => setForm({ original: null })),
    'registries.edit': withItem(selected, 'no registry selected', (r) => (r.builtin ? disabled(locked(r, 'edited')) : now(() => setForm({ original: r })))),
    'registries.delete': withItem(selected, 'no registry selected', (r) => {
      if (r.builtin) return disabled(locked(r, 'removed'));
      const using = users(r);
      if (using.length > 0) return disabled(`"${r.name}" is used by ${using.length} saved repositor${using.length === 1 ? 'y' : 'ies'} (${using.join(', ')}): remove ${using.length === 1 ? 'it' : 'them'} first on the Saved repositories screen (E)`);
      return task({
        question: { title: `Delete registry "${r.name}"?`, lines: [r.url, `No saved repository uses it.${r.password ? ' Its saved password goes too.' : ''}`], destroys: true },
        run: () => services.registries.remove(r.name),
        success: () => `removed registry "${r.name}"`,
        refresh,
      });
    }),
    'registries.test': withItem(selected, 'no registry selected', (r) =>
      task({
        pending: `testing ${r.url}${ellipsis}`,
        run: () => services.registries.ping({ url: r.url, trustCert: r.trustCert }),
        success: (version) => `${r.name}: answers registry API ${version}`,
        failure: (error) => ({ kind: 'error', text: `${r.name}: ${errorText(error)}` }),
      }),
    ),
  };
  // Only `d` needs the saved repositories (to refuse a registry they use): it waits for them, nothing else does.
  useScreenCommands(['registries', 'list'], actions, { active: active && !form, waiting: saved.data === undefined && saved.error === undefined ? ['registries.delete'] : false, onPaste: list.field.paste });

  return {
    rows,
    list,
    form,
    closeForm: (done: Registry | null) => {
      setForm(null);
      if (!done) return;
      runner.banner({ kind: 'success', text: `saved registry "${done.name}" (${done.url}, API ${done.version})` });
      refresh();
    },
  };
}
