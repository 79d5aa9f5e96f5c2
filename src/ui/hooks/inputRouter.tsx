// Key handling with priorities (STYLE.md "Dialogs shadow screens"): one useInput at the root turns
// each key press into a key name, then offers it to the registered layers from the top down. A
// layer resolves the key in its own scopes; a modal layer (dialog, form) stops keys from reaching
// the screens below; a typing layer (text field with focus) keeps printable keys for the field.
import { useInput } from 'ink';
import React, { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import type { Binding, KeyName, Scope } from '../keys/bindings';
import { keyName, resolve } from '../keys/match';

export interface LayerOptions {
  /** Keys do not fall through to layers below (except ctrl+c, which always quits). */
  modal?: boolean;
  /** A text field has focus: printable keys belong to it, not to any binding. */
  typing?: boolean;
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
  update(id: number, scopes: readonly Scope[], options: LayerOptions): void;
}

const RouterContext = createContext<Router | null>(null);

function isPrintable(name: KeyName): boolean {
  return name.length === 1 || name === 'space' || name === 'backspace' || name === 'left' || name === 'right';
}

/** Picks the layer and binding for a key. Exported for tests. */
export function dispatch(layers: readonly Layer[], name: KeyName, bindings?: readonly Binding[]): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer || layer.options.active === false) continue;
    if (layer.options.typing && isPrintable(name)) return false; // the text field takes it
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
      update(id, scopes, options) {
        const l = layers.current.find((x) => x.id === id);
        if (l) {
          l.scopes = scopes;
          l.options = options;
        }
      },
    }),
    [],
  );
  useInput(
    (input, key) => {
      const name = keyName(input, key);
      if (name) dispatch(layers.current, name);
    },
    { isActive },
  );
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

let nextId = 1;

/** Registers a key layer for the lifetime of the component. */
export function useCommands(scopes: readonly Scope[], handler: CommandHandler, options: LayerOptions = {}): void {
  const router = useContext(RouterContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  const idRef = useRef(0);
  if (idRef.current === 0) idRef.current = nextId++;
  useEffect(() => {
    if (!router) return undefined;
    return router.register({ id: idRef.current, scopes, options, handler: handlerRef });
    // Registered once per mount; scopes and options are kept current below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [router]);
  const key = `${scopes.join(',')}|${options.modal ? 1 : 0}|${options.typing ? 1 : 0}|${options.active === false ? 0 : 1}`;
  useEffect(() => {
    router?.update(idRef.current, scopes, options);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [router, key]);
}
