// Renders a terminal capture with SGR colour codes (`tmux capture-pane -e -p`) as an SVG image: one cell per
// character (two for wide ones), runs of one style as one <tspan> placed at its column, backgrounds as <rect>s.
// Handles what tmux emits: reset, bold, dim, italic, underline, inverse, the 8/16 colours, 256 colours and RGB.
import stringWidth from 'string-width';

export interface SvgOptions {
  /** Terminal size in cells; lines beyond are cut, missing ones are blank. */
  columns: number;
  rows: number;
  /** Shown in a title bar above the screen (omit for none). */
  title?: string;
  fontSize?: number;
}

interface Style {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

interface Cell {
  ch: string;
  width: number;
  style: Style;
}

const DEFAULT_FG = '#d4d4d4';
const DEFAULT_BG = '#1e1e1e';
/** The 16 ANSI colours (a dark scheme close to common terminal defaults). */
const ANSI16 = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff',
];

const plain = (): Style => ({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false });

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** xterm's 256-colour palette. */
export function color256(n: number): string {
  if (n < 16) return ANSI16[n] ?? DEFAULT_FG;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    return `#${hex(level(Math.floor(i / 36)))}${hex(level(Math.floor(i / 6) % 6))}${hex(level(i % 6))}`;
  }
  const gray = 8 + (n - 232) * 10;
  return `#${hex(gray)}${hex(gray)}${hex(gray)}`;
}

/** Applies one SGR sequence's parameters to a style. */
function applySgr(style: Style, params: number[]): Style {
  const s = { ...style };
  if (params.length === 0) return plain();
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) Object.assign(s, plain());
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = ANSI16[p - 30] ?? null;
    else if (p === 39) s.fg = null;
    else if (p >= 40 && p <= 47) s.bg = ANSI16[p - 40] ?? null;
    else if (p === 49) s.bg = null;
    else if (p >= 90 && p <= 97) s.fg = ANSI16[p - 90 + 8] ?? null;
    else if (p >= 100 && p <= 107) s.bg = ANSI16[p - 100 + 8] ?? null;
    else if (p === 38 || p === 48) {
      const mode = params[i + 1];
      let colour: string | null = null;
      if (mode === 5) {
        colour = color256(params[i + 2] ?? 0);
        i += 2;
      } else if (mode === 2) {
        colour = `#${hex(params[i + 2] ?? 0)}${hex(params[i + 3] ?? 0)}${hex(params[i + 4] ?? 0)}`;
        i += 4;
      }
      if (p === 38) s.fg = colour;
      else s.bg = colour;
    }
  }
  return s;
}

/** The capture as rows of cells. Escape sequences other than SGR are dropped. */
export function parseAnsi(text: string, columns: number, rows: number): Cell[][] {
  const lines = text.replace(/\r/g, '').split('\n');
  const grid: Cell[][] = [];
  let style = plain();
  for (let r = 0; r < rows; r++) {
    const line = lines[r] ?? '';
    const row: Cell[] = [];
    let width = 0;
    const tokens = line.match(/\u001b\[[0-9;:]*[A-Za-z]|\u001b[^[]|[^\u001b]/gu) ?? [];
    for (const token of tokens) {
      if (token.startsWith('\u001b[')) {
        if (token.endsWith('m')) style = applySgr(style, token.slice(2, -1).split(/[;:]/).filter((x) => x !== '').map(Number));
        continue;
      }
      if (token.startsWith('\u001b')) continue;
      const w = stringWidth(token);
      if (w === 0) {
        const last = row[row.length - 1];
        if (last) last.ch += token;
        continue;
      }
      if (width + w > columns) break;
      row.push({ ch: token, width: w, style });
      width += w;
    }
    grid.push(row);
  }
  return grid;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function colours(style: Style): { fg: string; bg: string | null } {
  let fg = style.fg ?? DEFAULT_FG;
  let bg = style.bg;
  if (style.inverse) {
    const swapped = bg ?? DEFAULT_BG;
    bg = fg;
    fg = swapped;
  }
  return { fg, bg };
}

export function renderSvg(capture: string, options: SvgOptions): string {
  const fontSize = options.fontSize ?? 14;
  const cw = fontSize * 0.6;
  const lh = Math.round(fontSize * 1.3);
  const pad = 12;
  const bar = options.title ? 28 : 0;
  const width = Math.ceil(options.columns * cw + pad * 2);
  const height = Math.ceil(options.rows * lh + pad * 2 + bar);
  const grid = parseAnsi(capture, options.columns, options.rows);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="${fontSize}">`);
  out.push(`<rect width="${width}" height="${height}" rx="8" fill="${DEFAULT_BG}"/>`);
  if (options.title) {
    out.push(`<rect width="${width}" height="${bar}" rx="8" fill="#323233"/><rect y="${bar - 8}" width="${width}" height="8" fill="#323233"/>`);
    ['#ff5f57', '#febc2e', '#28c840'].forEach((c, i) => out.push(`<circle cx="${pad + 6 + i * 20}" cy="${bar / 2}" r="6" fill="${c}"/>`));
    out.push(`<text x="${width / 2}" y="${bar / 2 + 4}" fill="#999999" text-anchor="middle" font-size="${fontSize - 2}">${escapeXml(options.title)}</text>`);
  }
  grid.forEach((row, r) => {
    const y = pad + bar + r * lh;
    // Backgrounds: runs of one colour.
    let col = 0;
    let run: { start: number; end: number; bg: string } | null = null;
    const flushBg = (): void => {
      if (run) out.push(`<rect x="${(pad + run.start * cw).toFixed(1)}" y="${y}" width="${((run.end - run.start) * cw).toFixed(1)}" height="${lh}" fill="${run.bg}"/>`);
      run = null;
    };
    for (const cell of row) {
      const { bg } = colours(cell.style);
      if (bg && run && run.bg === bg && run.end === col) run.end += cell.width;
      else {
        flushBg();
        if (bg) run = { start: col, end: col + cell.width, bg };
      }
      col += cell.width;
    }
    flushBg();
    // Text: runs of one style, each placed at its column so nothing drifts.
    const spans: string[] = [];
    col = 0;
    let text = '';
    let start = 0;
    let key = '';
    let attrs = '';
    const flush = (): void => {
      if (text.trim() !== '') spans.push(`<tspan x="${(pad + start * cw).toFixed(1)}"${attrs}>${escapeXml(text)}</tspan>`);
      text = '';
    };
    for (const cell of row) {
      const { fg } = colours(cell.style);
      const s = cell.style;
      const k = `${fg}|${s.bold}|${s.dim}|${s.italic}|${s.underline}`;
      if (k !== key || cell.width !== 1) {
        flush();
        key = cell.width === 1 ? k : '';
        start = col;
        attrs = `${fg !== DEFAULT_FG ? ` fill="${fg}"` : ''}${s.bold ? ' font-weight="bold"' : ''}${s.dim ? ' fill-opacity="0.6"' : ''}${s.italic ? ' font-style="italic"' : ''}${s.underline ? ' text-decoration="underline"' : ''}`;
      }
      text += cell.ch;
      col += cell.width;
    }
    flush();
    if (spans.length > 0) out.push(`<text y="${y + Math.round(lh * 0.78)}" fill="${DEFAULT_FG}" xml:space="preserve">${spans.join('')}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
