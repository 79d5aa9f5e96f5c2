// Which layer gets a key (STYLE.md "Dialogs shadow screens"): layers are offered the key from the
// highest priority down; a typing layer (text field with focus) keeps text and editing keys; a modal
// layer (dialog, form) stops keys from reaching the layers below (except ctrl+c, which always quits);
// a layer whose list has not arrived yet asks for the key to be held until it has.
import type { CommandId, KeyName, Scope } from '../keys/bindings';
import { resolve } from '../keys/match';
import type { KeyEvent } from './tokenizer';

/** Returns false to let the key fall through to the layers below. */
export type CommandHandler = (command: CommandId, key: KeyName) => boolean | void;

export interface LayerOptions {
  /** Higher first (see PRIORITY). Equal priorities: the one registered later first. */
  priority?: number;
  /** Keys do not fall through to layers below (except ctrl+c, which always quits). */
  modal?: boolean;
  /** A text field has focus: printable and editing keys belong to it, not to any binding. */
  typing?: boolean;
  /** Receives text keys, editing keys and pastes while typing. */
  onText?: (event: KeyEvent) => void;
  /** Receives a paste when not typing (a list opens its filter with the pasted text). */
  onPaste?: (text: string) => void;
  /** Inactive layers are skipped. */
  active?: boolean;
  /** What this layer acts on is still loading: its commands wait (in order, with a deadline). */
  waiting?: boolean;
  /** Commands that do nothing now, with the reason (shown in the footer and help instead). */
  disabled?: Partial<Record<CommandId, string>>;
  /** The only commands of its scopes this layer takes (the footer and help leave out the others). */
  commands?: readonly CommandId[];
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

/** Layers in the order they are offered keys. */
export function ordered(layers: Iterable<Layer>): Layer[] {
  return [...layers].filter((l) => l.options.active !== false).sort((a, b) => (b.options.priority ?? 0) - (a.options.priority ?? 0) || b.id - a.id);
}

export type RouteResult =
  /** A layer took it (or it was dropped on purpose). */
  | { outcome: 'done'; command?: CommandId; disabled?: string; repeat?: boolean; text?: boolean }
  /** The layer that would take it is waiting for its data: keep the key, try again later. */
  | { outcome: 'hold' }
  /** Nobody wanted it. */
  | { outcome: 'none' };

/** Offers one key to the layers; `force` ignores `waiting` (the hold's deadline has passed). */
export function route(layers: readonly Layer[], event: KeyEvent, force = false): RouteResult {
  for (const layer of layers) {
    const o = layer.options;
    if (o.typing && isTextEvent(event)) {
      o.onText?.(event);
      // Text edits compose (the field keeps its value and cursor in refs): more text right after
      // this goes to the same field before the commit.
      return { outcome: 'done', text: true };
    }
    if (event.kind === 'paste') {
      if (o.onPaste) {
        if (o.waiting && !force) return { outcome: 'hold' };
        o.onPaste(event.text);
        return { outcome: 'done' };
      }
      // Pasted text is never read as commands.
      if (o.modal) return { outcome: 'done' };
      continue;
    }
    const binding = resolve(event.name, layer.scopes);
    if (binding) {
      const reason = o.disabled?.[binding.id];
      if (reason !== undefined) return { outcome: 'done', command: binding.id, disabled: reason };
      if (o.waiting && !force) return { outcome: 'hold' };
      if (layer.handler(binding.id, event.name) !== false) return { outcome: 'done', command: binding.id, ...('repeat' in binding && binding.repeat ? { repeat: true } : {}) };
    }
    if (o.modal && event.name !== 'ctrl+c') return { outcome: 'none' };
  }
  return { outcome: 'none' };
}
