// Pure presentation of the engines screen: one row per engine (cells), and what the state column says.
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
