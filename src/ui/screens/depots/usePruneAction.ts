// Prune from the Local list (issue 23): `x` works out both prunes first — the dangling images, and every
// image no container uses (`image prune --all`) — from the same plan as `image prune [--all] --dry-run`,
// then asks one question that shows the images and the bytes of each and takes y (dangling) or a (all
// unused); it runs the prune and says the bytes actually freed. Images kept for a rollback (issue 22,
// updates.keep_previous) are never in a plan before their time: the question names them.
import { useState } from 'react';
import { formatBytes } from '../../../domain/format';
import { sanitizeLine } from '../../../domain/sanitize';
import { type Action, type Answer, disabled, now, task } from '../../actions/action';
import type { Runner } from '../../actions/runner';
import { type PrunePlan, type UiServices, errorText } from '../../services';
import { shortId } from './local';
import { nameLines } from './useMarks';

const nameOf = (c: { id: string; names: readonly string[] }): string => sanitizeLine(c.names.find((n) => !n.includes('@')) ?? c.names[0] ?? `<none> ${shortId(c.id)}`);

function planLines(key: string, what: string, plan: PrunePlan, max: number): string[] {
  const n = plan.candidates.length;
  if (n === 0) return [`no ${what} images`];
  const bytes = `${plan.unknownLayers > 0 ? 'at least ' : ''}${formatBytes(plan.bytes)}`;
  const names = plan.candidates.map((c) => `${nameOf(c)} (${c.unique === null ? '?' : formatBytes(c.unique)})`);
  return [`${key}: ${n} ${what} image${n === 1 ? '' : 's'}, frees ${bytes}:`, ...nameLines(names, 68, max).map((l) => `  ${l}`)];
}

/** The question for the two plans; null when there is nothing to prune. */
export function pruneQuestion(dangling: PrunePlan, all: PrunePlan): { title: string; lines: string[]; answers: Answer[]; words: Partial<Record<Answer, string>> } | null {
  const answers: Answer[] = [];
  if (dangling.candidates.length > 0) answers.push('yes');
  // All unused is offered when it removes more than the dangling prune does.
  if (all.candidates.length > dangling.candidates.length) answers.push('all');
  if (answers.length === 0) return null;
  const lines = [...planLines('y', 'dangling', dangling, 2), ...planLines('a', 'unused', all, 4)];
  const stay = all.staying;
  if (stay.layers > 0) {
    const by = stay.keptBy.map((k) => sanitizeLine(k.label));
    lines.push(`(a) ${stay.layers} layer${stay.layers === 1 ? '' : 's'} (${formatBytes(stay.bytes)}) stay${stay.layers === 1 ? 's' : ''}, used by ${by.length > 2 ? `${by.slice(0, 2).join(', ')} and ${by.length - 2} more` : by.join(', ')}`);
  }
  const kept = all.kept.map(nameOf);
  if (kept.length > 0) lines.push(...nameLines([`kept for rollback, not pruned: ${kept[0] ?? ''}`, ...kept.slice(1)], 68, 2));
  return { title: 'Prune images?', lines, answers, words: { yes: 'dangling', all: 'all unused' } };
}

export function usePruneAction(props: { services: UiServices; runner: Runner; listed: boolean; reload(): void }): Action {
  const { services, runner, listed, reload } = props;
  const disk = services.disk;
  // One preview at a time: a second x while the first is worked out would ask twice.
  const [preparing, setPreparing] = useState(false);
  if (!disk) return disabled('this engine does not say what a prune would remove');
  if (!listed) return disabled('the local list is not here yet');
  if (preparing) return disabled('still working out what a prune would remove');
  return now(() => {
    setPreparing(true);
    runner.banner({ kind: 'info', text: 'working out what a prune would remove' });
    // One after the other, every unused image first: the dangling plan then finds the layer facts it needs
    // already read (side by side, both would inspect every image and read the same histories).
    const plans = (async () => {
      const all = await disk.prunePlan(true);
      return [await disk.prunePlan(false), all] as const;
    })().finally(() => setPreparing(false));
    void plans.then(
      ([dangling, all]) => {
        const question = pruneQuestion(dangling, all);
        if (!question) {
          const kept = all.kept.length > 0 ? `; kept for rollback: ${all.kept.map(nameOf).join(', ')}` : '';
          runner.banner({ kind: 'info', text: `nothing to prune: no image is dangling or unused${kept}` });
          return;
        }
        runner.banner(null);
        void runner.run(
          task({
            question: { ...question, destroys: true },
            pending: 'pruning',
            run: (answer) => disk.prune(answer === 'all'),
            success: (r) => {
              const n = r.images.length;
              const text = `pruned ${n} image${n === 1 ? '' : 's'}, freed ${formatBytes(r.spaceReclaimed)}`;
              return r.failed.length > 0 ? { kind: 'error', text: `${text}; not removed: ${r.failed.map((f) => `${sanitizeLine(f.label)}: ${sanitizeLine(f.message)}`).join('; ')}` } : text;
            },
            refresh: reload,
          }),
        );
      },
      (error: unknown) => runner.banner({ kind: 'error', text: `cannot work out what a prune would remove: ${errorText(error)}` }),
    );
  });
}
