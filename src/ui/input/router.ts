// The keystroke layer's router: what the React side (src/ui/hooks/inputRouter.tsx) drives. It cuts the
// terminal's reads into keys, queues them, offers each to the registered layers (route.ts), keeps what
// the footer shows (the keyboard view), numbers reads and frames on one counter for the gates of
// questions that destroy something, writes the key trace, and says when the whole app is idle.
import { BINDINGS, type CommandId, type KeyName, type Scope } from '../keys/bindings';
import { Gate } from './gate';
import { IdleWatch } from './idle';
import { KeyQueue } from './keyQueue';
import { type Layer, type RouteResult, ordered, route } from './route';
import { type KeyEvent, KeyTokenizer } from './tokenizer';
import { type TraceEntry, type TraceOutcome, type TraceSink, traceBytes, traceKey } from './trace';

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

/** The whole app's state for tests (STEVEDORE_TEST_IDLE): idle, with how many bytes were read by then. */
export type IdleReport = (state: 'idle' | 'busy', info: { bytes: number; why: string }) => void;

/** Commands the router answers itself, before any layer: never "not on this screen". */
const ROUTER_COMMANDS: ReadonlySet<CommandId> = new Set<CommandId>(['global.redraw']);

export const EMPTY_VIEW: KeyboardView = { scopes: [], disabled: {}, hidden: [], typing: false, refused: null };

export function viewOf(layers: readonly Layer[], refused: KeyboardView['refused']): KeyboardView {
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
  return { scopes, disabled, hidden: [...left].filter((id) => !taken.has(id) && !ROUTER_COMMANDS.has(id)), typing, refused };
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

export interface RouterDeps {
  /** Asks React for a commit (the next key goes once it happened: `committed()`). */
  commit(): void;
  /** Clears the terminal; Ink draws the whole frame again. */
  redraw(): void;
  /** What else keeps the app busy (lists, service calls, actions), '' when nothing. */
  busy(): string;
  /** Read at each use: the options of the latest render. */
  options(): { trace?: TraceSink | undefined; idle?: IdleReport | undefined };
  quietMs: number;
}

export class KeyRouter {
  readonly tokenizer = new KeyTokenizer();
  readonly queue: KeyQueue;
  readonly idle: IdleWatch;
  private readonly layers = new Map<number, Layer>();
  private readonly listeners = new Set<() => void>();
  private readonly gates = new Set<Gate>();
  private readonly started = performance.now();
  // One counter for reads and frames: a key from read 7 came before frame 8.
  private counter = 0;
  private bytes = 0;
  private refused: KeyboardView['refused'] = null;
  // The layer that refused it: when that layer goes (a dialog closes), so does what it said.
  private refusedBy: number | null = null;
  private current: KeyboardView = EMPTY_VIEW;
  private signature = '';

  constructor(private readonly deps: RouterDeps) {
    this.queue = new KeyQueue({
      route: (event, force, read) => this.offer(event, force, read),
      commit: () => deps.commit(),
      defer: (fn) => setImmediate(fn),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      idle: () => this.idle.poke(),
    });
    this.idle = new IdleWatch({
      busy: () => [this.queue.busy && 'keys', this.tokenizer.pending !== 'none' && 'an unfinished key', deps.busy()].filter(Boolean).join('; '),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      quietMs: deps.quietMs,
      report: (state, why) => {
        const { idle, trace } = deps.options();
        if (!idle && !trace) return;
        this.log({ ev: state, ...(why ? { why } : {}) });
        idle?.(state, { bytes: this.bytes, why });
      },
    });
  }

  private log(entry: TraceEntry): void {
    this.deps.options().trace?.({ t: Math.round(performance.now() - this.started), ...entry });
  }

  private publish(): void {
    const next = viewOf(ordered(this.layers.values()), this.refused);
    const sig = JSON.stringify(next);
    if (sig === this.signature) return;
    this.signature = sig;
    this.current = next;
    for (const l of this.listeners) l();
  }

  /** One key offered to the layers (the queue calls this, one key per commit). */
  private offer(event: KeyEvent, force: boolean, read: number): 'done' | 'hold' | 'repeat' | 'text' {
    if (event.kind === 'key' && event.name === 'ctrl+l') {
      // Redraw: Ink clears what it drew, writes this, and draws the whole frame again.
      this.deps.redraw();
      this.log({ ev: 'key', read, ...traceKey(event, 'done'), outcome: 'done' });
      return 'done';
    }
    const result = route(ordered(this.layers.values()), event, force, read);
    const outcome = outcomeOf(result);
    if (this.deps.options().trace) {
      const layer = 'layer' in result && result.layer ? result.layer.scopes.join(',') : undefined;
      const command = 'command' in result ? result.command : undefined;
      const reason = 'reason' in result ? result.reason : undefined;
      this.log({ ev: 'key', read, ...traceKey(event, outcome), ...(layer ? { layer } : {}), ...(command ? { command } : {}), outcome, ...(reason ? { reason } : {}) });
    }
    if (result.outcome === 'hold') return 'hold';
    const refused = (result.outcome === 'disabled' || result.outcome === 'refused') && event.kind === 'key' ? { key: event.name, reason: result.reason } : null;
    if (refused !== null || this.refused !== null) {
      this.refused = refused;
      this.refusedBy = refused && 'layer' in result && result.layer ? result.layer.id : null;
      this.publish();
    }
    if (result.outcome !== 'done') return 'done';
    return result.text ? 'text' : result.repeat ? 'repeat' : 'done';
  }

  register(layer: Layer): () => void {
    this.layers.set(layer.id, layer);
    this.changed();
    return () => {
      this.layers.delete(layer.id);
      if (this.refusedBy === layer.id) {
        this.refused = null;
        this.refusedBy = null;
      }
      this.changed();
    };
  }

  /** A layer's scopes or options changed (a list arrived): the view follows, a held key may go. */
  changed(): void {
    this.publish();
    this.queue.changed();
  }

  // Fields, not methods: useSyncExternalStore keeps them as they are.
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly view = (): KeyboardView => this.current;

  /** A question that takes only keys read after it is drawn: from this commit on. */
  openGate(gate: Gate): void {
    gate.open(++this.counter);
    this.gates.add(gate);
  }

  closeGate(gate: Gate): void {
    this.gates.delete(gate);
  }

  /** Bytes arrived in one read: numbered, cut into keys, queued. */
  read(data: string): void {
    const seq = ++this.counter;
    this.bytes += Buffer.byteLength(data);
    this.log({ ev: 'read', read: seq, bytes: traceBytes(data) });
    this.idle.input();
    this.queue.push(this.tokenizer.push(data), seq);
    this.idle.poke();
  }

  /** The Esc wait is over: what waited is keys now (they belong to the last read). */
  flush(): void {
    this.queue.push(this.tokenizer.flush(), this.counter);
    this.idle.poke();
  }

  /** A frame was written to the terminal: questions committed before it are on the screen now. */
  frame(): void {
    if (this.gates.size === 0) return;
    const seq = ++this.counter;
    for (const gate of this.gates) {
      if (gate.drawnAt !== null) continue;
      gate.frame(seq);
      if (gate.drawnAt !== null) this.log({ ev: 'drawn', frame: seq });
    }
  }

  dispose(): void {
    this.queue.dispose();
    this.idle.dispose();
  }
}

