// The terminal the app would draw in: size, UTF-8, colours, TERM, SSH, bracketed paste. The facts are
// gathered by the caller (the command has the streams); this only judges them.
import { fail, pass, skip, type Check } from './types';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export type PasteSupport = 'yes' | 'no' | 'unknown';

export interface TerminalFacts {
  env: NodeJS.ProcessEnv;
  /** Whether a terminal is attached (stdout or stderr). */
  tty: boolean;
  columns?: number | undefined;
  rows?: number | undefined;
  /** Colour depth the stream reports (1, 4, 8, 24 bits). */
  colorDepth?: number | undefined;
  /** What the terminal answered to a DECRQM query for mode 2004, when asked. */
  bracketedPaste: PasteSupport;
}

/** Terminals known to support bracketed paste, by TERM, for when the terminal does not answer. */
const PASTE_TERMS = /^(xterm|screen|tmux|rxvt|alacritty|foot|kitty|wezterm|st-|st$|konsole|gnome|vte|putty|mintty|contour|ghostty|iterm)/;

export function locale(env: NodeJS.ProcessEnv): { value: string; from: string } {
  for (const name of ['LC_ALL', 'LC_CTYPE', 'LANG'] as const) {
    const value = env[name];
    if (value) return { value, from: name };
  }
  return { value: '', from: '' };
}

export function checkTerminal(facts: TerminalFacts): Check[] {
  const { env } = facts;
  const term = env.TERM ?? '';
  const checks: Check[] = [];

  if (!facts.tty) checks.push(skip('terminal.size', 'terminal size', 'no terminal attached (output is piped): run `stevedore doctor` in the terminal you open the app in'));
  else if ((facts.columns ?? 0) < MIN_COLUMNS || (facts.rows ?? 0) < MIN_ROWS) {
    checks.push(fail('terminal.size', 'terminal size', `${facts.columns ?? '?'}x${facts.rows ?? '?'} is smaller than the ${MIN_COLUMNS}x${MIN_ROWS} the app needs`, 'make the window larger (or the font smaller)'));
  } else checks.push(pass('terminal.size', 'terminal size', `${facts.columns}x${facts.rows} (the app needs ${MIN_COLUMNS}x${MIN_ROWS})`));

  const loc = locale(env);
  if (/utf-?8/i.test(loc.value)) checks.push(pass('terminal.utf8', 'UTF-8', `${loc.from}=${loc.value}`));
  else {
    const said = loc.from ? `${loc.from}=${loc.value} is not UTF-8` : 'LANG, LC_CTYPE and LC_ALL are not set';
    checks.push(fail('terminal.utf8', 'UTF-8', `${said}: the app draws ASCII bars and borders, and names with accents may show as ?`, 'export LANG=C.UTF-8 (or a UTF-8 locale that `locale -a` lists) in your shell profile'));
  }

  if (env.NO_COLOR) checks.push(pass('terminal.colours', 'colours', 'off: NO_COLOR is set'));
  else if (!facts.tty) checks.push(skip('terminal.colours', 'colours', 'no terminal attached'));
  else if ((facts.colorDepth ?? 1) <= 1) checks.push(fail('terminal.colours', 'colours', `the terminal reports none (TERM=${term || 'unset'})`, 'set TERM to what your terminal is (xterm-256color for most), or NO_COLOR=1 to say you want none'));
  else checks.push(pass('terminal.colours', 'colours', `${colourName(facts.colorDepth ?? 4)}${env.COLORTERM ? ` (COLORTERM=${env.COLORTERM})` : ''}`));

  if (!term && !facts.tty) checks.push(skip('terminal.term', 'TERM', 'not set, and no terminal attached (the app needs one)'));
  else if (!term) checks.push(fail('terminal.term', 'TERM', 'TERM is not set (usual with `ssh host command` or cron): keys and colours may be wrong', 'run ssh with -t, or export TERM=xterm-256color'));
  else if (term === 'dumb') checks.push(fail('terminal.term', 'TERM', 'TERM=dumb: no cursor movement, the app cannot draw', 'export TERM=xterm-256color (or what your terminal is)'));
  else checks.push(pass('terminal.term', 'TERM', `${term}${env.TMUX ? ' inside tmux' : env.STY ? ' inside screen' : ''}`));

  const ssh = env.SSH_CONNECTION || env.SSH_TTY;
  if (ssh) {
    const from = env.SSH_CONNECTION?.split(' ')[0];
    const keeps = env.TMUX || env.STY ? 'your tmux/screen session survives a dropped connection' : 'downloads go on if the connection drops (the worker is not tied to it)';
    checks.push(pass('terminal.ssh', 'SSH', `over SSH${from ? ` from ${from}` : ''}: a lone Esc waits 150 ms for the rest of a key (keys.escape_ms); ${keeps}`));
  } else checks.push(pass('terminal.ssh', 'SSH', 'not over SSH'));

  if (!facts.tty) checks.push(skip('terminal.paste', 'bracketed paste', 'no terminal attached'));
  else if (facts.bracketedPaste === 'yes') checks.push(pass('terminal.paste', 'bracketed paste', 'supported (the terminal says so): pasted text goes into the field, never read as keys'));
  else if (facts.bracketedPaste === 'no') checks.push(fail('terminal.paste', 'bracketed paste', 'the terminal says it does not support it: pasted text would be read as keys', 'paste only into an open text field, or use a terminal that supports it (xterm, tmux, kitty, foot, GNOME Terminal)'));
  else if (PASTE_TERMS.test(term)) checks.push(pass('terminal.paste', 'bracketed paste', `supported by ${term} terminals (this one did not answer the question)`));
  else checks.push(fail('terminal.paste', 'bracketed paste', `unknown for TERM=${term || 'unset'} (the terminal did not answer): pasted text may be read as keys`, 'paste only into an open text field, or use a terminal that supports it'));
  return checks;
}

function colourName(depth: number): string {
  if (depth >= 24) return '16 million colours';
  if (depth >= 8) return '256 colours';
  if (depth >= 4) return '16 colours';
  return '8 colours';
}
