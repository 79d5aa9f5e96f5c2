// Running text for a terminal: wrapped to a width with hanging indents, and in ASCII for a terminal that is
// not UTF-8. Column layout (fitting cells, sharing widths) is in text.ts.
import { displayWidth } from './text';

/** Printable ASCII only. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * `text` as lines of at most `width` cells, broken at spaces (a word longer than a line is cut where it must).
 * Each line of `text` keeps its own indent on its continuation lines, plus `hang` cells (`hang: 2` under
 * `x 192.0.2.2: …` lines the text up after the mark).
 */
export function wrapText(text: string, width: number, hang = 0): string[] {
  const out: string[] = [];
  const room = Math.max(1, width);
  for (const paragraph of text.split('\n')) {
    const indent = /^\s*/.exec(paragraph)?.[0] ?? '';
    const words = paragraph.slice(indent.length).split(' ');
    // Continuation lines start here; an indent that leaves no room for text is dropped.
    const next = indent + ' '.repeat(hang);
    const lead = displayWidth(next) < room / 2 ? next : '';
    let line = indent;
    let fresh = true;
    const flush = () => {
      out.push(line.trimEnd());
      line = lead;
      fresh = true;
    };
    for (const word of words) {
      const sep = fresh ? '' : ' ';
      if (displayWidth(line) + displayWidth(sep) + displayWidth(word) <= room) {
        line += sep + word;
        fresh = false;
        continue;
      }
      // A word that fits a line of its own goes to the next one; a longer one starts here.
      if (!fresh && displayWidth(lead) + displayWidth(word) <= room) flush();
      else line += sep;
      // A word too long for a line of its own: as much as fits on each line.
      let rest = word;
      while (displayWidth(line) + displayWidth(rest) > room) {
        const fit = room - displayWidth(line);
        let head = '';
        for (const ch of rest) {
          if (displayWidth(head + ch) > fit) break;
          head += ch;
        }
        if (!head) head = [...rest][0] ?? '';
        line += head;
        rest = rest.slice(head.length);
        flush();
      }
      line += rest;
      fresh = rest.length === 0;
    }
    out.push(line.trimEnd());
  }
  return out;
}

const ASCII_PUNCTUATION: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '–': '-',
  '—': '-',
  '−': '-',
  '…': '...',
  '•': '*',
  '·': '.',
  '×': 'x',
  '→': '->',
  '←': '<-',
  '\u00a0': ' ',
};

/**
 * `text` in printable ASCII, for a terminal that is not UTF-8: typographic punctuation as its ASCII form,
 * accents dropped (`café` -> `cafe`), anything else as `?` (one per character, so widths stay predictable).
 */
export function asciiText(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (/[\x20-\x7e]/.test(ch)) out += ch;
    else if (ASCII_PUNCTUATION[ch] !== undefined) out += ASCII_PUNCTUATION[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(base) ? base : '?';
    }
  }
  return out;
}
