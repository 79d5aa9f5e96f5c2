// docker-registry (distribution 2.8) servers: plain, tls (+htpasswd), token (+token server), hub (Docker Hub's
// registry and dockerd's --registry-mirror). Config files are JSON, which is valid YAML.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { httpRequest } from './http.js';
import { waitUntil } from './async.js';
import { logTail, startProcess, type Started } from './proc.js';
import type { RegistryName } from './types.js';

export type RegistryAuthConfig =
  | { kind: 'none' }
  | { kind: 'basic'; htpasswdFile: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryLaunch {
  name: RegistryName;
  dir: string;
  listen: string; // host:port to bind
  url: string; // how clients reach it
  auth: RegistryAuthConfig;
  tls?: { certFile: string; keyFile: string; caPem: string };
}

function configFor(l: RegistryLaunch): Record<string, unknown> {
  const auth =
    l.auth.kind === 'basic'
      ? { htpasswd: { realm: 'stevedore-test', path: l.auth.htpasswdFile } }
      : l.auth.kind === 'token'
        ? { token: { realm: l.auth.realm, service: l.auth.service, issuer: l.auth.issuer, rootcertbundle: l.auth.rootCertBundle } }
        : undefined;
  return {
    version: 0.1,
    log: { level: 'info', fields: { service: `registry-${l.name}` } },
    storage: {
      filesystem: { rootdirectory: path.join(l.dir, 'data') },
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: l.listen,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
      ...(l.tls ? { tls: { certificate: l.tls.certFile, key: l.tls.keyFile } } : {}),
    },
    ...(auth ? { auth } : {}),
    health: { storagedriver: { enabled: false } },
  };
}

/** Start one registry and wait until /v2/ answers (200, or 401 when it wants credentials). */
export async function startRegistry(l: RegistryLaunch, onStart: (p: Started) => void): Promise<Started> {
  fs.mkdirSync(path.join(l.dir, 'data'), { recursive: true });
  const configFile = path.join(l.dir, 'config.yml');
  fs.writeFileSync(configFile, JSON.stringify(configFor(l), null, 2));
  const proc = startProcess('docker-registry', ['serve', configFile], path.join(l.dir, 'registry.log'));
  onStart(proc);
  let exit: string | null = null;
  void proc.exited.then((code) => (exit = code));
  await waitUntil(
    async () => {
      if (exit !== null) return true; // stop waiting; reported below
      const r = await httpRequest(`${l.url}/v2/`, { ca: l.tls?.caPem, timeoutMs: 2_000 });
      return r.status === 200 || r.status === 401;
    },
    15_000,
    () => `registry ${l.name} did not answer on ${l.url}/v2/; log tail:\n${logTail(proc.logFile)}`,
  );
  if (exit !== null) throw new Error(`registry ${l.name} exited (${exit}); log tail:\n${logTail(proc.logFile)}`);
  return proc;
}
