// Key handling (DESIGN.md "Keyboard over SSH", STYLE.md "Dialogs shadow screens"). The router reads
// the terminal's bytes itself (through Ink's stdin, not useInput: Ink hands a whole read of text to
// useInput as one event), cuts them into keys (src/ui/input/tokenizer.ts) and applies them one at a
// time, each after React has committed the previous one (src/ui/input/keyQueue.ts), to the layers
// that components register with `useCommands` (src/ui/input/route.ts).
//
// Reads and frames written to the terminal are numbered on one counter: a question that destroys
// something (useGate) takes only keys read after its frame was written (src/ui/input/gate.ts). The
// router also says when the whole app is idle (src/ui/input/idle.ts) and writes the key trace.
import { useStdin, useStdout } from 'ink';
import React, { createContext, useContext, useEffect, useInsertionEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { BINDINGS, type CommandId, type KeyName, type Scope } from '../keys/bindings';
import { Gate } from '../input/gate';
export type { Gate };
import { IdleWatch } from '../input/idle';
import { KeyQueue } from '../input/keyQueue';
import { type CommandHandler, FORM_KEYS, type Layer, type LayerOptions, NOT_HERE, PRIORITY, type RouteResult, disabledWhen, ordered, route } from '../input/route';
import { type KeyEvent, KeyTokenizer, PASTE_TIMEOUT_MS } from '../input/tokenizer';
import { type TraceEntry, type TraceOutcome, type TraceSink, traceBytes, traceKey } from '../input/trace';
import type { Activity } from './activity';

export { FORM_KEYS, NOT_HERE, PRIORITY, disabledWhen, type CommandHandler, type LayerOptions };

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
  /** The last key refused (disabled, or not a key here), with the reason (until the next key). */
  refused: { key: KeyName; reason: string } | null;
}

/** Test hook: told when every key written so far has been applied and committed. */
export interface InputProbe {
  idle(): void;
}

/** The whole app's state for tests (STEVEDORE_TEST_IDLE): idle, with how many bytes were read by then. */
export type IdleReport = (state: 'idle' | 'busy', info: { bytes: number; why: string }) => void;

interface Router {
  register(layer: Layer): () => void;
  changed(): void;
  subscribe(listener: () => void): () => void;
  view(): KeyboardView;
  /** A question that takes only keys read after it is drawn: from this commit on. */
  openGate(gate: Gate): void;
  closeGate(gate: Gate): void;
}

const RouterContext = createContext<Router | null>(null);

const EMPTY_VIEW: KeyboardView = { scopes: [], disabled: {}, hidden: [], typing: false, refused: null };

