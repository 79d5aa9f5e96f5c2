// What the Local depot's own keys do: d deletes the selected image (asks; only f where a container
// uses it), u updates it (pulls its tag again, then offers to remove the replaced image when nothing
// holds it), U shows only images with an update, s sorts.
import { useEffect, useState } from 'react';
import { type Actions, disabled, now, task, withItem } from '../../actions/action';
import type { Runner } from '../../actions/runner';
import { type UiServices, type UpdatesView, errorText } from '../../services';
import { type LocalRow, type LocalSort, localRowDeleteRefs, localRowRef, nextSort, shortId } from './local';
import { deleteQuestion } from './deleteQuestion';
import type { ShownRows } from './useDepotRows';
import { noUpdatesText, updateOffer } from '../../../views/updates';
import { keptText, updateQuestion } from './updateCare';

/** An update started with `u`: when the new image is there, offer to remove the old one. */
interface PendingUpdate {
  ref: string;
  fullName: string;
  tag: string;
  oldId: string;
  /** The old image is kept for a rollback until then (ISO); null when nothing was kept. */
  keptUntil: string | null;
}

export function useLocalActions(props: {
  services: UiServices;
  runner: Runner;
  rows: ShownRows | undefined;
  selected: LocalRow | undefined;
  /** Why there is no row to act on (the list failed, nothing matches…). */
  none: string;
  updates: UpdatesView;
  updatesOnly: boolean;
  setSort(update: (sort: LocalSort) => LocalSort): void;
  setUpdatesOnly(update: (on: boolean) => boolean): void;
  reload(): void;
  pull(ref: string): void;
  /** A change of what the list shows: the cursor keeps its row or goes to the first. */
  reshaped(): void;
}): Actions {
  const { services, runner, rows, selected, none, updates, updatesOnly, setSort, setUpdatesOnly, reload, pull, reshaped } = props;
  const [pendingUpdate, setPendingUpdate] = useState<PendingUpdate | null>(null);

  // After `u`: once the tag points at a new image, offer to remove the old one when nothing uses it.
  useEffect(() => {
    if (!pendingUpdate || rows?.kind !== 'local') return;
    const tagged = rows.items.find((r) => r.repo.fullName === pendingUpdate.fullName && r.tags.includes(pendingUpdate.tag));
    if (!tagged || tagged.id === pendingUpdate.oldId) return;
    setPendingUpdate(null);
    services.updates?.check({ refresh: false });
    const old = rows.items.find((r) => r.id === pendingUpdate.oldId);
    const updater = services.updates;
    if (!old || !updater) return;
    // Not offered when the old image is still tagged elsewhere or used: say why it stays.
    const stillTagged = rows.items.filter((r) => r.id === old.id).flatMap((r) => r.tags.filter((t) => t !== '<none>').map((t) => `${r.repo.name}:${t}`));
    if (stillTagged.length > 0 || old.inUse) {
      const why = stillTagged.length > 0 ? `still tagged as ${stillTagged.join(', ')}` : `used by ${old.containers.join(', ') || 'a container'}`;
      runner.banner({ kind: 'info', text: `updated ${pendingUpdate.ref}; kept the old image ${shortId(old.id)}: ${why}` });
      return;
    }
    // Kept for a rollback (issue 22): nothing to ask, `b` goes back to it.
    if (pendingUpdate.keptUntil) {
      runner.banner({ kind: 'info', text: keptText(pendingUpdate.ref, old.id, pendingUpdate.keptUntil) });
      return;
    }
    void runner.run(
      task({
        question: { title: `${pendingUpdate.ref} is updated. Remove the old image ${shortId(old.id)}?`, lines: ['no container uses it'], destroys: true },
        run: () => updater.removeReplaced(old.id, tagged.id),
        success: (r) => (r.kept ? { kind: 'info', text: `kept the old image: ${r.kept}` } : `removed the old image of ${pendingUpdate.ref}`),
        refresh: reload,
      }),
    );
  }, [pendingUpdate, rows, services, runner, reload]);

  return {
    'local.delete': withItem(selected, none, (row) =>
      task({
        question: deleteQuestion(row, rows?.kind === 'local' ? rows.items : []),
        run: async (answer) => {
          const done: string[] = [];
          try {
            for (const ref of localRowDeleteRefs(row)) {
              await services.local.remove(ref, { force: answer === 'force' });
              done.push(ref);
            }
            return { done, error: null };
          } catch (error) {
            return { done, error };
          }
        },
        success: ({ done, error }) =>
          error === null ? `deleted ${done.join(', ')}` : { kind: 'error', text: done.length ? `deleted ${done.join(', ')}; then: ${errorText(error)}` : errorText(error) },
        refresh: reload,
      }),
    ),
    'local.update': withItem(selected, none, (row) => {
      const ref = localRowRef(row);
      if (row.repo.fullName === '' || ref === row.id) return disabled('this image has no tag to update');
      // From the last check: up to date says so (and offers the newer version when there is one).
      const offer = updateOffer({ name: row.repo.name, fullName: row.repo.fullName, id: row.id, tag: ref.slice(ref.lastIndexOf(':') + 1) }, updates.marks, services.clock.now());
      if (offer.kind === 'current') return now(() => runner.banner({ kind: 'info', text: offer.text }));
      if (offer.kind === 'newer') {
        return task({
          question: { title: `${ref} is up to date. Update to ${offer.to}?`, lines: [`pulls ${offer.to} beside it (progress on the Downloads screen, D)`] },
          run: async () => pull(offer.to),
        });
      }
      return task({
        // With the versions it moves between and the release notes, when the registry tells (issue 22).
        question: updateQuestion(services, row, ref),
        run: async () => {
          // As `image update` does: the image the tag points at now is kept for `b` before the tag moves.
          const kept = (await services.updates?.keepPrevious?.(ref)) ?? null;
          setPendingUpdate({ ref, fullName: row.repo.fullName, tag: ref.slice(ref.lastIndexOf(':') + 1), oldId: row.id, keptUntil: kept?.id === row.id ? kept.keptUntil : null });
          pull(ref);
        },
      });
    }),
    'local.updatesOnly':
      !updatesOnly && updates.count === 0
        ? disabled(updates.checking ? 'still checking for updates' : noUpdatesText(false, updates.checkedAt, services.clock.now()))
        : now(() => {
            setUpdatesOnly((on) => !on);
            reshaped();
            runner.banner(updatesOnly ? null : { kind: 'info', text: `showing only images with an update (${updates.count}); U again shows all` });
          }),
    'local.sort':
      rows?.kind === 'local' && rows.items.length > 1
        ? now(() => {
            setSort(nextSort);
            runner.banner(null);
          })
        : disabled(rows?.kind === 'local' ? 'nothing to sort' : none),
  };
}
