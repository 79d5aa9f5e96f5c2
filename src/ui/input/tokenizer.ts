// The keystroke layer's first half (DESIGN.md "Keyboard over SSH"): the bytes of the terminal, in
// whatever reads they arrive, become keys, one per keystroke. Over SSH one read often holds several
// keystrokes (`5/web\r`, `jjj`), so a read is never one key: text is split by code point, `\r` is
// Enter, `\t` Tab, 0x7f/0x08 Backspace, CSI and SS3 sequences stay whole. A lone Esc at the end of
// what has arrived may be the start of a sequence: the caller waits `escapeMs` and then calls
// `flush()`. Esc followed by a printable key is Esc, then that key (the app has no Alt bindings).
// Bracketed paste (`ESC[200~ … ESC[201~`) becomes one paste event, however many reads it takes.
import type { KeyName } from '../keys/bindings';

export type KeyEvent =
  /**
   * `text` is the character a text field inserts ('' for keys that are not text); `raw` the bytes
   * the key came as (the key trace shows them).
   */
  | { kind: 'key'; name: KeyName; text: string; raw?: string }
  | { kind: 'paste'; text: string };

const ESC = '\u001b';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

/** Control characters (C0) that are keys; the others (ctrl+letter) are named `ctrl+x`. */
const C0: Record<number, KeyName> = {
  0x0d: 'enter',
  0x0a: 'enter',
  0x09: 'tab',
  0x7f: 'backspace',
  0x08: 'backspace',
};

/** CSI final byte (no parameters or `1;mod`) → key. */
const CSI_FINAL: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  Z: 'shift+tab',
};

/** `CSI n ~` → key. */
const CSI_TILDE: Record<string, KeyName> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '3': 'delete',
  '5': 'pageup',
  '6': 'pagedown',
};

function key(name: KeyName, text = '', raw?: string): KeyEvent {
  return raw === undefined ? { kind: 'key', name, text } : { kind: 'key', name, text, raw };
}

/** A C0 control character or DEL as a key (undefined: not a key we know, dropped). */
function controlKey(code: number): KeyEvent | undefined {
  const raw = String.fromCharCode(code);
  const named = C0[code];
  if (named) return key(named, '', raw);
  if (code >= 0x01 && code <= 0x1a) return key(`ctrl+${String.fromCharCode(code + 0x60)}`, '', raw);
  return undefined;
}

/** The key of a whole CSI sequence (`ESC [ params final`), or undefined for ones we do not use. */
function csiKey(params: string, final: string): KeyName | undefined {
  if (final === '~') return CSI_TILDE[params.split(';')[0] ?? ''];
  // Modifiers (`1;5A`, ctrl+up) are ignored: the app binds no modified arrows.
  if (params !== '' && !/^1(;\d+)?$/.test(params)) return undefined;
  return CSI_FINAL[final];
}

export interface TokenizerState {
  /** 'escape': an Esc (or an unfinished sequence) waits for more bytes; 'paste': inside a bracketed paste. */
  pending: 'none' | 'escape' | 'paste';
}

export class KeyTokenizer {
  /** Bytes not decided yet: an unfinished escape sequence, or a possible start of the paste-end marker. */
  private buffer = '';
  /** Text of the bracketed paste under way (null: not in a paste). */
  private paste: string | null = null;

  get pending(): TokenizerState['pending'] {
    if (this.paste !== null) return 'paste';
    return this.buffer === '' ? 'none' : 'escape';
  }

  push(chunk: string): KeyEvent[] {
    const data = this.buffer + chunk;
    this.buffer = '';
    const out: KeyEvent[] = [];
    let i = 0;
    while (i < data.length) {
      if (this.paste !== null) {
        const end = data.indexOf(PASTE_END, i);
        if (end === -1) {
          // Keep a tail that may be the start of the end marker split across reads.
          let keep = 0;
          for (let n = Math.min(PASTE_END.length - 1, data.length - i); n > 0; n--) {
            if (PASTE_END.startsWith(data.slice(data.length - n))) {
              keep = n;
              break;
            }
          }
          this.paste += data.slice(i, data.length - keep);
          this.buffer = data.slice(data.length - keep);
          return out;
        }
        out.push({ kind: 'paste', text: this.paste + data.slice(i, end) });
        this.paste = null;
        i = end + PASTE_END.length;
        continue;
      }
      const code = data.codePointAt(i) ?? 0;
      if (code === 0x1b) {
        const next = data[i + 1];
        if (next === undefined) {
          this.buffer = data.slice(i);
          return out;
        }
        if (next === '[') {
          // CSI: parameter bytes 0x30–0x3f, intermediate bytes 0x20–0x2f, one final byte 0x40–0x7e.
          let j = i + 2;
          while (j < data.length && /[\u0030-\u003f\u0020-\u002f]/.test(data[j] ?? '')) j++;
          if (j >= data.length) {
            this.buffer = data.slice(i);
            return out;
          }
          const final = data[j] ?? '';
          if (final >= '\u0040' && final <= '\u007e') {
            const params = data.slice(i + 2, j);
            const sequence = data.slice(i, j + 1);
            i = j + 1;
            if (sequence === PASTE_START) {
              this.paste = '';
              continue;
            }
            const name = csiKey(params, final);
            if (name) out.push(key(name, '', sequence));
            continue;
          }
          // Not a sequence after all: Esc, then the rest as keys.
          out.push(key('escape', '', ESC));
          i += 1;
          continue;
        }
        if (next === 'O') {
          const final = data[i + 2];
          if (final === undefined) {
            this.buffer = data.slice(i);
            return out;
          }
          const name = CSI_FINAL[final];
          if (name) {
            out.push(key(name, '', data.slice(i, i + 3)));
            i += 3;
            continue;
          }
          if (final >= '\u0040' && final <= '\u007e') {
            i += 3; // F1–F4 and the like: not bound
            continue;
          }
        }
        // Esc followed by anything else (a printable key, another Esc): Esc, then that key.
        out.push(key('escape', '', ESC));
        i += 1;
        continue;
      }
      const ch = String.fromCodePoint(code);
      i += ch.length;
      if (code < 0x20 || code === 0x7f) {
        // `\r\n` (a pasted line ending from a terminal without bracketed paste) is one Enter.
        if (code === 0x0d && data[i] === '\n') i += 1;
        const k = controlKey(code);
        if (k) out.push(k);
        continue;
      }
      if (code >= 0x80 && code <= 0x9f) continue; // C1 controls: never text
      out.push(ch === ' ' ? key('space', ' ', ch) : key(ch, ch, ch));
    }
    return out;
  }

  /**
   * The wait is over: an Esc still waiting is a lone Esc (and what followed it, keys); a paste whose
   * end marker never came ends here with what arrived.
   */
  flush(): KeyEvent[] {
    if (this.paste !== null) {
      const text = this.paste + this.buffer;
      this.paste = null;
      this.buffer = '';
      return [{ kind: 'paste', text }];
    }
    const rest = this.buffer;
    this.buffer = '';
    if (rest === '') return [];
    return [key('escape', '', ESC), ...this.push(rest.slice(1))];
  }
}

/** How long a lone Esc waits: the setting, else 50 ms, or 150 ms over SSH (keys arrive later there). */
export function escapeTimeout(setting: number, env: NodeJS.ProcessEnv): number {
  if (setting > 0) return setting;
  return env.SSH_CONNECTION || env.SSH_TTY ? 150 : 50;
}

/** A paste whose end marker does not come within this long ends with what arrived. */
export const PASTE_TIMEOUT_MS = 3000;
