// A download record as it crosses the worker socket or comes back from the history file, narrowed by valibot
// schemas: what does not fit (no id, an unknown status) is dropped, a field of the wrong type reads as unknown.
// Its text is cleaned of terminal controls and folded to one line: names, errors and details are shown to
// people, and a history file is only as trustworthy as whatever last wrote it.
import * as v from 'valibot';
import { AppError, type ErrorCode } from '../../domain/errors';
import type { DownloadSnapshot, DownloadStatus } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';

/** A download as the worker reports it: the domain snapshot plus the typed error code of a failure. */
export interface DownloadRecord extends DownloadSnapshot {
  errorCode: ErrorCode | null;
}

const STATUSES: readonly DownloadStatus[] = ['waiting', 'downloading', 'extracting', 'complete', 'failed', 'cancelled'];
const ERROR_CODES: readonly ErrorCode[] = [400, 401, 403, 404, 409, 429, 495, 499, 501, 502, 503, 504];
/** Longest text kept from a record (an error message is one line; anything longer is cut). */
const MAX_TEXT = 2000;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const object = <T extends v.ObjectEntries>(entries: T) => v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object(entries));
/** A string as one clean line. */
const line = v.pipe(
  v.string(),
  v.transform((s) => sanitizeLine(s.slice(0, MAX_TEXT))),
);
const lineOrNull = v.fallback(v.nullable(line), null);
const numberOrNull = v.fallback(v.nullable(v.pipe(v.number(), v.finite())), null);
/** An ISO date-time as written by the worker (anything else is not kept). */
const time = v.fallback(
  v.nullable(
    v.pipe(
      v.string(),
      v.maxLength(40),
      v.check((s) => !Number.isNaN(Date.parse(s))),
      v.transform((s) => sanitizeLine(s)),
    ),
  ),
  null,
);

const Layer = object({ id: line, status: line, current: numberOrNull, total: numberOrNull });

const Record_ = object({
  id: v.pipe(line, v.minLength(1)),
  name: line,
  ref: line,
  platform: lineOrNull,
  status: v.picklist(STATUSES),
  percent: v.fallback(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))), null),
  detail: v.fallback(line, ''),
  current: numberOrNull,
  total: numberOrNull,
  unsized: v.fallback(v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))), undefined),
  speed: numberOrNull,
  eta: numberOrNull,
  layers: v.fallback(
    v.pipe(
      v.array(v.unknown()),
      v.transform((items) => items.flatMap((item) => {
        const layer = v.safeParse(Layer, item);
        return layer.success ? [layer.output] : [];
      })),
    ),
    [],
  ),
  error: lineOrNull,
  errorCode: v.fallback(v.nullable(v.picklist(ERROR_CODES)), null),
  digest: lineOrNull,
  startedAt: time,
  finishedAt: time,
});

/** A download record, or null when it is not one. */
export function parseRecord(value: unknown): DownloadRecord | null {
  const result = v.safeParse(Record_, value);
  if (!result.success) return null;
  const { unsized, startedAt, ...r } = result.output;
  return { ...r, ...(unsized !== undefined ? { unsized } : {}), startedAt: startedAt ?? new Date(0).toISOString() };
}

const WorkerFailure = v.object({
  code: v.fallback(v.picklist(ERROR_CODES), 502),
  message: v.fallback(v.string(), 'the download worker failed'),
});

/** The error a worker answered with (`{code, message}`), typed; anything else is a 502. */
export function workerError(value: unknown): AppError {
  const parsed = v.safeParse(WorkerFailure, isRecord(value) ? value : {});
  const { code, message } = parsed.success ? parsed.output : { code: 502 as const, message: 'the download worker failed' };
  return new AppError(code, message);
}
