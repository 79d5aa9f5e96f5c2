// Typed errors. Every failure a user can cause or meet becomes one of these, with a one-line
// message that says what happened and, where there is one, a hint that says what to do next.
import { redactReference, sanitizeLine } from './sanitize';

// Codes follow DESIGN.md "Exit codes, streams, errors" (HTTP-like numbers).

export type ErrorCode = 400 | 401 | 403 | 404 | 409 | 429 | 495 | 499 | 501 | 502 | 503 | 504;

export interface AppErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint === undefined ? undefined : oneLine(options.hint);
  }

  /** The message and the hint, as one line. */
  describe(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.describe() };
  }
}

/**
 * An engine being saved (`engine add`, the app's engine form) did not answer as an engine: not saved. The
 * code is the failure's own (503 unreachable, 504 timed out, 502 not an engine…); `--force` (the form's
 * "save anyway") saves it all the same.
 */
export class EngineNotAnswering extends AppError {}

export class InvalidInput extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(400, message, options);
  }
}

/** A command line that asks for something the grammar has not got (a missing argument, an unknown verb): exit 2. */
export class UsageError extends InvalidInput {}

/** A string that is not an image reference. `reason` is the upstream Go error name (ErrNameContainsUppercase…). */
export class InvalidReference extends InvalidInput {
  readonly reason: string;
  readonly input: string;
  constructor(input: string, reason: string, detail: string) {
    // Credentials typed into a reference (`user:pass@host/app`) are not echoed.
    const shown = redactReference(input);
    super(`invalid reference "${shown}": ${detail}`);
    this.reason = reason;
    this.input = shown;
  }
}

export class Unauthorized extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(401, message, options);
  }
}

export class Forbidden extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(403, message, options);
  }
}

export class NotFound extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(404, message, options);
  }
}

export class Conflict extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(409, message, options);
  }
}

export class RateLimited extends AppError {
  /** Seconds until a retry may succeed, when the server said. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, retryAfterSeconds?: number, options?: AppErrorOptions) {
    super(429, message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UntrustedCertificate extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(495, message, options);
  }
}

/** The user (or a signal) stopped the operation. Exit 130 on the CLI. */
export class Cancelled extends AppError {
  constructor(message = 'cancelled', options?: AppErrorOptions) {
    super(499, message, options);
  }
}

export class NotSupported extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(501, message, options);
  }
}

/** The registry or engine answered something unusable: HTML, truncated JSON, a 5xx. */
export class BadResponse extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(502, message, options);
  }
}

export class Unreachable extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(503, message, options);
  }
}

export class TimedOut extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(504, message, options);
  }
}

const FS_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'an input/output error',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'a symbolic link is in the way',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * A file-system fault (a full or read-only disk, no permission) as a one-line error naming the folder and
 * the cause (exit 1; not reported as a bug); undefined for other errors.
 */
export function fileSystemFault(error: unknown, folder?: string): AppError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const cause = code ? FS_CAUSES[code] : undefined;
  if (!cause) return undefined;
  const where = folder ?? (typeof e?.path === 'string' ? e.path : undefined);
  return new Unreachable(`cannot write ${where ? `in ${where}` : 'the settings'}: ${cause} (${code})`, {
    hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and try again; nothing was changed' : 'check the folder and its permissions; nothing was changed',
    cause: error,
  });
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A failure as one clean line: an AppError's own description, else the error's message without controls. */
export function describeError(error: unknown): string {
  return isAppError(error) ? error.describe() : sanitizeLine(error instanceof Error ? error.message : String(error));
}

/** True for an AbortError / Cancelled, however it was raised. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof Cancelled) return true;
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

/** Collapses a message to one line (errors are printed as `error: …`) and strips terminal controls. */
function oneLine(text: string): string {
  return sanitizeLine(text);
}
