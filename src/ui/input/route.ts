// Which layer gets a key (STYLE.md "Dialogs shadow screens"): layers are offered the key from the
// highest priority down; a typing layer (text field with focus) keeps text and editing keys; a modal
// layer (dialog, form) stops keys from reaching the layers below (except ctrl+c, which always quits);
// a layer whose list has not arrived yet asks for the key to be held until it has.
//
// A key never falls through to another command (DESIGN.md "Keyboard over SSH"): the first layer whose
// scopes bind the key decides. It runs the command, says why it cannot now (disabled), or, when it
// does not take that command on this screen, refuses it; a key no layer binds is refused too. A
// question that destroys something (a layer with a `gate`) takes only keys read after it was drawn.
import type { CommandId, KeyName, Scope } from '../keys/bindings';
import { resolve } from '../keys/match';
import type { Gate } from './gate';
import type { KeyEvent } from './tokenizer';

export type CommandHandler = (command: CommandId, key: KeyName) => void;

export interface LayerOptions {
  /** Higher first (see PRIORITY). Equal priorities: the one registered later first. */
  priority?: number;
  /** Keys do not reach the layers below (except ctrl+c, which always quits). */
  modal?: boolean;
  /** A text field has focus: printable and editing keys belong to it, not to any binding. */
  typing?: boolean;
  /** Receives text keys, editing keys and pastes while typing. */
  onText?: (event: KeyEvent) => void;
  /** Receives a paste when not typing (a list opens its filter with the pasted text). */
  onPaste?: (text: string) => void;
  /** Inactive layers are skipped. */
  active?: boolean;
  /**
   * What this layer acts on is still loading: its commands wait (in order, with a deadline). A list of
   * commands: only those wait (the others act at once).
   */
  waiting?: boolean | readonly CommandId[];
  /** Commands that do nothing now, with the reason (the footer leaves them out; help and a press say why). */
  disabled?: Partial<Record<CommandId, string>>;
  /** The only commands of its scopes this layer takes (the others are refused, never passed on). */
  commands?: readonly CommandId[];
  /** What a refused key says on this layer (a question: "answer y or n"). */
  refusal?: string;
  /** A question that destroys something: only keys read after it was drawn answer it. */
  gate?: Gate;
  /**
   * Every key waits (ctrl+c aside), whatever layer binds it: a question is being made (a service is asked for
   * what it says), and the keys typed after the key that asks it are for it (`uy` answers the update question).
   */
  hold?: boolean;
}

/** The `disabled` option from conditions: `{ 'tags.platform': platforms.length === 0 && 'why' }`. */
export function disabledWhen(reasons: Partial<Record<CommandId, string | false | null | undefined>>): Partial<Record<CommandId, string>> {
  const out: Partial<Record<CommandId, string>> = {};
  for (const [id, reason] of Object.entries(reasons) as [CommandId, string | false | null | undefined][]) if (reason) out[id] = reason;
  return out;
}

/** Layer priorities, lowest first: a higher layer takes a key before the ones below it. */
export const PRIORITY = { app: 0, screen: 10, dialog: 20, field: 30, overlay: 40, question: 50 } as const;

export interface Layer {
  id: number;
  scopes: readonly Scope[];
  options: LayerOptions;
  handler: CommandHandler;
}

/** Keys that edit a text field (besides printable characters). */
const EDIT_KEYS = new Set<KeyName>(['space', 'backspace', 'delete', 'left', 'right', 'home', 'end', 'ctrl+a', 'ctrl+e', 'ctrl+u', 'ctrl+w', 'ctrl+k']);

export function isTextEvent(event: KeyEvent): boolean {
  return event.kind === 'paste' || event.text !== '' || EDIT_KEYS.has(event.name);
}

function waits(waiting: LayerOptions['waiting'], command: CommandId): boolean {
  return waiting === true || (Array.isArray(waiting) && waiting.includes(command));
}

/** Layers in the order they are offered keys. */
export function ordered(layers: Iterable<Layer>): Layer[] {
  return [...layers].filter((l) => l.options.active !== false).sort((a, b) => (b.options.priority ?? 0) - (a.options.priority ?? 0) || b.id - a.id);
}

/** What a key no layer takes says. */
export const NOT_HERE = 'not a key on this screen (? lists the keys)';
/** What a key a form does not take says. */
export const FORM_KEYS = 'not a key in this form: Tab moves to the next field, Enter saves, Esc cancels';

export type RouteResult =
  /** A layer took it: a command ran, or a field took the text. */
  | { outcome: 'done'; layer: Layer; command?: CommandId; repeat?: boolean; text?: boolean }
  /** The layer that would take it is waiting for its data: keep the key, try again later. */
  | { outcome: 'hold'; layer: Layer; command?: CommandId }
  /** Its command cannot run now: the reason is shown. */
  | { outcome: 'disabled'; layer: Layer; command: CommandId; reason: string }
  /** No layer takes it here: it does nothing, and says so. */
  | { outcome: 'refused'; layer?: Layer; command?: CommandId; reason: string }
  /** Read before the question on show was drawn: dropped (the question counts it). */
  | { outcome: 'dropped'; layer: Layer }
  /** A paste where no field or list takes one: nothing happens (pasted text is never a command). */
  | { outcome: 'none' };

/**
 * Offers one key to the layers; `force` ignores `waiting` (the hold's deadline has passed); `read`
 * is the sequence number of the read the key came in (a gated question drops older ones).
 */
export function route(layers: readonly Layer[], event: KeyEvent, force = false, read = Number.POSITIVE_INFINITY): RouteResult {
  for (const layer of layers) {
    const o = layer.options;
    // ctrl+c always reaches the quit command, even past a question.
    if (o.gate && !(event.kind === 'key' && event.name === 'ctrl+c') && !o.gate.accepts(read)) {
      o.gate.drop();
      return { outcome: 'dropped', layer };
    }
    if (o.hold && !force && !(event.kind === 'key' && event.name === 'ctrl+c')) return { outcome: 'hold', layer };
    if (o.typing && isTextEvent(event)) {
      o.onText?.(event);
      // Text edits compose (the field keeps its value and cursor in refs): more text right after
      // this goes to the same field before the commit.
      return { outcome: 'done', layer, text: true };
    }
    if (event.kind === 'paste') {
      if (o.onPaste) {
        if (o.waiting === true && !force) return { outcome: 'hold', layer };
        o.onPaste(event.text);
        return { outcome: 'done', layer };
      }
      // Pasted text is never read as commands.
      if (o.modal) return { outcome: 'none' };
      continue;
    }
    const binding = resolve(event.name, layer.scopes);
    if (binding) {
      // The first layer that binds the key decides: a command it does not take is refused here,
      // never handed to a layer below (a `d` that is not "delete" here must not be "delete" there).
      if (o.commands && !(o.commands as readonly string[]).includes(binding.id)) return { outcome: 'refused', layer, command: binding.id, reason: o.refusal ?? NOT_HERE };
      if (waits(o.waiting, binding.id) && !force) return { outcome: 'hold', layer, command: binding.id };
      const reason = o.disabled?.[binding.id];
      if (reason !== undefined) return { outcome: 'disabled', layer, command: binding.id, reason };
      layer.handler(binding.id, event.name);
      return { outcome: 'done', layer, command: binding.id, ...('repeat' in binding && binding.repeat ? { repeat: true } : {}) };
    }
    if (o.modal && event.name !== 'ctrl+c') return { outcome: 'refused', layer, reason: o.refusal ?? NOT_HERE };
  }
  if (event.kind === 'paste') return { outcome: 'none' };
  return { outcome: 'refused', reason: NOT_HERE };
}
