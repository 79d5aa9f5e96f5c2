// Display-width-aware text fitting (CJK and emoji take two cells), shared by CLI tables and TUI rows.
import stringWidth from 'string-width';

/** Printable ASCII only: one cell per character (the common case, and 100,000-row tables need it fast). */
const PLAIN = /^[\x20-\x7e]*$/;

export function displayWidth(text: string): number {
  return PLAIN.test(text) ? text.length : stringWidth(text);
}

/** Cuts `text` to at most `width` cells, ending with `ellipsis` when cut. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const room = width - stringWidth(ellipsis);
  if (room <= 0) return ellipsis.slice(0, width);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > room) break;
    out += ch;
    used += w;
  }
  return out + ellipsis;
}

/** Pads (and cuts) `text` to exactly `width` cells. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', ellipsis = '…'): string {
  const t = truncate(text, width, ellipsis);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

export interface ColumnSpec {
  /** Minimum (and natural) width in cells. */
  width: number;
  /** Takes a share of the space left over (and gives it back first when short of room). */
  grow?: number;
  align?: 'left' | 'right';
  /** Which part of a cut cell is kept: its start (default), its end (`…5000/team/web`, for names) or both ends (`unix:///…/d.sock`). */
  keep?: 'start' | 'end' | 'middle';
}

/** A column laid out by `layoutByPriority`. */
export interface PriorityColumnSpec extends ColumnSpec {
  /** Widest it gets from its content. */
  max?: number;
  /** Lower numbers get their room first when the width is short (the name before the tags). */
  priority?: number;
  /** Left out (width 0) when even the minimum widths do not fit; highest priority number goes first. */
  optional?: boolean;
  /** Takes what is left when everyone is served (default: the last growing column). */
  fill?: boolean;
}

/** Column widths that fill `total` cells with `gap` between columns. */
export function layoutColumns(columns: ColumnSpec[], total: number, gap = 1): number[] {
  const widths = columns.map((c) => c.width);
  const used = widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, columns.length - 1);
  let spare = total - used;
  const growers = columns.map((c, i) => ({ i, g: c.grow ?? 0 })).filter((x) => x.g > 0);
  const sum = growers.reduce((a, x) => a + x.g, 0);
  if (spare > 0 && sum > 0) {
    let given = 0;
    growers.forEach((x, n) => {
      const share = n === growers.length - 1 ? spare - given : Math.floor((spare * x.g) / sum);
      widths[x.i] = (widths[x.i] ?? 0) + share;
      given += share;
    });
  } else if (spare < 0) {
    // Shrink growers first, then the others from the right, never below 3 cells.
    const order = [...growers.map((x) => x.i), ...columns.map((_, i) => i).reverse().filter((i) => !(columns[i]?.grow ?? 0))];
    for (const i of order) {
      if (spare >= 0) break;
      const w = widths[i] ?? 0;
      const cut = Math.min(-spare, Math.max(0, w - 3));
      widths[i] = w - cut;
      spare += cut;
    }
  }
  return widths;
}

/** One line of cells laid out by `layoutColumns` (a column of width 0 is left out, with its gap). */
export function renderColumns(cells: string[], widths: number[], columns: ColumnSpec[], gap = 1, ellipsis = '…'): string {
  const out: string[] = [];
  cells.forEach((cell, i) => {
    const w = widths[i] ?? 0;
    if (w <= 0) return;
    const spec = columns[i];
    const text = spec?.keep === 'end' ? truncateStart(cell, w, ellipsis) : spec?.keep === 'middle' ? truncateMiddle(cell, w, ellipsis) : cell;
    out.push(fit(text, w, spec?.align ?? 'left', ellipsis));
  });
  return out.join(' '.repeat(gap));
}

/** Cuts the start off `text` to fit `width` cells, keeping its end (`…5000/team/web`). */
export function truncateStart(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  const room = width - stringWidth(ellipsis);
  if (room <= 0) return ellipsis.slice(0, width);
  const chars = [...text];
  let end = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = stringWidth(chars[i] ?? '');
    if (used + w > room) break;
    end = (chars[i] ?? '') + end;
    used += w;
  }
  return ellipsis + end;
}

