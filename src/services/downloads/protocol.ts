// The download worker's protocol: newline-delimited JSON over a unix socket in the settings directory.
// Every message carries `v` (PROTOCOL_VERSION). Requests: {v, id, op, ...}; replies: {v, re, ok, result}
// or {v, re, ok: false, error: {code, message}}; pushed updates: {v, event: "update", downloads: [...]}.
// No secret crosses the socket: the worker resolves credentials itself (same user, same settings).
import { StringDecoder } from 'node:string_decoder';
import type { ErrorCode } from '../../domain/errors';
import { ACTIVE_STATUSES as ACTIVE, type DownloadSnapshot, type DownloadStatus, type LayerProgress, isActiveStatus } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';

export const PROTOCOL_VERSION = 1;

/** A download as the worker reports it: the domain snapshot plus the typed error code of a failure. */
export interface DownloadRecord extends DownloadSnapshot {
  errorCode: ErrorCode | null;
}

export type Request =
  | { op: 'hello' }
  | { op: 'start'; ref: string; platform: string | null }
  | { op: 'list' }
  | { op: 'cancel'; target: string }
  | { op: 'retry'; target: string }
  | { op: 'clear' }
  | { op: 'subscribe' }
  /** Subscribes and counts this connection as a follower of one download. */
  | { op: 'follow'; target: string }
  /** Stops following; cancels the download when no follower remains. Result: {download, followers}. */
  | { op: 'detach'; target: string };

export interface Hello {
  protocol: number;
  pid: number;
  endpoint: string;
}

export type Reply = { re: number; ok: true; result: unknown } | { re: number; ok: false; error: { code: number; message: string } };

const STATUSES: readonly DownloadStatus[] = ['waiting', 'downloading', 'extracting', 'complete', 'failed', 'cancelled'];
const ERROR_CODES: readonly ErrorCode[] = [400, 401, 403, 404, 409, 429, 495, 499, 501, 502, 503, 504];
/** Longest text kept from a record (an error message is one line; anything longer is cut). */
const MAX_TEXT = 2000;
export const ACTIVE_STATUSES: readonly DownloadStatus[] = ACTIVE;

export function isActive(status: DownloadStatus): boolean {
  return isActiveStatus(status);
}

/** One line on the wire. */
export function encode(message: Record<string, unknown>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ...message })}\n`;
}

/**
 * Splits a byte stream into lines and hands each decoded object to `onMessage` (bad lines to `onError`). Bytes
 * are decoded with a StringDecoder: a character split across two reads stays one character.
 */
export function lineReader(onMessage: (message: Record<string, unknown>) => void, onError: (error: Error) => void): (chunk: Buffer | string) => void {
  let buffer = '';
  const decoder = new StringDecoder('utf8');
  return (chunk) => {
    buffer += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (buffer.length > 16 * 1024 * 1024) {
      buffer = '';
      onError(new Error('message too large'));
      return;
    }
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        onError(new Error('a message that is not JSON'));
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        onError(new Error('a message that is not an object'));
        continue;
      }
      const message = value as Record<string, unknown>;
      if (message.v !== PROTOCOL_VERSION) {
        onError(new Error(`protocol version ${String(message.v)} (expected ${PROTOCOL_VERSION})`));
        continue;
      }
      onMessage(message);
    }
  };
}

/** Validates a request from a client; null when it is not one. */
export function parseRequest(message: Record<string, unknown>): { id: number; request: Request } | null {
  const id = message.id;
  if (typeof id !== 'number') return null;
  const platform = message.platform === null || message.platform === undefined ? null : message.platform;
  switch (message.op) {
    case 'hello':
    case 'list':
    case 'clear':
    case 'subscribe':
      return { id, request: { op: message.op } };
    case 'start':
      if (typeof message.ref !== 'string' || (platform !== null && typeof platform !== 'string')) return null;
      return { id, request: { op: 'start', ref: message.ref, platform } };
    case 'cancel':
    case 'retry':
    case 'follow':
    case 'detach':
      if (typeof message.target !== 'string') return null;
      return { id, request: { op: message.op, target: message.target } };
    default:
      return null;
  }
}

/**
 * Validates a download record (from the worker or the history file); null when malformed. Its text is
 * cleaned of terminal controls and folded to one line: names, errors and details are shown to people,
 * and a history file is only as trustworthy as whatever last wrote it.
 */
export function parseRecord(value: unknown): DownloadRecord | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  const id = textOrNull(r.id);
  const name = textOrNull(r.name);
  const ref = textOrNull(r.ref);
  if (!id || name === null || ref === null) return null;
  if (typeof r.status !== 'string' || !(STATUSES as readonly string[]).includes(r.status)) return null;
  return {
    id,
    name,
    ref,
    platform: textOrNull(r.platform),
    status: r.status as DownloadStatus,
    percent: intOrNull(r.percent),
    detail: textOrNull(r.detail) ?? '',
    current: numOrNull(r.current),
    total: numOrNull(r.total),
    ...(typeof r.unsized === 'number' && Number.isInteger(r.unsized) && r.unsized >= 0 ? { unsized: r.unsized } : {}),
    speed: numOrNull(r.speed),
    eta: numOrNull(r.eta),
    layers: Array.isArray(r.layers) ? r.layers.map(parseLayer).filter((l): l is LayerProgress => l !== null) : [],
    error: textOrNull(r.error),
    errorCode: typeof r.errorCode === 'number' && (ERROR_CODES as readonly number[]).includes(r.errorCode) ? (r.errorCode as ErrorCode) : null,
    digest: textOrNull(r.digest),
    startedAt: timeOrNull(r.startedAt) ?? new Date(0).toISOString(),
    finishedAt: timeOrNull(r.finishedAt),
  };
}

function parseLayer(value: unknown): LayerProgress | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  const id = textOrNull(r.id);
  if (id === null || typeof r.status !== 'string') return null;
  return { id, status: sanitizeLine(r.status.slice(0, MAX_TEXT)), current: numOrNull(r.current), total: numOrNull(r.total) };
}

/** A string as one clean line (null when not a string). */
function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? sanitizeLine(value.slice(0, MAX_TEXT)) : null;
}

/** An ISO date-time as written by the worker (anything else is not kept). */
function timeOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value)) ? sanitizeLine(value) : null;
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function intOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : null;
}
