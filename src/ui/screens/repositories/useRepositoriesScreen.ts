// View model of the Saved repositories screen: repositories on registries whose catalog is off or
// private, with their own credentials, filtered with `/`; add, update credentials, remove (asks).
import { useState } from 'react';
import { type Actions, now, task, withItem } from '../../actions/action';
import { useRunner, useScreenCommands } from '../../actions/runner';
import { listActions, useFilteredList } from '../../hooks/useFilteredList';
import { useQuery } from '../../hooks/useQuery';
import type { SavedRepositoryRow, UiServices } from '../../services';

const id = (r: SavedRepositoryRow) => r.name;
const haystack = (r: SavedRepositoryRow) => [r.name, r.registry ?? ''];
const NONE: SavedRepositoryRow[] = [];

export function useRepositoriesScreen(props: { services: UiServices; active: boolean; listHeight: number }) {
  const { services, active, listHeight } = props;
  const query = useQuery('repositories', () => services.repositories.list());
  const [form, setForm] = useState<{ editing: string | null } | null>(null);
  const list = useFilteredList({ rows: query.data ?? NONE, id, haystack, height: listHeight, active: active && !form });
  const runner = useRunner();
  const selected = list.selected;
  const actions: Actions = {
    ...listActions(list, query.data?.length ? 'no repository matches the filter' : 'no saved repositories yet: press a to add one'),
    'list.refresh': now(query.reload),
    'repositories.add': now(() => setForm({ editing: null })),
    'repositories.edit': withItem(selected, 'no repository selected', (r) => now(() => setForm({ editing: r.name }))),
    'repositories.delete': withItem(selected, 'no repository selected', (r) =>
      task({
        question: { title: `Remove ${r.name}?`, lines: ['Only stevedore forgets it (and its credentials); the registry keeps the repository.'], destroys: true },
        run: () => services.repositories.remove(r.name),
        success: () => `removed ${r.name}`,
        refresh: query.reload,
      }),
    ),
  };
  // Until the list is in, keys typed ahead wait (and while it is asked again).
  useScreenCommands(['repositories', 'list'], actions, { active: active && !form, waiting: query.fetching, onPaste: list.field.paste });
  return {
    query,
    list,
    form,
    closeForm: (saved: string | null) => {
      const editing = form?.editing ?? null;
      setForm(null);
      if (!saved) return;
      runner.banner({ kind: 'success', text: editing ? `updated the credentials of ${saved}` : `saved ${saved}` });
      query.reload();
    },
  };
}
