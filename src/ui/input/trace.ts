// The key trace (`STEVEDORE_DEBUG_KEYS=FILE`): one JSON line per read of the terminal and per key
// offered to the layers, with the layer that decided, its command and the outcome, so that a key
// that "did nothing" can be explained afterwards (gemini-cli's keystroke debug log). Text that went
// into a field is not written (it may be a password): only that a field took a key.
import type { CommandId } from '../keys/bindings';
import type { KeyEvent } from './tokenizer';

export type TraceOutcome = 'done' | 'text' | 'held' | 'disabled' | 'refused' | 'dropped' | 'none';

export type TraceEntry =
  /** A read of the terminal: its number and its bytes (printable text shown as its length only). */
  | { ev: 'read'; read: number; bytes: string }
  /** One key offered to the layers. */
  | { ev: 'key'; read: number; key: string; raw?: string; layer?: string; command?: CommandId; outcome: TraceOutcome; reason?: string }
  /** A question that takes only fresh keys was drawn (frame number). */
  | { ev: 'drawn'; frame: number }
  /** The whole app went idle or busy (what it waits on). */
  | { ev: 'idle' | 'busy'; why?: string };

export type TraceSink = (entry: TraceEntry & { t: number }) => void;

/** A read's bytes for the trace: escape sequences and control keys as they are, runs of text as `text(N)`. */
export function traceBytes(data: string): string {
  return data.replace(/[^\u0000-\u001f\u007f]+/g, (run) => `text(${[...run].length})`);
}

/** A key for the trace; what a field took is not shown. */
export function traceKey(event: KeyEvent, outcome: TraceOutcome): { key: string; raw?: string } {
  if (event.kind === 'paste') return { key: `paste(${[...event.text].length})` };
  if (outcome === 'text' || outcome === 'dropped') return { key: event.text !== '' ? 'text' : event.name };
  return event.raw === undefined ? { key: event.name } : { key: event.name, raw: event.raw };
}
