// A screen's actions as data (STYLE.md "Actions are data, run by one executor"): a view model returns,
// per command id, what the command does now. A command that needs a row and has none is disabled, with
// the reason (lazygit's `withItem`); one that changes something is a task with an optional question,
// its success text and what to load again; one executor (runAction, src/ui/actions/runner.tsx) asks,
// runs, says how it went and refreshes (gemini-cli's typed action results, run by one processor).
import type { BannerMessage } from '../components/ErrorBanner';
import type { CommandId, KeyName } from '../keys/bindings';

/** An answer that does something (n / Esc is always offered and does nothing). */
export type Answer = 'yes' | 'force' | 'all';

export interface Question {
  title: string;
  lines?: readonly string[];
  /** The answers that can work (default: y). An image a container uses offers only f. */
  answers?: readonly Answer[];
  /** What each answer is called on the answer line (default: yes, force, all). */
  words?: Partial<Record<Answer, string>>;
  /**
   * It deletes, cancels, prunes, clears or rolls back something: only keys typed after it was drawn
   * answer it (keys queued before are dropped and counted).
   */
  destroys?: boolean;
}

/**
 * A question, or how to make it when it needs an answer from a service first (the versions an update moves
 * between): the executor makes it when the key is pressed, the screen's keys wait meanwhile.
 */
export type Asked = Question | (() => Promise<Question>);

/** What a banner says: a message, or a plain text said as a success. */
export type Said = BannerMessage | string | null;

export interface TaskSpec<R> {
  question?: Asked;
  /** Said in the banner while the task runs ("testing https://…"). */
  pending?: string;
  /** The work; `answer` is the question's answer (`yes` when there is no question). */
  run(answer: Answer): Promise<R>;
  /** What the banner says when it worked (default: nothing changes in the banner). */
  success?(result: R): Said;
  /** What the banner says when it failed (default: the error in the app's words). */
  failure?(error: unknown): Said;
  /** What to load again afterwards, whether it worked or not. */
  refresh?(): void;
}

export type Action =
  /** Cannot run now: the footer leaves it out, help and a press say why. */
  | { kind: 'disabled'; reason: string }
  /** A change on the screen, at once (move, open, filter, go to another screen). */
  | { kind: 'now'; run(key: KeyName): void }
  /** Work that may ask first, then says how it went and refreshes. */
  | {
      kind: 'task';
      question?: Asked;
      pending?: string;
      /** Runs and returns what the banner says (success or failure are folded in by `task`). */
      run(answer: Answer): Promise<{ ok: true; said: Said } | { ok: false; error: unknown; said: Said | undefined }>;
      refresh?(): void;
    };

/** Per command, what it does on this screen now. Commands not listed are not keys here. */
export type Actions = Partial<Record<CommandId, Action>>;

export function disabled(reason: string): Action {
  return { kind: 'disabled', reason };
}

export function now(run: (key: KeyName) => void): Action {
  return { kind: 'now', run };
}

export function task<R>(spec: TaskSpec<R>): Action {
  return {
    kind: 'task',
    ...(spec.question ? { question: spec.question } : {}),
    ...(spec.pending ? { pending: spec.pending } : {}),
    ...(spec.refresh ? { refresh: spec.refresh } : {}),
    run: async (answer) => {
      try {
        const result = await spec.run(answer);
        return { ok: true, said: spec.success ? spec.success(result) : null };
      } catch (error) {
        return { ok: false, error, said: spec.failure?.(error) };
      }
    },
  };
}

/** The action for one item: none selected means disabled with `none` as the reason. */
export function withItem<T>(item: T | undefined | null, none: string, make: (item: T) => Action): Action {
  return item === undefined || item === null ? disabled(none) : make(item);
}
