// One render helper for screen tests: the whole app with fake services, named keys, and a waitFor
// that polls the frame (no fixed sleeps).
import { render } from 'ink-testing-library';
import React from 'react';
import { App } from '../../src/app/App';
import type { UiServices } from '../../src/ui/services';
import { createTheme } from '../../src/ui/theme/theme';

export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
  pageDown: '\u001b[6~',
  ctrlC: '\u0003',
} as const;

export function renderApp(services: UiServices, options: { env?: Record<string, string> } = {}) {
  const quits: number[] = [];
  const theme = createTheme(options.env ?? { LANG: 'en_US.UTF-8', NO_COLOR: '1' });
  const instance = render(<App services={services} theme={theme} onQuit={(n) => quits.push(n)} />);
  const frame = () => instance.lastFrame() ?? '';
  return {
    ...instance,
    quits,
    frame,
    /** Writes keys one at a time, letting Ink handle each. */
    async press(...keys: string[]) {
      for (const k of keys) {
        instance.stdin.write(k);
        await tick();
      }
    },
    /**
     * Types into the focused field one character at a time, each time waiting until the field shows
     * what was typed so far (`shown` maps the typed prefix to what the field displays, e.g. a mask).
     */
    async type(text: string, shown: (prefix: string) => string = (p) => p) {
      let prefix = '';
      for (const ch of text) {
        prefix += ch;
        instance.stdin.write(ch);
        const expected = shown(prefix);
        await waitFor(() => frame().includes(expected), () => `field to show "${expected}"; last frame:\n${frame()}`);
      }
    },
    waitFor: (predicate: (frame: string) => boolean, what = 'frame', timeoutMs = 10_000) => waitFor(() => predicate(frame()), () => `${what}; last frame:\n${frame()}`, timeoutMs),
  };
}

export function tick(ms = 5): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(check: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${describe()}`);
    await tick(10);
  }
}
