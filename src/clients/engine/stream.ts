// The engine's JSON-lines streams (pull progress): one JSON object per line, lines ending in \r\n.
import type { Readable } from 'node:stream';
import { BadResponse } from '../../domain/errors';

/** Yields each decoded line; a line that is not JSON is a BadResponse (the engine sent something unusable). */
export async function* jsonLines(stream: Readable): AsyncGenerator<unknown> {
  let buffer = '';
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield decode(line);
    }
  }
  const rest = buffer.trim();
  if (rest) yield decode(rest);
}

function decode(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new BadResponse(`the engine sent a progress line that is not JSON: ${line.slice(0, 120)}`);
  }
}
