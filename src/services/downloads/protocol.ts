// The download worker's protocol: newline-delimited JSON over a unix socket in the settings directory.
// Every message carries `v` (PROTOCOL_VERSION). Requests: {v, id, op, ...}; replies: {v, re, ok, result}
// or {v, re, ok: false, error: {code, message}}; pushed updates: {v, event: "update", downloads: [...]}.
// No secret crosses the socket: the worker resolves credentials itself (same user, same settings).
import type { ErrorCode } from '../../domain/errors';
import type { DownloadSnapshot, DownloadStatus, LayerProgress } from '../../domain/images';

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
  | { op: 'subscribe' };

export interface Hello {
  protocol: number;
  pid: number;
  endpoint: string;
}

export type Reply = { re: number; ok: true; result: unknown } | { re: number; ok: false; error: { code: number; message: string } };

const STATUSES: readonly DownloadStatus[] = ['waiting', 'downloading', 'extracting', 'complete', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly DownloadStatus[] = ['waiting', 'downloading', 'extracting'];

export function isActive(status: DownloadStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** One line on the wire. */
export function encode(message: Record<string, unknown>): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ...message })}\n`;
}

/** Splits a byte stream into lines and hands each decoded object to `onMessage` (bad lines to `onError`). */
export function lineReader(onMessage: (message: Record<string, unknown>) => void, onError: (error: Error) => void): (chunk: Buffer | string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.toString();
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
    case 'subscribe':
      return { id, request: { op: message.op } };
    case 'start':
      if (typeof message.ref !== 'string' || (platform !== null && typeof platform !== 'string')) return null;
      return { id, request: { op: 'start', ref: message.ref, platform } };
    case 'cancel':
    case 'retry':
      if (typeof message.target !== 'string') return null;
      return { id, request: { op: message.op, target: message.target } };
    default:
      return null;
  }
}

/** Validates a download record (from the worker or the history file); null when malformed. */
export function parseRecord(value: unknown): DownloadRecord | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.name !== 'string' || typeof r.ref !== 'string') return null;
  if (typeof r.status !== 'string' || !(STATUSES as readonly string[]).includes(r.status)) return null;
  return {
    id: r.id,
    name: r.name,
    ref: r.ref,
    platform: typeof r.platform === 'string' ? r.platform : null,
    status: r.status as DownloadStatus,
    percent: intOrNull(r.percent),
    detail: typeof r.detail === 'string' ? r.detail : '',
    current: numOrNull(r.current),
    total: numOrNull(r.total),
    speed: numOrNull(r.speed),
    eta: numOrNull(r.eta),
    layers: Array.isArray(r.layers) ? r.layers.map(parseLayer).filter((l): l is LayerProgress => l !== null) : [],
    error: typeof r.error === 'string' ? r.error : null,
    errorCode: typeof r.errorCode === 'number' ? (r.errorCode as ErrorCode) : null,
    digest: typeof r.digest === 'string' ? r.digest : null,
    startedAt: typeof r.startedAt === 'string' ? r.startedAt : new Date(0).toISOString(),
    finishedAt: typeof r.finishedAt === 'string' ? r.finishedAt : null,
  };
}

function parseLayer(value: unknown): LayerProgress | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.status !== 'string') return null;
  return { id: r.id, status: r.status, current: numOrNull(r.current), total: numOrNull(r.total) };
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function intOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : null;
}
