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
  left: '\u001b[D',
  right: '\u001b[C',
  home: '\u001b[H',
  end: '\u001b[F',
  delete: '\u001b[3~',
  pageUp: '\u001b[5~',
  ctrlA: '\u0001',
  ctrlE: '\u0005',
  ctrlK: '\u000b',
  ctrlL: '\u000c',
  ctrlU: '\u0015',
  ctrlW: '\u0017',
} as const;

/** Text as a bracketed paste. */
export const paste = (text: string): string => `\u001b[200~${text}\u001b[201~`;

export interface PressOptions {
  /** false: the keys legitimately leave the frame as it was (wait only until they are applied). */
  changes?: boolean;
}

export function renderApp(services: UiServices, options: { env?: Record<string, string>; escapeMs?: number; strict?: boolean } = {}) {
  const quits: number[] = [];
  const theme = createTheme(options.env ?? { LANG: 'en_US.UTF-8', NO_COLOR: '1' });
  // The keystroke layer says when every key written so far has been applied and committed.
  let idle = true;
  const probe = {
    idle: () => {
      idle = true;
    },
  };
  const app = <App services={services} theme={theme} onQuit={(n) => quits.push(n)} input={{ escapeMs: options.escapeMs ?? 20, probe }} />;
  const instance = render(options.strict ? <React.StrictMode>{app}</React.StrictMode> : app);
  const frame = () => instance.lastFrame() ?? '';
  const write = (data: string) => {
    idle = false;
    instance.stdin.write(data);
  };
  return {
    ...instance,
    quits,
    frame,
    /** Writes bytes as one read (a burst, as over SSH). */
    write,
    /**
     * Writes keys, each as its own read, then waits until the keystroke layer has applied them all
     * and the frame has changed (pass `{ changes: false }` last for keys that leave it as it was).
     */
    async press(...args: (string | PressOptions)[]) {
      const last = args[args.length - 1];
      const opts: PressOptions = typeof last === 'object' ? last : {};
      const keys = args.filter((a): a is string => typeof a === 'string');
      const before = frame();
      for (const k of keys) write(k);
      await waitFor(
        () => idle && (opts.changes === false || frame() !== before),
        () => `${keys.map((k) => JSON.stringify(k)).join(' ')} to ${opts.changes === false ? 'be applied' : 'change the frame'}; last frame:\n${frame()}`,
      );
    },
    /**
     * Types into the focused field one character at a time, each time waiting until the field shows
     * what was typed so far (`shown` maps the typed prefix to what the field displays, e.g. a mask).
     */
    async type(text: string, shown: (prefix: string) => string = (p) => p) {
      let prefix = '';
      for (const ch of text) {
        prefix += ch;
        write(ch);
        const expected = shown(prefix);
        await waitFor(() => frame().includes(expected), () => `field to show "${expected}"; last frame:\n${frame()}`);
      }
    },
    /** Waits until every key written has been applied. */
    settled: () => waitFor(() => idle, () => 'the keys to be applied'),
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
