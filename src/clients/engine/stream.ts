// The engine's JSON-lines streams (pull progress, events): one JSON object per line, lines ending in \r\n.
// Bytes are decoded with a StringDecoder, so a character split across two reads stays one character.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { BadResponse } from '../../domain/errors';

const MAX_LINE = 1 << 20;

/**
 * Yields each decoded line; a line that is not JSON is a BadResponse (the engine sent something unusable),
 * or skipped with `skipInvalid`. A line longer than 1 MiB is dropped.
 */
export async function* jsonLines(stream: Readable, options: { skipInvalid?: boolean } = {}): AsyncGenerator<unknown> {
  let buffer = '';
  const decoder = new StringDecoder('utf8');
  const decodeLine = (line: string): { ok: boolean; value: unknown } => {
    try {
      return { ok: true, value: JSON.parse(line) };
    } catch {
      if (options.skipInvalid) return { ok: false, value: undefined };
      throw new BadResponse(`the engine sent a progress line that is not JSON: ${line.slice(0, 120)}`);
    }
  };
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line) continue;
      const d = decodeLine(line);
      if (d.ok) yield d.value;
    }
    if (buffer.length > MAX_LINE) buffer = '';
  }
  const rest = (buffer + decoder.end()).trim();
  if (rest) {
    const d = decodeLine(rest);
    if (d.ok) yield d.value;
  }
}
