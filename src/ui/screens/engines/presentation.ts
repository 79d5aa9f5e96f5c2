// Pure presentation of the engines screen: one row per engine (cells), and what the state column says.
import { wrapText } from '../../../domain/prose';
import { type PriorityColumnSpec, layoutByPriority } from '../../../domain/text';
import type { EngineRow } from '../../services';

/** `20.10.24`, `checking…`, `not answering: why`. */
export function engineState(e: EngineRow, ellipsis = '…'): string {
  if (e.reachable === null) return `checking${ellipsis}`;
  if (e.reachable) return e.version ? `docker ${e.version}` : 'answers';
  return `not answering: ${e.error ?? 'unknown'}`;
}

export function engineCells(e: EngineRow, ellipsis = '…'): string[] {
  return [e.active ? '*' : '', e.name, e.source, e.host, engineState(e, ellipsis)];
}

export const ENGINE_HEADERS = ['', 'NAME', 'SOURCE', 'HOST', 'STATE'];

/**
 * The columns: the name and the address get what their content needs (an address cut keeps both ends,
 * `unix:///…/d.sock`); the state takes the rest.
 */
export const ENGINE_SPECS: PriorityColumnSpec[] = [
  { width: 1 },
  { width: 6, grow: 1, max: 24, priority: 1 },
  { width: 7 },
  { width: 16, grow: 2, max: 60, priority: 2, keep: 'middle' },
  { width: 16, grow: 3, priority: 3 },
];

export function engineWidths(rows: readonly EngineRow[], width: number, ellipsis = '…'): number[] {
  return layoutByPriority(ENGINE_SPECS, ENGINE_HEADERS, rows.map((r) => engineCells(r, ellipsis)), width);
}

/** Why the selected engine does not answer, whole and wrapped (the STATE column cuts it): at most `rows` lines. */
export function engineProblem(e: EngineRow | undefined, width: number, rows = 4, ellipsis = '…'): string[] {
  if (!e || e.reachable !== false) return [];
  const lines = wrapText(`${e.name}: ${engineState(e, ellipsis)}`, width, 2);
  return lines.length <= rows ? lines : [...lines.slice(0, rows - 1), `${lines[rows - 1] ?? ''}${ellipsis}`];
}
