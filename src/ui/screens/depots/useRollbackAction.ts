// `b` on Local (issue 22): points the selected tag back at the image its last update replaced, through the
// same service as `stevedore image rollback`. Disabled, with the reason, when no previous image is kept for
// it; otherwise a question that destroys (issue 19: only keys typed after it was drawn answer it, y only)
// naming the tag, the image IDs it moves between and what happens to the current image; then the banner
// with the `@sha256:` reference to pin, and the list is read again.
import { formatAge } from '../../../domain/format';
import type { LocalRepository } from '../../../domain/images';
import { type Action, disabled, task, withItem } from '../../actions/action';
import type { UiServices } from '../../services';
import { type LocalRow, shortId } from './local';
import { type PreviousMap, rollbackTarget } from './previous';
import { usePreviousImages } from './usePreviousImages';

/** The kept images of the Local list on show, and what `b` does now (it waits while they are read). */
export function useRollbackAction(props: {
  services: UiServices;
  /** The Local list's repositories as the engine gave them (undefined on other tabs). */
  repos: LocalRepository[] | undefined;
  /** The Local list's rows (the kept image's own row rolls back the tag it was kept for). */
  rows: readonly LocalRow[];
  selected: LocalRow | undefined;
  none: string;
  reload(): void;
}): { action: Action; previous: PreviousMap; loading: boolean } {
  const { services, repos, rows, selected, none, reload } = props;
  const { previous, loading } = usePreviousImages(services, repos);
  return { action: rollbackAction({ services, rows, selected, none, previous, reload }), previous, loading };
}

export function rollbackAction(props: {
  services: UiServices;
  rows: readonly LocalRow[];
  selected: LocalRow | undefined;
  /** Why there is no row to act on. */
  none: string;
  previous: PreviousMap;
  reload(): void;
}): Action {
  const { services, rows, selected, none, previous, reload } = props;
  return withItem(selected, none, (row) => {
    const rollback = services.updates?.rollback;
    if (!rollback) return disabled('rolling back needs the update service');
    if (row.repo.fullName === '' || row.repo.type === 'lxc') return disabled('this image has no tag to roll back');
    const kept = rollbackTarget(row, previous, rows);
    if (!kept) return disabled(`no previous image is kept for ${row.repo.name}:${row.tags.join(', ')}: an update keeps the one it replaces (updates.keep_previous)`);
    const ref = `${row.repo.name}:${kept.tag}`;
    const now = services.clock.now();
    return task({
      question: {
        title: `Roll ${ref} back?`,
        lines: [
          `the tag moves from ${shortId(kept.currentId)} to ${shortId(kept.image.id)} (replaced ${formatAge(kept.image.replacedAt, now)})`,
          `${shortId(kept.currentId)} stays, kept in turn: b again goes forward`,
          'containers keep their image: recreate them to use this one',
        ],
        answers: ['yes'],
        destroys: true,
      },
      pending: `rolling back ${ref}…`,
      run: () => rollback(ref),
      success: (r) => ({
        kind: 'success',
        text: [`rolled ${r.ref} back to ${shortId(r.id)}${r.pin ? `; pin it: ${r.pin}` : ''}`, `${shortId(r.replacedId)} is kept: b again goes forward`, 'containers keep the image they were created from: recreate them to use it (docker compose up -d)'].join('\n'),
      }),
      refresh: reload,
    });
  });
}
