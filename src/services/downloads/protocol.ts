// The download worker's protocol: newline-delimited JSON over a unix socket in the settings directory.
// Every message carries `v` (PROTOCOL_VERSION). Requests: {v, id, op, ...}; replies: {v, re, ok, result}
// or {v, re, ok: false, error: {code, message}}; pushed updates: {v, event: "update", downloads: [...]}.
// No secret crosses the socket: the worker resolves credentials itself (same user, same settings).
import { StringDecoder } from 'node:string_decoder';
import * as v from 'valibot';
import { ACTIVE_STATUSES as ACTIVE, type DownloadStatus, isActiveStatus } from '../../domain/images';
import { sanitizeLine } from '../../domain/sanitize';

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

const target = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
const RequestSchema = v.variant('op', [
  v.object({ op: v.picklist(['hello', 'list', 'clear', 'subscribe'] as const) }),
  v.object({ op: v.literal('start'), ref: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)), platform: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64))), null) }),
  v.object({ op: v.picklist(['cancel', 'retry', 'follow', 'detach'] as const), target }),
  // A worker that was taken over hands back what it finished: records that do not fit, or still run, are dropped.
  v.object({
    op: v.literal('handover'),
    downloads: v.pipe(
      v.array(v.unknown()),
      v.transform((items) => items.map(parseRecord).filter((r): r is DownloadRecord => r !== null && !isActive(r.status))),
    ),
  }),
]);
const Envelope = v.object({ id: v.pipe(v.number(), v.integer()) });

/** What is wrong with a request, in one line: the first field that does not fit and why. */
function requestProblem(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
  if (!issue) return 'malformed request';
  if (path === 'op' || (!path && issue.kind === 'schema' && issue.type === 'variant')) return `malformed request: unknown op ${sanitizeLine(JSON.stringify(issue.input) ?? 'undefined').slice(0, 40)}`;
  return `malformed request: ${path ? `field "${sanitizeLine(path)}": ` : ''}${sanitizeLine(issue.message)}`;
}

/**
 * A request from a client, narrowed by a valibot schema; else what is wrong with it (one line) and its id, when it
 * has one, for the reply.
 */
export function parseRequest(message: Record<string, unknown>): { ok: true; id: number; request: Request } | { ok: false; id: number; error: string } {
  const envelope = v.safeParse(Envelope, message);
  if (!envelope.success) return { ok: false, id: -1, error: 'malformed request: field "id" must be an integer' };
  const id = envelope.output.id;
  const parsed = v.safeParse(RequestSchema, message);
  if (!parsed.success) return { ok: false, id, error: requestProblem(parsed.issues) };
  return { ok: true, id, request: parsed.output };
}