/**
 * Column widths from the content, shared by priority: fixed columns keep their natural width; when
 * room is short, optional columns are left out (highest priority number first) until the minimums fit,
 * then growing columns get their room in priority order (the name before the tags), each up to
 * what its content needs; what is left after everyone is served goes to the last growing column.
 */
export function layoutByPriority(columns: PriorityColumnSpec[], headers: string[], rows: string[][], total: number, gap = 1): number[] {
  const natural = columns.map((c, i) => {
    let w = Math.max(c.width, stringWidth(headers[i] ?? ''));
    for (const row of rows) w = Math.max(w, stringWidth(row[i] ?? ''));
    return Math.min(w, Math.max(c.width, c.max ?? Number.POSITIVE_INFINITY));
  });
  const shown = columns.map(() => true);
  // A growing column is never narrower than its header while the minimums fit (no `DESCRIPTI…`).
  const minOf = (i: number): number => (columns[i]?.grow ? Math.max(columns[i]?.width ?? 0, Math.min(natural[i] ?? 0, stringWidth(headers[i] ?? ''))) : (natural[i] ?? 0));
  const minTotal = (): number => {
    const on = columns.map((_, i) => i).filter((i) => shown[i]);
    return on.reduce((a, i) => a + minOf(i), 0) + gap * Math.max(0, on.length - 1);
  };
  const prio = (i: number): number => columns[i]?.priority ?? 100;
  const droppable = columns
    .map((c, i) => (c.optional ? i : -1))
    .filter((i) => i >= 0)
    .sort((a, b) => prio(b) - prio(a) || b - a);
  for (const i of droppable) {
    if (minTotal() <= total) break;
    shown[i] = false;
  }
  const serve = (): { widths: number[]; room: number; short: number | null } => {
    const widths = columns.map((_, i) => (shown[i] ? minOf(i) : 0));
    let room = total - minTotal();
    // The most important growing column that does not get all it needs.
    let short: number | null = null;
    for (const i of growersOf().sort((a, b) => prio(a) - prio(b) || a - b)) {
      const extra = Math.max(0, Math.min(room, (natural[i] ?? 0) - (widths[i] ?? 0)));
      widths[i] = (widths[i] ?? 0) + extra;
      room -= extra;
      if (short === null && (widths[i] ?? 0) < (natural[i] ?? 0)) short = prio(i);
    }
    return { widths, room, short };
  };
  const growersOf = (): number[] =>
    columns
      .map((c, i) => (c.grow && shown[i] ? i : -1))
      .filter((i) => i >= 0);
  let served = serve();
  // An optional column less important than a column that is cut gives its room to it.
  for (const i of droppable) {
    if (served.short === null || !shown[i] || prio(i) <= served.short) continue;
    shown[i] = false;
    served = serve();
  }
  const { widths, room } = served;
  const growers = growersOf();
  const last = growers.find((i) => columns[i]?.fill) ?? growers[growers.length - 1];
  if (room > 0 && last !== undefined) widths[last] = (widths[last] ?? 0) + room;
  if (room < 0) {
    // Even the minimums do not fit: the shown columns shrink (layoutColumns' rules).
    const on = columns.map((_, i) => i).filter((i) => shown[i]);
    const shrunk = layoutColumns(on.map((i) => ({ ...columns[i], width: widths[i] ?? 0 })), total, gap);
    on.forEach((i, n) => (widths[i] = shrunk[n] ?? 0));
  }
  return widths;
}

/**
 * Column widths from the content: every column gets what its widest cell needs (at least its spec
 * width, at most `max`); spare room goes to the growing columns, and when room is short the growing
 * columns give it back first, down to their spec width, then `layoutColumns` decides.
 */
