// A key name into the command bound to it in the active scopes (most specific scope first: a dialog
// or text field shadows the screen). Key names come from the keystroke layer (src/ui/input/).
import { BINDINGS, type BindingSpec, type KeyName, type Scope } from './bindings';

type TableBinding = (typeof BINDINGS)[number];

/** The binding for `name` in the first scope (of `scopes`, in priority order) that binds it. */
export function resolve(name: KeyName, scopes: readonly Scope[]): TableBinding | undefined;
export function resolve<B extends BindingSpec>(name: KeyName, scopes: readonly Scope[], bindings: readonly B[]): B | undefined;
export function resolve(name: KeyName, scopes: readonly Scope[], bindings: readonly BindingSpec[] = BINDINGS): BindingSpec | undefined {
  for (const scope of scopes) {
    const hit = bindings.find((b) => b.scope === scope && b.keys.includes(name));
    if (hit) return hit;
  }
  return undefined;
}

/** Pairs of bindings that share a key within one scope (must be empty: a test checks it). */
export function duplicateKeys(bindings: readonly BindingSpec[] = BINDINGS): string[] {
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
