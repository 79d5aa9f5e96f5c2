// What `u` on Local says around an update (issue 22): the question names the versions it moves between
// ("1.27.2 → 1.27.3") and the release notes, in the notices' words (views/updates.ts); after the update, an
// old image kept for a rollback is said to be kept (b goes back to it) instead of being offered for removal.
import type { Question } from '../../actions/action';
import type { UiServices } from '../../services';
import { updateVersions } from '../../../views/updates';
import { type LocalRow, shortId } from './local';

/** How long the question waits for the versions before it asks without them. */
export const VERSIONS_DEADLINE_MS = 4000;

const PULL_LINES = ['pulls the tag again (progress on the Downloads screen, D)', 'afterwards the old image is kept for b (roll back), or offered for removal'];

/** The update question of a row: made when `u` is pressed (the registry is asked for the versions). */
export function updateQuestion(services: UiServices, row: LocalRow, ref: string): Question | (() => Promise<Question>) {
  const title = `Update ${row.repo.name}:${row.tags.join(', ')}`;
  const describe = services.updates?.describe;
  if (!describe) return { title: `${title}?`, lines: PULL_LINES };
  return async () => {
    const notice = await describe(ref, AbortSignal.timeout(VERSIONS_DEADLINE_MS)).catch(() => null);
    const { change, notes } = updateVersions(notice);
    return { title: change ? `${title}: ${change}?` : `${title}?`, lines: [...(notes ? [notes] : []), ...PULL_LINES] };
  };
}

/** After `u`, when the replaced image is kept for a rollback: what the banner says (nothing is offered for removal). */
export function keptText(ref: string, oldId: string, keptUntil: string): string {
  return `updated ${ref}; b rolls back to ${shortId(oldId)} (kept until ${keptUntil.slice(0, 16).replace('T', ' ')} UTC)`;
}