export function layoutToContent(columns: (ColumnSpec & { max?: number })[], headers: string[], rows: string[][], total: number, gap = 1): number[] {
  const natural = columns.map((c, i) => {
    let w = Math.max(c.width, stringWidth(headers[i] ?? ''));
    for (const row of rows) w = Math.max(w, stringWidth(row[i] ?? ''));
    return Math.min(w, c.max ?? Number.POSITIVE_INFINITY);
  });
  const gaps = gap * Math.max(0, columns.length - 1);
  const need = natural.reduce((a, b) => a + b, 0) + gaps;
  if (need <= total) {
    // Everything fits: the last growing column takes the rest (it is usually free text).
    const widths = natural.slice();
    const last = columns.map((c, i) => (c.grow ? i : -1)).filter((i) => i >= 0).pop();
    if (last !== undefined) widths[last] = (widths[last] ?? 0) + (total - need);
    return widths;
  }
  // Short of room: fixed columns keep their natural width; growing columns share what is left in
  // proportion to how much more than their minimum they would like.
  const widths = natural.slice();
  const growers = columns.map((c, i) => (c.grow ? i : -1)).filter((i) => i >= 0);
  const fixed = columns.reduce((a, c, i) => a + (c.grow ? 0 : (natural[i] ?? 0)), 0) + gaps;
  const mins = growers.map((i) => columns[i]?.width ?? 0);
  let room = total - fixed - mins.reduce((a, b) => a + b, 0);
  if (room < 0) return layoutColumns(columns.map((c, i) => ({ ...c, width: natural[i] ?? c.width })), total, gap);
  const wants = growers.map((i, n) => Math.max(0, (natural[i] ?? 0) - (mins[n] ?? 0)));
  const wantSum = wants.reduce((a, b) => a + b, 0);
  growers.forEach((i, n) => {
    const share = wantSum === 0 ? 0 : Math.min(wants[n] ?? 0, Math.floor((room * (wants[n] ?? 0)) / wantSum));
    widths[i] = (mins[n] ?? 0) + share;
  });
  room -= growers.reduce((a, i, n) => a + ((widths[i] ?? 0) - (mins[n] ?? 0)), 0);
  for (const i of growers) {
    if (room <= 0) break;
    const extra = Math.min(room, (natural[i] ?? 0) - (widths[i] ?? 0));
    if (extra > 0) {
      widths[i] = (widths[i] ?? 0) + extra;
      room -= extra;
    }
  }
  return widths;
}

/** Cuts the middle out of `text` to fit `width` cells, keeping its start and its end (`registry…/app:1.0`). */
export function truncateMiddle(text: string, width: number, ellipsis = '…'): string {
  if (stringWidth(text) <= width) return text;
  const chars = [...text];
  const room = width - stringWidth(ellipsis);
  if (room <= 1) return truncate(text, width, ellipsis);
  const tail = Math.ceil(room * 0.6);
  let end = '';
  let endWidth = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = stringWidth(chars[i] ?? '');
    if (endWidth + w > tail) break;
    end = (chars[i] ?? '') + end;
    endWidth += w;
  }
  return truncate(text, room - endWidth, '') + ellipsis + end;
}


/**
 * The part of a one-line field's value to show in `width` cells with the cursor at `at` (a character index;
 * `at` = the length puts it after the last character, in a cell of its own): the cursor always in view, an
 * `ellipsis` on each side that is cut. One cell per character (what a field holds: names, URLs, paths, masks).
 */
export function fieldWindow(value: string, at: number, width: number, ellipsis = '…'): { before: string; cursor: string; after: string; lead: string; tail: string } {
  const chars = [...value];
  const cursorAt = Math.max(0, Math.min(at, chars.length));
  const cells = cursorAt === chars.length ? [...chars, ' '] : chars;
  const ell = [...ellipsis].length;
  let start = 0;
  let end = cells.length;
  if (cells.length > width) {
    if (cursorAt < width - ell) end = width - ell;
    else if (cells.length - cursorAt <= width - ell) start = cells.length - (width - ell);
    else {
      // In the middle: the cursor at the right end of the window, an ellipsis on both sides.
      const room = Math.max(1, width - 2 * ell);
      start = cursorAt - room + 1;
      end = cursorAt + 1;
    }
  }
  return {
    lead: start > 0 ? ellipsis : '',
    before: cells.slice(start, cursorAt).join(''),
    cursor: cells[cursorAt] ?? ' ',
    after: cells.slice(cursorAt + 1, end).join(''),
    tail: end < cells.length ? ellipsis : '',
  };
}
