// Runs the full-screen app: the alternate screen, Ink with incremental redraws, and a terminal that is
// restored on every way out (quit, crash, SIGTERM, SIGHUP). Downloads outlive it (background worker).
import { appendFileSync, writeFileSync } from 'node:fs';
import { render } from 'ink';
import React from 'react';
import type { IdleReport } from '../ui/hooks/inputRouter';
import type { TraceSink } from '../ui/input/trace';
import type { AppServices } from '../services/index';
import { sanitizeLine } from '../domain/sanitize';
import { createTheme } from '../ui/theme/theme';
import { App } from './App';
import { ResizeGate, type ResizeRelay, relayResize } from './resizeGate';
import { escapeTimeout } from '../ui/input/tokenizer';
import { goesOn } from '../ui/screens/downloads/presentation';
import { type Prefetch, createUiServices } from './uiServices';

const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';
// Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~, so a paste is never read
// as keys. On while the app runs; off on every way out (quit, crash, signal, suspend).
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

export interface TuiIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Where warnings go while the app owns the screen (they would tear the frame on stderr). */
export interface WarningRoute {
  redirect(sink: ((message: string) => void) | null): void;
}

/**
 * The key trace: `STEVEDORE_DEBUG_KEYS=FILE` appends one JSON line per read and per key (what took it,
 * the outcome). Text typed into fields is not written. A file that cannot be written turns it off.
 */
function keyTrace(env: NodeJS.ProcessEnv): TraceSink | undefined {
  const file = env.STEVEDORE_DEBUG_KEYS;
  if (!file) return undefined;
  let on = true;
  return (entry) => {
    if (!on) return;
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch {
      on = false;
    }
  };
}

/**
 * For tests in a pseudo-terminal (`STEVEDORE_TEST_IDLE=FILE`): the file says `idle N` when the whole app
 * is idle after reading N bytes of input (every key applied, no list, service call or action in flight,
 * the last frame written), `busy N` otherwise.
 */
function idleFile(env: NodeJS.ProcessEnv): IdleReport | undefined {
  const file = env.STEVEDORE_TEST_IDLE;
  if (!file) return undefined;
  return (state, { bytes }) => {
    try {
      writeFileSync(file, `${state} ${bytes}\n`);
    } catch {
      // the test went away
    }
  };
}

export async function runTui(app: AppServices, io: TuiIo, warnings: WarningRoute, prefetch?: Prefetch): Promise<number> {
  const listeners = new Set<(message: string) => void>();
  const say = (message: string): void => {
    for (const l of listeners) l(message);
  };
  warnings.redirect(say);
  const services = await createUiServices(
    app,
    {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    prefetch,
    say,
  );
  const theme = createTheme(io.env);
  const escapeMs = escapeTimeout((await app.settings()).all()['keys.escape_ms'], io.env);
  const trace = keyTrace(io.env);
  const idle = idleFile(io.env);
  let restored = false;
  let instance: ReturnType<typeof render> | undefined;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // already gone
    }
    io.stdout.write(PASTE_OFF + SHOW_CURSOR + LEAVE_ALT_SCREEN);
    if (io.stdin.isTTY) io.stdin.setRawMode(false);
  };

  return new Promise<number>((resolve) => {
    // Ink's resize listener, relayed: made once render() has returned (see below).
    const gate: { relay?: ResizeRelay } = {};
    const finish = (code: number, message?: string) => {
      gate.relay?.release();
      restore();
      warnings.redirect(null);
      for (const [signal, handler] of handlers) process.off(signal, handler);
      process.off('SIGCONT', onContinue);
      process.off('SIGTSTP', onSuspend);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      if (message) io.stderr.write(`${message}\n`);
      void services.close().catch(() => undefined);
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals) => finish(signal === 'SIGHUP' ? 129 : signal === 'SIGINT' ? 130 : 143);
    const handlers: [NodeJS.Signals, () => void][] = (['SIGTERM', 'SIGHUP', 'SIGINT'] as const).map((s) => [s, () => onSignal(s)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const onCrash = (error: unknown) => {
      const text = sanitizeLine(error instanceof Error ? error.message : String(error));
      finish(1, `error: unexpected error: ${text} (this is a bug; STEVEDORE_DEBUG=1 shows details)${io.env.STEVEDORE_DEBUG && error instanceof Error ? `\n${error.stack ?? ''}` : ''}`);
    };
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    // Suspended (`kill -TSTP`, job control): give the shell its terminal back as it was (paste off,
    // main screen, cooked mode), stop, and on SIGCONT take it again and draw the whole frame.
    const redrawListeners = new Set<() => void>();
    const onSuspend = () => {
      if (restored) return;
      io.stdout.write(PASTE_OFF + SHOW_CURSOR + LEAVE_ALT_SCREEN);
      if (io.stdin.isTTY) io.stdin.setRawMode(false);
      process.kill(process.pid, 'SIGSTOP');
    };
    const onContinue = () => {
      if (restored) return;
      if (io.stdin.isTTY) io.stdin.setRawMode(true);
      io.stdout.write(ENTER_ALT_SCREEN + PASTE_ON);
      for (const l of redrawListeners) l();
    };
    process.on('SIGTSTP', onSuspend);
    process.on('SIGCONT', onContinue);

    io.stdout.write(ENTER_ALT_SCREEN + PASTE_ON);
    // The 'resize' listener Ink adds in render() is taken off the stream and called once the app has re-rendered
    // for a new size (see resizeGate); the app's own listeners (added as it mounts, in render() too) stay. The
    // app is rendered at once, not after an empty first render: Ink draws at most maxFps frames a second, so
    // the app's first frame waited a whole frame interval (50 ms) behind the empty one.
    const before = new Set(io.stdout.listeners('resize'));
    instance = render(
      <ResizeGate onResized={() => gate.relay?.resized()}>
        <App
          services={services}
          theme={theme}
          input={{
            escapeMs,
            ...(trace ? { trace } : {}),
            ...(idle ? { idle } : {}),
            redraw: {
              subscribe(listener) {
                redrawListeners.add(listener);
                return () => redrawListeners.delete(listener);
              },
            },
          }}
          onQuit={(running) => finish(0, running > 0 ? goesOn(services.downloads.store.getSnapshot().downloads, services.engines.startsOn?.()).farewell : undefined)}
        />
      </ResizeGate>,
      { stdout: io.stdout, stdin: io.stdin, stderr: io.stderr, exitOnCtrlC: false, patchConsole: true, incrementalRendering: true, maxFps: 20 },
    );
    gate.relay = relayResize(io.stdout, before);
    instance.waitUntilExit().then(
      () => finish(0),
      (error: unknown) => onCrash(error),
    );
  });
}
