// What the single file redoes when it starts, for libraries that keep, from the moment they load, something of
// the machine they run on: the snapshot holds the values of the build machine (see bin-entry.mjs, and
// AMBIENT_READS in build-bin.mjs, where every such read is listed with the reason it is harmless or a fix here).
// `stevedore-from:PKG:SPEC` imports SPEC as PKG imports it (build-bin.mjs resolves it), so these are the very
// module instances Ink and ink-select-input use.
import tty from 'node:tty';
import chalk from 'stevedore-from:ink:chalk';
import { createSupportsColor } from 'stevedore-from:ink>chalk:#supports-color';
import figures, { fallbackSymbols } from 'stevedore-from:ink-select-input:figures';
import isUnicodeSupported from 'stevedore-from:ink-select-input>figures:is-unicode-supported';

// Node's console loses its Console constructor in a deserialized snapshot (console.Console is undefined there,
// Node 24.22), which Ink's patch-console needs to draw the app: the one of the build is the same class.
const BuildConsole = console.Console;

/** At every start, before the command runs. */
export function refreshAfterStart() {
  if (typeof console.Console !== 'function' && typeof BuildConsole === 'function') {
    Object.defineProperty(console, 'Console', { value: BuildConsole, writable: true, configurable: true, enumerable: false });
  }
}

/**
 * When the app starts, at the point where the npm bundle loads Ink (cli.tsx calls it through this symbol, after
 * it has taken CI out of the environment): what Ink's libraries decide when they load is decided now.
 */
function beforeApp() {
  // chalk's colour level (a terminal? FORCE_COLOR, NO_COLOR, CI, TERM, COLORTERM…).
  const color = createSupportsColor({ isTTY: tty.isatty(1) });
  chalk.level = color ? color.level : 0;
  // figures' Unicode or ASCII symbols (ASCII on the Linux console, TERM=linux).
  if (!isUnicodeSupported()) Object.assign(figures, fallbackSymbols);
  // Ink's layout engine (WebAssembly, which no snapshot holds) starts compiling on another thread.
  globalThis[Symbol.for('stevedore.prepareYoga')]?.();
}
globalThis[Symbol.for('stevedore.beforeApp')] = beforeApp;
