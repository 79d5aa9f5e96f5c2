// The one executor of actions (lazygit's `c.Confirm` + `c.Error`; gemini-cli's action processor): it
// shows the question, runs the task, says in the banner how it went, and refreshes. Screens register
// their actions with `useScreenCommands`: the footer, help and the key layer all come from the same
// map, so a key the footer shows acts, and a key it does not show is refused, never passed on.
import React, { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { BannerMessage } from '../components/ErrorBanner';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useActivity } from '../hooks/activity';
import { type LayerOptions, PRIORITY, useCommands } from '../hooks/inputRouter';
import type { CommandId, KeyName, Scope } from '../keys/bindings';
import { errorText } from '../services';
import type { Theme } from '../theme/theme';
import type { Action, Actions, Answer, Question, Said } from './action';

interface Asking {
  id: number;
  question: Question;
  answer(answer: Answer | null): void;
}

export interface Runner {
  /** Runs an action (a key's, or one the screen starts itself); resolves when it is over. */
  run(action: Action, key?: KeyName): Promise<void>;
  /** Says something in the banner (null clears it). */
  banner(message: BannerMessage | null): void;
}

interface RunnerState extends Runner {
  asking: Asking | null;
}

const RunnerContext = createContext<RunnerState | null>(null);

function said(value: Said, kind: BannerMessage['kind'] = 'success'): BannerMessage | null {
  return value === null ? null : typeof value === 'string' ? { kind, text: value } : value;
}

/** Provides the executor; `banner` is where it says how things went. */
export function ActionsProvider({ banner, children }: { banner: (message: BannerMessage | null) => void; children: React.ReactNode }): React.JSX.Element {
  // Questions in the order they were asked: one on show; one asked meanwhile (after an update, say) waits.
  const [questions, setQuestions] = useState<readonly Asking[]>([]);
  const asking = questions[0] ?? null;
  // Questions being made (asked of a service first): every key waits for them.
  const [making, setMaking] = useState(0);
  const activity = useActivity();
  const nextId = useRef(1);
  const ask = useCallback(
    (question: Question) =>
      new Promise<Answer | null>((resolve) => {
        const id = nextId.current++;
        const answer = (a: Answer | null) => {
          setQuestions((all) => all.filter((q) => q.id !== id));
          resolve(a);
        };
        setQuestions((all) => [...all, { id, question, answer }]);
      }),
    [],
  );
  const run = useCallback(
    async (action: Action, key?: KeyName): Promise<void> => {
      switch (action.kind) {
        case 'disabled':
          // The router refuses disabled commands before they get here; one started by a screen says why.
          banner({ kind: 'info', text: action.reason });
          return;
        case 'now':
          action.run(key ?? '');
          return;
        case 'task': {
          let question = action.question;
          const made = typeof question === 'function';
          if (typeof question === 'function') {
            // Made now (a service is asked): the app is busy meanwhile, and every key waits for the question.
            const make = question;
            setMaking((n) => n + 1);
            try {
              question = await (activity ? activity.track('question', make()) : make());
            } catch (error) {
              setMaking((n) => n - 1);
              banner({ kind: 'error', text: errorText(error) });
              return;
            }
          }
          const asked = question ? ask(question) : Promise.resolve<Answer | null>('yes');
          // In the same commit as the question: the keys held for it go to it.
          if (made) setMaking((n) => n - 1);
          const answer = await asked;
          if (answer === null) return;
          if (action.pending) banner({ kind: 'info', text: action.pending });
          const end = activity?.begin(`action ${question?.title ?? action.pending ?? ''}`.trim()) ?? (() => undefined);
          try {
            const outcome = await action.run(answer);
            if (outcome.ok) {
              const message = said(outcome.said);
              if (message || action.pending) banner(message);
            } else banner(said(outcome.said ?? null, 'error') ?? { kind: 'error', text: errorText(outcome.error) });
          } finally {
            action.refresh?.();
            end();
          }
        }
      }
    },
    [ask, banner, activity],
  );
  const value = useMemo(() => ({ asking, run, banner }), [asking, run, banner]);
  return (
    <RunnerContext.Provider value={value}>
      {making > 0 ? <HoldKeys /> : null}
      {children}
    </RunnerContext.Provider>
  );
}

/** While a question is being made: every key waits for it (with the key queue's deadline). */
function HoldKeys(): null {
  useCommands([], () => undefined, { priority: PRIORITY.question, hold: true });
  return null;
}

export function useRunner(): Runner {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error('useRunner outside ActionsProvider');
  return runner;
}

/** The open question, if any: drawn where the host is, taking keys before everything else. */
export function QuestionHost({ theme, width }: { theme: Theme; width: number }): React.JSX.Element | null {
  const runner = useContext(RunnerContext);
  const asking = runner?.asking;
  if (!asking) return null;
  // A new question is a new dialog (and a new gate): keys typed for the last one never answer it.
  return <ConfirmDialog key={asking.id} question={asking.question} theme={theme} width={width} onAnswer={asking.answer} />;
}

/** Layer options a screen may add to its actions' layer. */
export type ScreenLayerOptions = Pick<LayerOptions, 'priority' | 'active' | 'waiting' | 'onPaste' | 'modal' | 'refusal'>;

/**
 * A screen's key layer built from its actions: it takes exactly the commands listed (the footer shows
 * the ones that can run now), refuses the others with their reason, and runs each through the
 * executor. While a task that changes the list runs (it has a refresh), its keys wait for the result.
 */
export function useScreenCommands(scopes: readonly Scope[], actions: Actions, options: ScreenLayerOptions = {}): void {
  const runner = useRunner();
  const [running, setRunning] = useState(0);
  const commands = Object.keys(actions) as CommandId[];
  const disabled: Partial<Record<CommandId, string>> = {};
  for (const id of commands) {
    const action = actions[id];
    if (action?.kind === 'disabled') disabled[id] = action.reason;
  }
  useCommands(
    scopes,
    (command, key) => {
      const action = actions[command];
      if (!action) return;
      // Keys wait while a task that changes the list runs, and while a question is being made.
      if (action.kind === 'task' && (action.refresh || typeof action.question === 'function')) {
        setRunning((n) => n + 1);
        void runner.run(action, key).finally(() => setRunning((n) => n - 1));
      } else void runner.run(action, key);
    },
    { priority: PRIORITY.screen, ...options, waiting: running > 0 || (options.waiting ?? false), commands, disabled },
  );
}
