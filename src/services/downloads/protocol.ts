// The download worker's protocol: newline-delimited JSON over a unix socket in the settings directory.
// Every message carries `v` (PROTOCOL_VERSION). Requests: {v, id, op, ...}; replies: {v, re, ok, result}
// or {v, re, ok: false, error: {code, message}}; pushed updates: {v, event: "update", downloads: [...]}.
// No secret crosses the socket: the worker resolves credentials itself (same user, same settings).
import { StringDecoder } from 'node:string_decoder';
import { ACTIVE_STATUSES as ACTIVE, type DownloadStatus, isActiveStatus } from '../../domain/images';

export const PROTOCOL_VERSION = 1;

export { parseRecord, type DownloadRecord } from './records';
import { parseRecord, type DownloadRecord } from './records';

/**
 * How long a client that started a worker waits for it to answer (plus one request deadline for a takeover's
 * probe); a freshly started worker waits at least as long for its first client before it counts as idle.
 */
export const WORKER_START_TIMEOUT_MS = 10_000;

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
  | { op: 'detach'; target: string }
  /**
   * From a worker that was taken over (it stopped answering for a while, then came back): the downloads it
   * finished since, whose outcome replaces the "interrupted" its successor recorded. Result: {adopted}.
   */
  | { op: 'handover'; downloads: DownloadRecord[] };

export interface Hello {
  protocol: number;
  pid: number;
  endpoint: string;
}

export type Reply = { re: number; ok: true; result: unknown } | { re: number; ok: false; error: { code: number; message: string } };

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
    case 'handover': {
      if (!Array.isArray(message.downloads)) return null;
      const downloads = message.downloads.map(parseRecord).filter((r): r is DownloadRecord => r !== null && !isActive(r.status));
      return { id, request: { op: 'handover', downloads } };
    }
    default:
      return null;
  }
}
