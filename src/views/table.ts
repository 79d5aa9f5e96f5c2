// The plain text table every human listing of the CLI prints (`docker images`-like): sanitised cells,
// padded by display width, flex columns cut to fit the terminal.
import { sanitizeLine } from '../domain/sanitize';
import { displayWidth as stringWidth, fit as fitText } from '../domain/text';

export interface Column<T> {
  header: string;
  get: (row: T) => string;
  align?: 'left' | 'right';
  /** Allowed to shrink (with …) when the terminal is narrow. */
  flex?: boolean;
}

/** A plain text table: sanitised cells, padded by display width, flex columns cut to fit `width`. */
export function table<T>(rows: T[], columns: Column<T>[], width?: number): string[] {
  const cells = rows.map((row) => columns.map((c) => sanitizeLine(c.get(row))));
  // (No spread into Math.max: an argument list of 125,000+ cells overflows the stack.)
  const widths = columns.map((c, i) => cells.reduce((w, r) => Math.max(w, stringWidth(r[i] ?? '')), stringWidth(c.header)));
  if (width && width > 20) {
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1);
    let excess = total - width;
    for (let i = columns.length - 1; i >= 0 && excess > 0; i--) {
      if (!columns[i]?.flex) continue;
      const w = widths[i] ?? 0;
      const cut = Math.min(excess, Math.max(0, w - 12));
      widths[i] = w - cut;
      excess -= cut;
    }
  }
  const render = (values: string[]) =>
    values
      .map((v, i) => fit(v, widths[i] ?? 0, columns[i]?.align ?? 'left', i === values.length - 1))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)];
}

function fit(text: string, width: number, align: 'left' | 'right', last: boolean): string {
  const cell = fitText(text, width, align);
  return last ? cell.trimEnd() : cell;
}
