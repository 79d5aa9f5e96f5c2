// Key handling with priorities (STYLE.md "Dialogs shadow screens"): one useInput at the root turns
// each key press into a key name, then offers it to the registered layers from the top down. A
// layer resolves the key in its own scopes; a modal layer (dialog, form) stops keys from reaching
// the screens below; a typing layer (text field with focus) keeps printable keys for the field.
import { type Key, useInput } from 'ink';
import React, { createContext, useContext, useLayoutEffect, useMemo, useRef } from 'react';
import type { Binding, KeyName, Scope } from '../keys/bindings';
import { keyName, resolve } from '../keys/match';

export interface LayerOptions {
  /** Keys do not fall through to layers below (except ctrl+c, which always quits). */
  modal?: boolean;
  /** A text field has focus: printable keys belong to it, not to any binding. */
  typing?: boolean;
  /** Receives the text keys (characters, backspace, left/right/home/end) while typing. */
  onText?: (input: string, key: Key) => void;
  /** Inactive layers are skipped. */
  active?: boolean;
}

/** Returns true when it handled the command (false lets the key fall through). */
export type CommandHandler = (command: string, key: KeyName) => boolean | void;

interface Layer {
  id: number;
  scopes: readonly Scope[];
  options: LayerOptions;
  handler: { current: CommandHandler };
}

interface Router {
  register(layer: Layer): () => void;
}

const RouterContext = createContext<Router | null>(null);

const TEXT_KEYS = new Set(['space', 'backspace', 'left', 'right', 'home', 'end']);

/** Keys that edit text while a field has focus (a paste arrives as one multi-character input). */
function isTextKey(name: KeyName | undefined, input: string): boolean {
  if (name === undefined) return input.length > 1 && !input.startsWith('\u001b');
  return name.length === 1 || TEXT_KEYS.has(name);
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Picks the layer and binding for a key. Exported for tests. `input`/`key` are Ink's, for text
 * fields; a test may give just the key name.
 */
export function dispatch(layers: readonly Layer[], name: KeyName | undefined, bindings?: readonly Binding[], input: string = name ?? '', key: Key = NO_KEY): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer || layer.options.active === false) continue;
    if (layer.options.typing && isTextKey(name, input)) {
      // The text field takes it; nothing below sees letters while typing.
      layer.options.onText?.(input, key);
      return Boolean(layer.options.onText);
    }
    if (name === undefined) return false;
    const binding = resolve(name, layer.scopes, bindings);
    if (binding && layer.handler.current(binding.id, name) !== false) return true;
    if (layer.options.modal && name !== 'ctrl+c') return false;
  }
  return false;
}

export function InputRouter({ children, isActive = true }: { children: React.ReactNode; isActive?: boolean }): React.JSX.Element {
  const layers = useRef<Layer[]>([]);
  const router = useMemo<Router>(
    () => ({
      register(layer) {
        layers.current = [...layers.current, layer];
        return () => {
          layers.current = layers.current.filter((l) => l.id !== layer.id);
        };
      },
    }),
    [],
  );
  useInput(
    (input, key) => {
      dispatch(layers.current, keyName(input, key), undefined, input, key);
    },
    { isActive },
  );
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

let nextId = 1;

/**
 * Registers a key layer for the lifetime of the component. Layers stack in the order components
 * first render (parents before children, a dialog opened later above its screen), not in the
 * order effects run (children first). Scopes and options are read from the latest render, so a
 * key typed right after `/` already goes to the new field.
 */
export function useCommands(scopes: readonly Scope[], handler: CommandHandler, options: LayerOptions = {}): void {
  const router = useContext(RouterContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  const layerRef = useRef<{ layer: Layer; unregister: () => void } | null>(null);
  if (layerRef.current === null) {
    const layer: Layer = { id: nextId++, scopes, options, handler: handlerRef };
    layerRef.current = { layer, unregister: router ? router.register(layer) : () => undefined };
  }
  layerRef.current.layer.scopes = scopes;
  layerRef.current.layer.options = options;
  // A layout effect: its cleanup runs in the commit that removes the component, so a closed
  // dialog stops taking keys at once (a passive effect's cleanup could run after the next key).
  useLayoutEffect(() => () => layerRef.current?.unregister(), []);
}
