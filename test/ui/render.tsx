// One render helper for screen tests: the whole app with fake services, named keys, keys pressed by
// binding id, and waits on the app's own idle signal (no key queued, no list, service call or action in
// flight); `waitFor` polls the frame for what a test checks (no fixed sleeps).
import { render } from 'ink-testing-library';
import React from 'react';
import { App } from '../../src/app/App';
import type { TraceEntry } from '../../src/ui/input/trace';
import { BINDINGS, type CommandId, type KeyName } from '../../src/ui/keys/bindings';
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

/** The bytes a terminal sends for a key name of the key table. */
export function keyBytes(name: KeyName): string {
  const named: Partial<Record<string, string>> = {
    up: KEY.up,
    down: KEY.down,
    left: KEY.left,
    right: KEY.right,
    pageup: KEY.pageUp,
    pagedown: KEY.pageDown,
    home: KEY.home,
    end: KEY.end,
    enter: KEY.enter,
    escape: KEY.escape,
    tab: KEY.tab,
    'shift+tab': KEY.shiftTab,
    backspace: KEY.backspace,
    delete: KEY.delete,
    'ctrl+c': KEY.ctrlC,
    'ctrl+l': KEY.ctrlL,
    space: ' ',
  };
  const bytes = named[name] ?? (name.length === 1 || [...name].length === 1 ? name : undefined);
  if (bytes === undefined) throw new Error(`no bytes known for key ${name}`);
  return bytes;
}

/** The first key of a binding: what a test presses for that command. */
export function commandKey(id: CommandId): KeyName {
  const binding = BINDINGS.find((b) => b.id === id);
  const key = binding?.keys[0];
  if (key === undefined) throw new Error(`no binding ${id}`);
  return key;
}

/** Text as a bracketed paste. */
export const paste = (text: string): string => `\u001b[200~${text}\u001b[201~`;

export interface PressOptions {
  /** Kept for older callers: every press waits for the app to be idle, whatever the frame does. */
  changes?: boolean;
}

export function renderApp(services: UiServices, options: { env?: Record<string, string>; escapeMs?: number; strict?: boolean } = {}) {
  const quits: number[] = [];
  const theme = createTheme(options.env ?? { LANG: 'en_US.UTF-8', NO_COLOR: '1' });
  // The app says when it is idle: every key written so far applied, nothing in flight.
  let idle = false;
  let busyWith = '';
  const trace: TraceEntry[] = [];
  const input = {
    escapeMs: options.escapeMs ?? 20,
    // Frames are written at once in tests (Ink's debug mode): a short quiet time is enough.
    quietMs: 5,
    idle: (state: 'idle' | 'busy', info: { why: string }) => {
      idle = state === 'idle';
      busyWith = info.why;
    },
    trace: (entry: TraceEntry) => void trace.push(entry),
  };
  const app = <App services={services} theme={theme} onQuit={(n) => quits.push(n)} input={input} />;
  const instance = render(options.strict ? <React.StrictMode>{app}</React.StrictMode> : app);
  const frame = () => instance.lastFrame() ?? '';
  const write = (data: string) => {
    idle = false;
    instance.stdin.write(data);
  };
  const untilIdle = (what: string) =>
    waitFor(
      () => idle,
      () => `${what} (still busy with: ${busyWith || 'nothing said'}); last frame:\n${frame()}\nkeys:\n${trace.slice(-12).map((e) => JSON.stringify(e)).join('\n')}`,
    );
  return {
    ...instance,
    quits,
    frame,
    /** The key trace of this run (as STEVEDORE_DEBUG_KEYS writes it). */
    trace,
    /** The last lines of the key trace, for a failed expectation's message. */
    traceText: (lines = 40) => `key trace:\n${trace.slice(-lines).map((e) => JSON.stringify(e)).join('\n')}`,
    /** Writes bytes as one read (a burst, as over SSH). */
    write,
    /** Writes keys, each as its own read, then waits until the app is idle (each key applied, nothing in flight). */
    async press(...args: (string | PressOptions)[]) {
      const keys = args.filter((a): a is string => typeof a === 'string');
      for (const k of keys) write(k);
      await untilIdle(`${keys.map((k) => JSON.stringify(k)).join(' ')} to be applied`);
    },
    /** Presses the first key of each binding (by command id), then waits until the app is idle. */
    async command(...ids: CommandId[]) {
      for (const id of ids) write(keyBytes(commandKey(id)));
      await untilIdle(`${ids.join(' ')} to be applied`);
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
    /** Waits until the app is idle (every key written applied, nothing in flight). */
    settled: () => untilIdle('the app to be idle'),
    /** The footer line (the key hints, or why the last key was refused). */
    footer: () => frame().split('\n').at(-2) ?? '',
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
