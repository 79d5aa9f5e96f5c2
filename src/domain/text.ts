// Display-width-aware text fitting (CJK and emoji take two cells), shared by CLI tables and TUI rows.
import stringWidth from 'string-width';

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Cuts `text` to at most `width` cells, ending with `ellipsis` when cut. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
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
  const pad = ' '.repeat(Math.max(0, width - stringWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

export interface ColumnSpec {
  /** Minimum (and natural) width in cells. */
  width: number;
  /** Takes a share of the space left over (and gives it back first when short of room). */
  grow?: number;
  align?: 'left' | 'right';
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

/** One line of cells laid out by `layoutColumns`. */
export function renderColumns(cells: string[], widths: number[], columns: ColumnSpec[], gap = 1, ellipsis = '…'): string {
  return cells.map((cell, i) => fit(cell, widths[i] ?? 0, columns[i]?.align ?? 'left', ellipsis)).join(' '.repeat(gap));
}
