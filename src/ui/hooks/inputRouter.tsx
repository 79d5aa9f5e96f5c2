// Key handling (DESIGN.md "Keyboard over SSH", STYLE.md "Dialogs shadow screens"): the React side of
// the keystroke layer. The router (src/ui/input/router.ts) reads the terminal's bytes itself (through
// Ink's stdin, not useInput: Ink hands a whole read of text to useInput as one event), cuts them into
// keys and applies them one at a time, each after React has committed the previous one, to the layers
// that components register with `useCommands`. Every write to the terminal is a frame for the gates of
// questions that destroy something (useGate): they take only keys read after their frame was written.
import { useStdin, useStdout } from 'ink';
import React, { createContext, useContext, useEffect, useInsertionEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Scope } from '../keys/bindings';
import { Gate } from '../input/gate';
import { type CommandHandler, FORM_KEYS, type Layer, type LayerOptions, NOT_HERE, PRIORITY, disabledWhen } from '../input/route';
import { EMPTY_VIEW, type IdleReport, KeyRouter, type KeyboardView } from '../input/router';
import { PASTE_TIMEOUT_MS } from '../input/tokenizer';
import type { TraceSink } from '../input/trace';
import type { Activity } from './activity';

export { FORM_KEYS, NOT_HERE, PRIORITY, disabledWhen, type CommandHandler, type Gate, type IdleReport, type KeyboardView, type LayerOptions };

const RouterContext = createContext<KeyRouter | null>(null);

export interface InputOptions {
  /** How long a lone Esc waits for the rest of a sequence (`keys.escape_ms`). */
  escapeMs?: number;
  /** Asks for the whole screen to be drawn again (back from a suspend). */
  redraw?: { subscribe(listener: () => void): () => void };
  /** The key trace (STEVEDORE_DEBUG_KEYS). */
  trace?: TraceSink;
  /** Told when the whole app goes idle or busy (tests). */
  idle?: IdleReport;
  /** How long nothing must happen before idle is told: longer than Ink's frame interval. */
  quietMs?: number;
}

export interface InputRouterProps extends InputOptions {
  children: React.ReactNode;
  isActive?: boolean;
  /** Lists, service calls and actions in flight (the idle signal waits for them). */
  activity?: Activity;
}