function viewOf(layers: readonly Layer[], refused: KeyboardView['refused']): KeyboardView {
  const scopes: Scope[] = [];
  const disabled: Partial<Record<CommandId, string>> = {};
  let typing = false;
  const taken = new Set<CommandId>();
  const left = new Set<CommandId>();
  const bound = new Set<string>();
  for (const layer of layers) {
    const only = layer.options.commands;
    for (const scope of layer.scopes) {
      scopes.push(scope);
      for (const b of BINDINGS) {
        if (b.scope !== scope) continue;
        // A key the layer binds is decided there: a lower layer's command on the same key is not reachable.
        const shadowed = b.keys.every((k) => bound.has(k));
        if (!shadowed && (only === undefined || (only as readonly string[]).includes(b.id))) taken.add(b.id);
        else left.add(b.id);
      }
    }
    for (const scope of layer.scopes) for (const b of BINDINGS) if (b.scope === scope) for (const k of b.keys) bound.add(k);
    for (const [id, reason] of Object.entries(layer.options.disabled ?? {}) as [CommandId, string][]) if (!(id in disabled)) disabled[id] = reason;
    if (layer.options.typing) typing = true;
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

function outcomeOf(result: RouteResult): TraceOutcome {
  switch (result.outcome) {
    case 'done':
      return result.text ? 'text' : 'done';
    case 'hold':
      return 'held';
    default:
      return result.outcome;
  }
}

export function InputRouter({ children, isActive = true, escapeMs = 50, probe, redraw, trace, idle, quietMs = 120, activity }: InputRouterProps): React.JSX.Element {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const { write, stdout } = useStdout();
  const [, setTick] = useState(0);
  const probeRef = useRef(probe);
  probeRef.current = probe;
  const traceRef = useRef(trace);
  traceRef.current = trace;
  const idleRef = useRef(idle);
  idleRef.current = idle;
  const activityRef = useRef(activity);
  activityRef.current = activity;

  const core = useMemo(() => {
    const started = performance.now();
    const log = (entry: TraceEntry) => traceRef.current?.({ t: Math.round(performance.now() - started), ...entry });
    const tokenizer = new KeyTokenizer();
    const layers = new Map<number, Layer>();
    const listeners = new Set<() => void>();
    const gates = new Set<Gate>();
    // One counter for reads and frames: a key from read 7 came before frame 8.
    let counter = 0;
    let bytes = 0;
    let refused: KeyboardView['refused'] = null;
    // The layer that refused it: when that layer goes (a dialog closes), so does what it said.
    let refusedBy: number | null = null;
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
      route(event, force, read) {
        if (event.kind === 'key' && event.name === 'ctrl+l') {
          // Redraw: Ink clears what it drew, writes this, and draws the whole frame again.
          redraw();
          log({ ev: 'key', read, ...traceKey(event, 'done'), outcome: 'done' });
          return 'done';
        }
        const result = route(ordered(layers.values()), event, force, read);
        const outcome = outcomeOf(result);
        if (traceRef.current) {
          const layer = 'layer' in result && result.layer ? result.layer.scopes.join(',') : undefined;
          const command = 'command' in result ? result.command : undefined;
          const reason = 'reason' in result ? result.reason : undefined;
          log({ ev: 'key', read, ...traceKey(event, outcome), ...(layer ? { layer } : {}), ...(command ? { command } : {}), outcome, ...(reason ? { reason } : {}) });
        }
        if (result.outcome === 'hold') return 'hold';
        const nextRefused = (result.outcome === 'disabled' || result.outcome === 'refused') && event.kind === 'key' ? { key: event.name, reason: result.reason } : null;
        if (nextRefused !== null || refused !== null) {
          refused = nextRefused;
          refusedBy = nextRefused && 'layer' in result && result.layer ? result.layer.id : null;
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
        watch.poke();
      },
    });
    const watch = new IdleWatch({
      busy: () => (queue.busy ? 'keys' : tokenizer.pending !== 'none' ? 'an unfinished key' : (activityRef.current?.busy ?? '')),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      quietMs,
      report: (state, why) => {
        if (!idleRef.current && !traceRef.current) return;
        log({ ev: state, ...(why ? { why } : {}) });
        idleRef.current?.(state, { bytes, why });
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
          if (refusedBy === layer.id) {
            refused = null;
            refusedBy = null;
          }
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
      openGate(gate) {
        gate.open(++counter);
        gates.add(gate);
      },
      closeGate(gate) {
        gates.delete(gate);
      },
    };
    /** Bytes arrived in one read: numbered, tokenized, queued. */
    const read = (data: string) => {
      const seq = ++counter;
      bytes += Buffer.byteLength(data);
      log({ ev: 'read', read: seq, bytes: traceBytes(data) });
      watch.input();
      return seq;
    };
    /** A frame was written to the terminal: questions committed before it are on the screen now. */
    const frame = () => {
      if (gates.size === 0) return;
      const seq = ++counter;
      for (const gate of gates) {
        if (gate.drawnAt !== null) continue;
        gate.frame(seq);
        if (gate.drawnAt !== null) log({ ev: 'drawn', frame: seq });
      }
    };
    return { router, queue, redrawRef, tokenizer, watch, read, frame, currentRead: () => counter };
    // Built once: what changes is read through refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  core.redrawRef.current = () => write('\u001b[2J\u001b[3J\u001b[H');

  useEffect(() => redraw?.subscribe(() => core.redrawRef.current()), [redraw, core]);
  useEffect(() => activity?.subscribe(() => core.watch.poke()), [activity, core]);
  useEffect(() => () => core.watch.dispose(), [core]);

  // Frames: every write to the terminal Ink draws on (Ink writes a frame in one or a few writes).
  useLayoutEffect(() => {
    const stream = stdout as NodeJS.WriteStream & { write: (...args: unknown[]) => boolean };
    const original = stream.write;
    const patched = function (this: unknown, ...args: unknown[]): boolean {
      const done = original.apply(this, args);
      core.frame();
      return done;
    };
    stream.write = patched;
    return () => {
      if (stream.write === patched) stream.write = original;
    };
  }, [stdout, core]);

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
    const wait = (seq: number) => {
      clearTimeout(timer);
      timer = undefined;
      const pending = tokenizer.pending;
      if (pending === 'none') return;
      timer = setTimeout(
        () => {
          timer = undefined;
          // What waited belongs to the read it came in.
          queue.push(tokenizer.flush(), seq);
          core.watch.poke();
        },
        pending === 'paste' ? PASTE_TIMEOUT_MS : escapeMsRef.current,
      );
    };
    // Ink's parser splits a read at escape sequences but loses nothing: joined again, its events
    // are the bytes as they came. Ink's own Esc flush (setImmediate) is too short over SSH, so
    // the tokenizer keeps an unfinished sequence and waits `escapeMs` itself.
    const onInput = (data: string) => {
      const seq = core.read(data);
      queue.push(tokenizer.push(data), seq);
      wait(seq);
      core.watch.poke();
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
    const before = layer.options;
    const changed =
      before.active !== options.active ||
      before.waiting !== options.waiting ||
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
    router ? router.view : () => EMPTY_VIEW,
  );
}

const noopSubscribe = () => () => undefined;

export type { KeyEvent };
