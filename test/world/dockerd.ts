// The world's own dockerd (with the containerd it starts itself), isolated from any other engine on the host:
// own data/exec roots, socket, pidfile, containerd namespaces, an empty daemon.json, and no network setup.
import fs from 'node:fs';
import path from 'node:path';
import { httpRequest } from './http.js';
import { waitUntil } from './async.js';
import { logTail, startProcess, type Started } from './proc.js';

export interface DockerdLaunch {
  root: string;
  id: string;
  mirror: string;
  /** Also listen on this TCP address with TLS (server certificate only; clients verify it with the CA). */
  tcpTls?: { listen: string; caFile: string; certFile: string; keyFile: string };
}

export interface RunningDockerd extends Started {
  socket: string;
  host: string;
}

export async function startDockerd(l: DockerdLaunch, onStart: (p: Started) => void): Promise<RunningDockerd> {
  // Unix socket paths must stay under 108 bytes: keep the exec root and socket names short.
  const socket = path.join(l.root, 'd.sock');
  const configFile = path.join(l.root, 'daemon.json');
  fs.writeFileSync(configFile, '{}\n');
  const args = [
    '--iptables=false', '--ip-masq=false', '--ip-forward=false', '--bridge=none',
    '--storage-driver=vfs',
    '--data-root', path.join(l.root, 'data'),
    '--exec-root', path.join(l.root, 'x'),
    '-H', `unix://${socket}`,
    ...(l.tcpTls ? ['-H', `tcp://${l.tcpTls.listen}`, '--tls', '--tlscacert', l.tcpTls.caFile, '--tlscert', l.tcpTls.certFile, '--tlskey', l.tcpTls.keyFile] : []),
    '--pidfile', path.join(l.root, 'dockerd.pid'),
    '--config-file', configFile,
    '--containerd-namespace', `stevedore-test-${l.id}`,
    '--containerd-plugins-namespace', `stevedore-test-${l.id}-plugins`,
    '--registry-mirror', l.mirror,
  ];
  const proc = startProcess('dockerd', args, path.join(l.root, 'logs', 'dockerd.log'));
  onStart(proc);
  let exit: string | null = null;
  void proc.exited.then((code) => (exit = code));
  const ping = async (): Promise<boolean> =>
    exit !== null || (await httpRequest('http://docker/_ping', { socketPath: socket, timeoutMs: 2_000 })).status === 200;
  await waitUntil(ping, 30_000, () => `dockerd did not answer _ping on ${socket}; log tail:\n${logTail(proc.logFile)}`);
  if (exit !== null) throw new Error(`dockerd exited (${exit}); log tail:\n${logTail(proc.logFile)}`);
  return { ...proc, socket, host: `unix://${socket}` };
}