export function InputRouter({ children, isActive = true, escapeMs = 50, redraw, trace, idle, quietMs = 120, activity }: InputRouterProps): React.JSX.Element {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const { write, stdout } = useStdout();
  const [, setTick] = useState(0);
  const latest = useRef({ trace, idle, activity, write });
  latest.current = { trace, idle, activity, write };

  const router = useMemo(
    () =>
      new KeyRouter({
        commit: () => setTick((n) => n + 1),
        // Ink clears what it drew, writes this, and draws the whole frame again.
        redraw: () => latest.current.write('\u001b[2J\u001b[3J\u001b[H'),
        busy: () => latest.current.activity?.busy ?? '',
        options: () => latest.current,
        quietMs,
      }),
    // Built once: what changes is read through `latest`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  useEffect(() => redraw?.subscribe(() => latest.current.write('\u001b[2J\u001b[3J\u001b[H')), [redraw]);
  useEffect(() => activity?.subscribe(() => router.idle.poke()), [activity, router]);
  useEffect(() => () => router.dispose(), [router]);

  // Frames: every write to the terminal Ink draws on (Ink writes a frame in one or a few writes).
  useLayoutEffect(() => {
    const stream = stdout as NodeJS.WriteStream & { write: (...args: unknown[]) => boolean };
    const original = stream.write;
    const patched = function (this: unknown, ...args: unknown[]): boolean {
      const done = original.apply(this, args);
      router.frame();
      return done;
    };
    stream.write = patched;
    return () => {
      if (stream.write === patched) stream.write = original;
    };
  }, [stdout, router]);

  // Every commit lets the next key go (the key before it has been applied to this state).
  useLayoutEffect(() => {
    router.queue.committed();
  });

  // The subscription to the terminal lives as long as the router: Ink hands out a new `setRawMode` when its
  // own callbacks change, and re-subscribing for that would drop the keys waiting in the queue (and turn raw
  // mode off and on with keys in flight). The latest function and Esc wait are read through refs.
  const setRawModeRef = useRef(setRawMode);
  setRawModeRef.current = setRawMode;
  const escapeMsRef = useRef(escapeMs);
  escapeMsRef.current = escapeMs;

  useEffect(() => {
    if (!isActive) return undefined;
    if (isRawModeSupported) setRawModeRef.current(true);
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      clearTimeout(timer);
      timer = undefined;
      const pending = router.tokenizer.pending;
      if (pending === 'none') return;
      timer = setTimeout(
        () => {
          timer = undefined;
          router.flush();
        },
        pending === 'paste' ? PASTE_TIMEOUT_MS : escapeMsRef.current,
      );
    };
    // Ink's parser splits a read at escape sequences but loses nothing: joined again, its events
    // are the bytes as they came. Ink's own Esc flush (setImmediate) is too short over SSH, so
    // the tokenizer keeps an unfinished sequence and waits `escapeMs` itself.
    const onInput = (data: string) => {
      router.read(data);
      wait();
    };
    events.on('input', onInput);
    return () => {
      events.off('input', onInput);
      clearTimeout(timer);
      if (isRawModeSupported) setRawModeRef.current(false);
    };
  }, [isActive, isRawModeSupported, events, router]);

  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

let nextId = 1;
/**
 * Registers a key layer while the component is mounted: in an effect (not during render), with an
 * explicit priority (PRIORITY). Its scopes, options and handler are the ones of the latest commit,
 * so a key typed right after `/` goes to the new field and `3` then `p` pulls from tab 3.
 */
export function useCommands(scopes: readonly Scope[], handler: CommandHandler, options: LayerOptions = {}): void {
  const router = useContext(RouterContext);
  const layerRef = useRef<Layer | null>(null);
  // After every commit: the layer takes this render's scopes, options and handler.
  useLayoutEffect(() => {
    const layer = layerRef.current;
    if (!layer) return;
    const before = layer.options;
    const changed =
      before.active !== options.active ||
      String(before.waiting) !== String(options.waiting) ||
      before.typing !== options.typing ||
      before.gate !== options.gate ||
      layer.scopes.join() !== scopes.join() ||
      JSON.stringify(before.disabled) !== JSON.stringify(options.disabled) ||
      String(before.commands) !== String(options.commands);
    layer.scopes = scopes;
    layer.options = options;
    layer.handler = handler;
    if (changed) router?.changed();
  });
  useLayoutEffect(() => {
    if (!router) return undefined;
    const layer: Layer = { id: nextId++, scopes, options, handler };
    layerRef.current = layer;
    const unregister = router.register(layer);
    return () => {
      layerRef.current = null;
      unregister();
    };
    // Registered once per mount; the effect above keeps it current.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [router]);
}

/**
 * A gate for a question that destroys something, opened in the commit that first shows it (before Ink
 * draws that commit), closed when it goes. Mount the question anew (a `key`) for each new question.
 */
export function useGate(): Gate {
  const router = useContext(RouterContext);
  const [gate] = useState(() => new Gate());
  // An insertion effect runs in React's mutation phase, before Ink renders the commit: a frame Ink
  // writes for this very commit already counts as "drawn". Until then the gate takes no key.
  useInsertionEffect(() => {
    if (!router) return undefined;
    router.openGate(gate);
    return () => router.closeGate(gate);
  }, [router, gate]);
  return gate;
}

/** What has the keyboard now (for the footer and help). */
export function useKeyboardView(): KeyboardView {
  const router = useContext(RouterContext);
  return useSyncExternalStore(
    router ? router.subscribe : noopSubscribe,
    router ? router.view : emptyView,
  );
}

const noopSubscribe = () => () => undefined;
const emptyView = () => EMPTY_VIEW;
