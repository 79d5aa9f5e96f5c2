// Key handling (DESIGN.md "Keyboard over SSH", STYLE.md "Dialogs shadow screens"). The router reads
// the terminal's bytes itself (through Ink's stdin, not useInput: Ink hands a whole read of text to
// useInput as one event), cuts them into keys (src/ui/input/tokenizer.ts) and applies them one at a
// time, each after React has committed the previous one (src/ui/input/keyQueue.ts), to the layers
// that components register with `useCommands` (src/ui/input/route.ts).
import { useStdin, useStdout } from 'ink';
import React, { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { BINDINGS, type CommandId, type KeyName, type Scope } from '../keys/bindings';
import { KeyQueue } from '../input/keyQueue';
import { type CommandHandler, type Layer, type LayerOptions, PRIORITY, disabledWhen, ordered, route } from '../input/route';
import { type KeyEvent, KeyTokenizer, PASTE_TIMEOUT_MS } from '../input/tokenizer';

export { PRIORITY, disabledWhen, type CommandHandler, type LayerOptions };

/** What has the keyboard now: the footer and help are built from it. */
export interface KeyboardView {
  /** Scopes of the layers that keys reach now, highest first (stops at the first modal layer). */
  scopes: readonly Scope[];
  /** Commands of those layers that do nothing now, with the reason. */
  disabled: Partial<Record<CommandId, string>>;
  /** Commands of those scopes that no layer takes here (left out of the footer). */
  hidden: readonly CommandId[];
  /** A text field has the keyboard: letters type. */
  typing: boolean;
  /** The last key pressed for a disabled command, with the reason (until the next key). */
  refused: { key: KeyName; reason: string } | null;
}

/** Test hook: told when every key written so far has been applied and committed. */
export interface InputProbe {
  idle(): void;
}

interface Router {
  register(layer: Layer): () => void;
  changed(): void;
  subscribe(listener: () => void): () => void;
  view(): KeyboardView;
}

const RouterContext = createContext<Router | null>(null);

const EMPTY_VIEW: KeyboardView = { scopes: [], disabled: {}, hidden: [], typing: false, refused: null };

function viewOf(layers: readonly Layer[], refused: KeyboardView['refused']): KeyboardView {
  const scopes: Scope[] = [];
  const disabled: Partial<Record<CommandId, string>> = {};
  let typing = false;
  const taken = new Set<CommandId>();
  const left = new Set<CommandId>();
  for (const layer of layers) {
    scopes.push(...layer.scopes);
    Object.assign(disabled, { ...layer.options.disabled, ...disabled });
    if (layer.options.typing) typing = true;
    const only = layer.options.commands;
    for (const b of BINDINGS) if (layer.scopes.includes(b.scope)) (only === undefined || only.includes(b.id) ? taken : left).add(b.id);
    if (layer.options.modal) break;
  }
  return { scopes, disabled, hidden: [...left].filter((id) => !taken.has(id)), typing, refused };
}

export interface InputOptions {
  /** How long a lone Esc waits for the rest of a sequence (`keys.escape_ms`). */
  escapeMs?: number;
  probe?: InputProbe;
  /** Asks for the whole screen to be drawn again (back from a suspend). */
  redraw?: { subscribe(listener: () => void): () => void };
}

export interface InputRouterProps extends InputOptions {
  children: React.ReactNode;
  isActive?: boolean;
}

export function InputRouter({ children, isActive = true, escapeMs = 50, probe, redraw }: InputRouterProps): React.JSX.Element {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const { write } = useStdout();
  const [, setTick] = useState(0);
  const probeRef = useRef(probe);
  probeRef.current = probe;

  const core = useMemo(() => {
    const tokenizer = new KeyTokenizer();
    const layers = new Map<number, Layer>();
    const listeners = new Set<() => void>();
    let refused: KeyboardView['refused'] = null;
    let view: KeyboardView = EMPTY_VIEW;
    let signature = '';
    const publish = () => {
      const next = viewOf(ordered(layers.values()), refused);
      const sig = JSON.stringify(next);
      if (sig === signature) return;
      signature = sig;
      view = next;
      for (const l of listeners) l();
    };
    const queue = new KeyQueue({
      route(event, force) {
        if (event.kind === 'key' && event.name === 'ctrl+l') {
          // Redraw: Ink clears what it drew, writes this, and draws the whole frame again.
          redraw();
          return 'done';
        }
        const result = route(ordered(layers.values()), event, force);
        if (result.outcome === 'hold') return 'hold';
        const nextRefused = result.outcome === 'done' && result.disabled !== undefined && event.kind === 'key' ? { key: event.name, reason: result.disabled } : null;
        if (nextRefused !== null || refused !== null) {
          refused = nextRefused;
          publish();
        }
        if (result.outcome !== 'done') return 'done';
        return result.text ? 'text' : result.repeat ? 'repeat' : 'done';
      },
      commit: () => setTick((n) => n + 1),
      defer: (fn) => setImmediate(fn),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      idle: () => {
        if (tokenizer.pending === 'none') probeRef.current?.idle();
      },
    });
    const redrawRef: { current: () => void } = { current: () => undefined };
    const redraw = () => redrawRef.current();
    const router: Router = {
      register(layer) {
        layers.set(layer.id, layer);
        publish();
        queue.changed();
        return () => {
          layers.delete(layer.id);
          publish();
          queue.changed();
        };
      },
      changed() {
        publish();
        queue.changed();
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      view: () => view,
    };
    return { router, queue, redrawRef, tokenizer };
  }, []);
  core.redrawRef.current = () => write('\u001b[2J\u001b[3J\u001b[H');

  useEffect(() => redraw?.subscribe(() => core.redrawRef.current()), [redraw, core]);

  // Every commit lets the next key go (the key before it has been applied to this state).
  useLayoutEffect(() => {
    core.queue.committed();
  });

  // The subscription to the terminal lives as long as the router: Ink hands out a new `setRawMode` when its
  // own callbacks change, and re-subscribing for that would drop the keys waiting in the queue (and turn raw
  // mode off and on with keys in flight). The latest function and Esc wait are read through refs.
  const setRawModeRef = useRef(setRawMode);
  setRawModeRef.current = setRawMode;
  const escapeMsRef = useRef(escapeMs);
  escapeMsRef.current = escapeMs;
  useEffect(() => () => core.queue.dispose(), [core]);

  useEffect(() => {
    if (!isActive) return undefined;
    if (isRawModeSupported) setRawModeRef.current(true);
    const { tokenizer, queue } = core;
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      clearTimeout(timer);
      timer = undefined;
      const pending = tokenizer.pending;
      if (pending === 'none') return;
      timer = setTimeout(
        () => {
          timer = undefined;
          queue.push(tokenizer.flush());
        },
        pending === 'paste' ? PASTE_TIMEOUT_MS : escapeMsRef.current,
      );
    };
    // Ink's parser splits a read at escape sequences but loses nothing: joined again, its events
    // are the bytes as they came. Ink's own Esc flush (setImmediate) is too short over SSH, so
    // the tokenizer keeps an unfinished sequence and waits `escapeMs` itself.
    const onInput = (data: string) => {
      queue.push(tokenizer.push(data));
      wait();
    };
    events.on('input', onInput);
    return () => {
      events.off('input', onInput);
      clearTimeout(timer);
      if (isRawModeSupported) setRawModeRef.current(false);
    };
  }, [isActive, isRawModeSupported, events, core]);

  return <RouterContext.Provider value={core.router}>{children}</RouterContext.Provider>;
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
    const changed = layer.options.active !== options.active || layer.options.waiting !== options.waiting || layer.options.typing !== options.typing || layer.scopes.join() !== scopes.join() || JSON.stringify(layer.options.disabled) !== JSON.stringify(options.disabled) || String(layer.options.commands) !== String(options.commands);
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

/** What has the keyboard now (for the footer and help). */
export function useKeyboardView(): KeyboardView {
  const router = useContext(RouterContext);
  return useSyncExternalStore(
    router ? router.subscribe : noopSubscribe,
    router ? router.view : () => EMPTY_VIEW,
  );
}

const noopSubscribe = () => () => undefined;

export type { KeyEvent };
