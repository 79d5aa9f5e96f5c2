// How a one-shot command speaks (DESIGN.md "Exit codes, streams, errors"): the result on stdout
// (a table for people, JSON with --json), warnings and errors on stderr in human mode, and in
// --json mode errors as `{"error": {"code", "message"}}` on stdout. Remote text is sanitised.
import { AppError, UsageError, fileSystemFault, isCancellation } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';

export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ReadableLike {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners?(event?: string): unknown;
  pause?(): unknown;
  resume?(): unknown;
  setEncoding?(encoding: BufferEncoding): unknown;
}

export interface Io {
  stdout: WritableLike;
  stderr: WritableLike;
  stdin: ReadableLike;
  env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, error: 1, usage: 2, cancelled: 130 } as const;

/** Collects warnings; in human mode they are printed as they come. */
export class Warnings {
  readonly list: string[] = [];
  private override: ((message: string) => void) | null = null;
  constructor(private readonly sink?: (message: string) => void) {}
  add = (message: string): void => {
    const line = sanitizeLine(message);
    if (this.override) return this.override(line);
    if (this.list.includes(line)) return;
    this.list.push(line);
    this.sink?.(line);
  };
  /** Sends warnings somewhere else for a while (the full-screen app shows them in its banner). */
  redirect(sink: ((message: string) => void) | null): void {
    this.override = sink;
  }
}

export class Output {
  constructor(
    readonly io: Io,
    readonly json: boolean,
    readonly warnings: Warnings,
  ) {}

  /** Prints a JSON value; objects get the warnings collected so far (when there are any, or `withWarnings`). */
  result(value: unknown, human: () => string | string[], options: { withWarnings?: boolean } = {}): void {
    if (this.json) {
      let out = value;
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && (options.withWarnings || this.warnings.list.length > 0)) {
        out = { ...(value as Record<string, unknown>), warnings: this.warnings.list };
      } else if (Array.isArray(value) && this.warnings.list.length > 0) {
        // A list has no room for warnings: they go to stderr, where they do not break the JSON.
        for (const w of this.warnings.list) this.io.stderr.write(`warning: ${w}\n`);
      }
      this.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    if (lines.length > 0) this.io.stdout.write(`${lines.join('\n')}\n`);
  }

  /** One JSON line (streams such as `image pull --json`). */
  jsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  info(line: string): void {
    if (!this.json) this.io.stderr.write(`${line}\n`);
  }
}

/** Turns an error into the output of DESIGN.md and returns the exit code. */
export function reportError(io: Io, json: boolean, caught: unknown): number {
  // A full or read-only disk, a folder without permission: a fault to name, not a bug.
  const error = caught instanceof AppError ? caught : (fileSystemFault(caught) ?? caught);
  if (isCancellation(error)) {
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: 499, message: 'cancelled' } })}\n`);
    else io.stderr.write('cancelled\n');
    return EXIT.cancelled;
  }
  if (error instanceof AppError) {
    if (json) io.stdout.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
    else io.stderr.write(`error: ${error.describe()}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.error;
  }
  // A real bug: say so in one line; the stack only on request.
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.stdout.write(`${JSON.stringify({ error: { code: 500, message: `unexpected error: ${sanitizeLine(message)}` } })}\n`);
  else io.stderr.write(`error: unexpected error: ${sanitizeLine(message)} (this is a bug; STEVEDORE_DEBUG=1 shows details)\n`);
  if (io.env.STEVEDORE_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.error;
}
