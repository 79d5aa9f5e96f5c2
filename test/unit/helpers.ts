// Shared helpers for unit tests: temp dirs and an in-memory Io that records what a command prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach } from 'vitest';
import type { Io } from '../../src/commands/output';

const dirs: string[] = [];

/** A temp dir removed after the test. */
export function tempDir(prefix = 'stevedore-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface RecordingIo extends Io {
  out(): string;
  err(): string;
  /** Writes text to stdin and ends it. */
  feed(text: string): void;
}

export function recordingIo(env: NodeJS.ProcessEnv = {}, options: { tty?: boolean; columns?: number } = {}): RecordingIo {
  let out = '';
  let err = '';
  const stdin = new PassThrough();
  return {
    stdout: { write: (s: string) => ((out += s), true), isTTY: options.tty ?? false, columns: options.columns ?? 100 },
    stderr: { write: (s: string) => ((err += s), true), isTTY: options.tty ?? false, columns: options.columns ?? 100 },
    stdin: Object.assign(stdin, { isTTY: options.tty ?? false }),
    env,
    out: () => out,
    err: () => err,
    feed: (text) => stdin.end(text),
  };
}
