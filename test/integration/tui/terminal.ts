// The built app in a real pseudo-terminal (tmux, on a socket of its own), driven as a person would: keys
// one by one (`key`) or in one write (`burst`), then `idle()`: the app says (STEVEDORE_TEST_IDLE) when it
// has read every byte sent, applied every key, has nothing in flight and has written its last frame.
// Tests then read the screen. A failing wait (or `attach`) puts the screen, the app's stderr and its key
// trace (STEVEDORE_DEBUG_KEYS) in the message.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, type Session } from '../engine/helpers.js';

/** Bytes tmux writes for the key names the tests use (each arrow is a 3-byte sequence in either cursor mode). */
const KEY_BYTES: Record<string, number> = { Enter: 1, Escape: 1, Tab: 1, BSpace: 1, Up: 3, Down: 3, Left: 3, Right: 3, BTab: 3 };

export interface Terminal {
  readonly name: string;
  /** The screen as it is now. */
  screen(): string;
  /** Named keys (`Enter`, `Down`…) or single characters, each as its own write. */
  key(...keys: string[]): void;
  /** These bytes in one write (a burst, as a laggy SSH link delivers them). */
  burst(text: string): void;
  /** Text as a bracketed paste, from a file (tmux paste-buffer -p). */
  paste(file: string, text: string): void;
  /** Waits until the app has applied everything sent so far and is idle; returns the screen. */
  idle(what: string, timeoutMs?: number): Promise<string>;
  /** Polls the screen (for what no key does: a download's progress, the app's first frame). */
  until(what: string, check: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** The key trace so far (JSON lines). */
  trace(): string;
  /** Adds the screen, stderr and key trace to an error (for a failed expectation). */
  attach(error: unknown): Error;
  stop(): void;
}

export function openTerminal(name: string, s: Session, options: { columns?: number; rows?: number; env?: Record<string, string> } = {}): Terminal {
  const socket = `sd-${name}-${process.pid}`;
  // The app's files in a folder of this terminal's own, removed by stop() once the app has ended.
  const dir = mkdtempSync(join(tmpdir(), `${socket}-`));
  const files = {
    stderr: join(dir, 'stderr'),
    idle: join(dir, 'idle'),
    trace: join(dir, 'keys'),
  };
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const env = { ...s.env, ...options.env, STEVEDORE_TEST_IDLE: files.idle, STEVEDORE_DEBUG_KEYS: files.trace };
  const envArgs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
  // `-f /dev/null`: no user tmux.conf; a server of its own: no environment from another session leaks in.
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30), ...envArgs, `${process.execPath} ${BIN} 2>${files.stderr}; echo EXITED=$?; sleep 600`]);
  let sent = 0;
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const screen = () => tmux('capture-pane', '-p', '-t', name);
  const report = (what: string) => {
    const trace = read(files.trace).trim().split('\n').slice(-60).join('\n');
    return `${what}\nthe screen was:\n${screen()}\nthe app's stderr:\n${read(files.stderr)}\nthe idle file: ${read(files.idle).trim() || '(none)'}, ${sent} bytes sent\nthe key trace (last 60 lines of ${files.trace}):\n${trace}`;
  };
  const poll = async (what: string, ok: () => boolean, timeoutMs: number): Promise<string> => {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (ok()) return screen();
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(report(`timed out (${timeoutMs} ms) waiting for ${what}`));
  };
  return {
    name,
    screen,
    key(...keys) {
      for (const k of keys) {
        const bytes = KEY_BYTES[k] ?? (Buffer.byteLength(k) === k.length && k.length === 1 ? 1 : undefined);
        if (bytes === undefined) throw new Error(`the byte count of key ${k} is not known: use burst() for text`);
        tmux('send-keys', '-t', name, k);
        sent += bytes;
      }
    },
    burst(text) {
      tmux('send-keys', '-t', name, '-l', text);
      sent += Buffer.byteLength(text);
    },
    paste(file, text) {
      tmux('load-buffer', '-b', name, file);
      tmux('paste-buffer', '-p', '-d', '-b', name, '-t', name);
      sent += Buffer.byteLength(`\u001b[200~${text}\u001b[201~`);
    },
    idle(what, timeoutMs = 30_000) {
      return poll(
        `${what} (the app idle after ${sent} bytes)`,
        () => {
          const [state, bytes] = read(files.idle).trim().split(' ');
          return state === 'idle' && Number(bytes) >= sent;
        },
        timeoutMs,
      );
    },
    until(what, check, timeoutMs = 30_000) {
      return poll(what, () => check(screen()), timeoutMs);
    },
    trace: () => read(files.trace),
    attach(error) {
      const e = error instanceof Error ? error : new Error(String(error));
      if (!e.message.includes('the key trace')) e.message = report(e.message);
      return e;
    },
    stop() {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      // The app writes its last key trace and idle lines as it ends (after tmux hangs up on it): once the folder
      // is gone those writes fail (the app ignores that) instead of leaving files behind; the retries cover a
      // file written while the folder is being removed.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Runs a test body with the terminal's screen and key trace attached to any failure. */
export async function withTrace(term: Terminal, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    throw term.attach(error);
  }
}
