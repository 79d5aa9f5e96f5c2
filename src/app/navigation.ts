// Screens as a typed union with a back stack (STYLE.md "Navigation is a typed union").
import type { RemoteImage } from '../domain/images';
import type { InspectTarget } from '../ui/screens/inspect/target';

export type { InspectTarget };

export type Screen =
  | { kind: 'depots' }
  | { kind: 'tags'; image: Pick<RemoteImage, 'name' | 'fullName' | 'source'>; registry?: string | undefined }
  | { kind: 'inspect'; target: InspectTarget }
  | { kind: 'downloads' }
  | { kind: 'registries' }
  | { kind: 'repositories' }
  | { kind: 'engines' };

export interface NavigationState {
  stack: Screen[];
}

export type NavigationAction = { type: 'push'; screen: Screen } | { type: 'back' } | { type: 'reset'; screen: Screen };

export const initialNavigation: NavigationState = { stack: [{ kind: 'depots' }] };

export function navigate(state: NavigationState, action: NavigationAction): NavigationState {
  switch (action.type) {
    case 'push': {
      const top = state.stack[state.stack.length - 1];
      // Going to a top-level screen that is already open returns to it instead of stacking copies.
      if (top && top.kind === action.screen.kind && isTopLevel(action.screen)) return state;
      const existing = isTopLevel(action.screen) ? state.stack.findIndex((s) => s.kind === action.screen.kind) : -1;
      if (existing > 0) return { stack: state.stack.slice(0, existing + 1) };
      return { stack: [...state.stack, action.screen] };
    }
    case 'back':
      return state.stack.length > 1 ? { stack: state.stack.slice(0, -1) } : state;
    case 'reset':
      return { stack: [action.screen] };
  }
}

export function currentScreen(state: NavigationState): Screen {
  return state.stack[state.stack.length - 1] ?? { kind: 'depots' };
}

function isTopLevel(screen: Screen): boolean {
  return screen.kind === 'downloads' || screen.kind === 'registries' || screen.kind === 'repositories' || screen.kind === 'depots' || screen.kind === 'engines';
}
