// Client side of the world's test hooks: Hub stand-in faults (429/500 tests) and token-server counters
// (token caching tests). Plain HTTP calls, so they work from test workers and against a reused world.
import { httpRequest, isRecord } from './http.js';
import type { WorldInfo } from './types.js';

export interface HubFault {
  /** Requests whose path starts with this fail (e.g. '/v2/repositories/library/'). */
  pathPrefix: string;
  status: number;
  /** JSON value, or a string sent as-is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export async function hubFault(info: WorldInfo, fault: HubFault): Promise<void> {
  const res = await httpRequest(`${info.hubApi}/__fault`, { method: 'POST', body: JSON.stringify(fault), headers: { 'content-type': 'application/json' } });
  if (res.status !== 200) throw new Error(`hubFault: ${res.status} ${res.text()}`);
}

export async function clearHubFaults(info: WorldInfo): Promise<void> {
  await httpRequest(`${info.hubApi}/__fault`, { method: 'DELETE' });
}

export interface TokenStats {
  requests: number;
  byScope: Record<string, number>;
  byAccount: Record<string, number>;
  refused: number;
}

const counts = (v: unknown): Record<string, number> =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, n]) => [k, Number(n)])) : {};

export async function tokenStats(info: WorldInfo): Promise<TokenStats> {
  const body = (await httpRequest(`${info.tokenServer}/stats`)).json();
  if (!isRecord(body)) throw new Error('tokenStats: unexpected answer');
  return { requests: Number(body.requests), byScope: counts(body.byScope), byAccount: counts(body.byAccount), refused: Number(body.refused) };
}

export async function resetTokenStats(info: WorldInfo): Promise<void> {
  await httpRequest(`${info.tokenServer}/stats`, { method: 'DELETE' });
}
