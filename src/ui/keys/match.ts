// Turns Ink's (input, key) into a canonical key name, and a key name into the command bound to
// it in the active scopes (most specific scope first: a dialog or text field shadows the screen).
import type { Key } from 'ink';
import { BINDINGS, type Binding, type KeyName, type Scope } from './bindings';

export function keyName(input: string, key: Key): KeyName | undefined {
  if (key.ctrl && input === 'c') return 'ctrl+c';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl || key.meta) return undefined;
  if (input === ' ') return 'space';
  if (input.length === 1) return input;
  return undefined;
}

/** The binding for `name` in the first scope (of `scopes`, in priority order) that binds it. */
export function resolve(name: KeyName, scopes: readonly Scope[], bindings: readonly Binding[] = BINDINGS): Binding | undefined {
  for (const scope of scopes) {
    const hit = bindings.find((b) => b.scope === scope && b.keys.includes(name));
    if (hit) return hit;
  }
  return undefined;
}

/** Pairs of bindings that share a key within one scope (must be empty: a test checks it). */
export function duplicateKeys(bindings: readonly Binding[] = BINDINGS): string[] {
  const seen = new Map<string, string>();
  const dupes: string[] = [];
  for (const b of bindings) {
    for (const k of b.keys) {
      const slot = `${b.scope}:${k}`;
      const other = seen.get(slot);
      if (other) dupes.push(`${slot} bound to ${other} and ${b.id}`);
      else seen.set(slot, b.id);
    }
  }
  return dupes;
}
