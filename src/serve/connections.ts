// Connection limits of `stevedore serve`, so that one host cannot take every file descriptor: at most
// `total` connections open (Node refuses the rest at accept), at most `perClient` per client (a clientKey:
// every loopback address is one client), and a connection that has not sent a whole request's headers
// within `firstRequestMs` of connecting is closed (Node's own timeouts start only with a request's first
// byte, so silent connections would otherwise stay forever).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientKey } from './auth';

export interface ConnectionLimits {
  total?: number;
  perClient?: number;
  firstRequestMs?: number;
}

export const DEFAULT_LIMITS = { total: 1024, perClient: 128, firstRequestMs: 10_000 } as const;
/** One line per client and minute at most, however many connections are refused. */
const REPORT_EVERY_MS = 60_000;
const MAX_REPORTED = 1000;

/** Installs the limits on `server`; `report` gets a line when connections are refused. */
export function limitConnections(server: Server, limits: ConnectionLimits, report: (line: string) => void): void {
  const total = limits.total ?? DEFAULT_LIMITS.total;
  const perClient = limits.perClient ?? DEFAULT_LIMITS.perClient;
  const firstRequestMs = limits.firstRequestMs ?? DEFAULT_LIMITS.firstRequestMs;
  server.maxConnections = total;
  const open = new Map<string, number>();
  const waiting = new Map<string, NodeJS.Timeout>();
  const reported = new Map<string, number>();

  const refuse = (client: string, why: string): void => {
    const now = performance.now();
    const last = reported.get(client);
    if (last !== undefined && now - last < REPORT_EVERY_MS) return;
    if (reported.size >= MAX_REPORTED) reported.clear();
    reported.set(client, now);
    report(`refusing connections from ${client}: ${why} (said once a minute)`);
  };

  server.on('drop', (data?: { remoteAddress?: string }) => refuse(clientKey(data?.remoteAddress), `${total} connections are open, the most this server takes`));
  server.on('connection', (socket: Socket) => {
    const client = clientKey(socket.remoteAddress);
    const count = (open.get(client) ?? 0) + 1;
    if (count > perClient) {
      socket.destroy();
      refuse(client, `it has ${perClient} connections open, the most one client may`);
      return;
    }
    open.set(client, count);
    const id = `${socket.remoteAddress}|${socket.remotePort}`;
    const timer = setTimeout(() => socket.destroy(), firstRequestMs);
    timer.unref();
    waiting.set(id, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      waiting.delete(id);
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
  });
  // A request's headers came: from now on Node's own timeouts (headers, request, keep-alive) apply.
  server.on('request', (req: { socket: Socket }) => {
    const id = `${req.socket.remoteAddress}|${req.socket.remotePort}`;
    const timer = waiting.get(id);
    if (timer) {
      clearTimeout(timer);
      waiting.delete(id);
    }
  });
}
