// TLS for registry connections: one policy per registry origin (verified by default; with trustCert the
// chain is not checked but the peer certificate's SHA-256 must equal the pin taken when the registry was
// added or edited, and trustCert without a pin fails closed unless the chain verifies), the peer check run
// on every new connection, and the TLS codes that mean "not trusted".
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { TLSSocket, rootCertificates } from 'node:tls';

/** How stevedore treats one registry's certificate. */
export interface TlsPolicy {
  trustCert: boolean;
  /** Lower-case hex SHA-256 of the DER certificate accepted for this origin (with trustCert). */
  pinnedCertSha256?: string;
  /** Extra CA certificates (PEM) to verify with, besides the system's (a registry's `--ca-file`, docker's certs.d). */
  ca?: string | string[];
  /** What to tell the user when the certificate is refused (`stevedore registry edit NAME --trust-cert`). */
  trustHint?: string;
}

/** Error raised inside the connector when the certificate does not match its pin. */
export class PinMismatchError extends Error {
  readonly code = 'STEVEDORE_PIN_MISMATCH';
  constructor(readonly seen: string) {
    super('certificate does not match the pinned fingerprint');
  }
}

/** Raised inside the connector for trustCert without a pin and a certificate that does not verify. */
export class UnpinnedTrustError extends Error {
  readonly code = 'STEVEDORE_UNPINNED';
  constructor(readonly seen: string) {
    super('the certificate is trusted without a pinned fingerprint');
  }
}

export function sha256Hex(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `AB:CD:…` or `abcd…` → `abcd…`. */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

export const TLS_UNTRUSTED = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
];

export function short(fp: string): string {
  const f = normalizeFingerprint(fp);
  return f ? `${f.slice(0, 12)}…` : 'unknown';
}

export function checkPeer(socket: Socket, origin: string, pin: string | undefined, unpinned: boolean, observe: ((origin: string, sha256: string) => void) | undefined): Error | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  const raw: unknown = cert && 'raw' in cert ? cert.raw : undefined;
  const seen = raw instanceof Buffer ? sha256Hex(raw) : '';
  observe?.(origin, seen);
  if (pin !== undefined && seen !== pin) return new PinMismatchError(seen);
  // `authorized`: the chain and the name verified (rejectUnauthorized is off, so Node only records it).
  if (unpinned && !socket.authorized) return new UnpinnedTrustError(seen);
  return undefined;
}

export function samePolicy(a: TlsPolicy, b: TlsPolicy): boolean {
  return a.trustCert === b.trustCert && (a.pinnedCertSha256 ?? '') === (b.pinnedCertSha256 ?? '') && String(a.ca ?? '') === String(b.ca ?? '') && a.trustHint === b.trustHint;
}

/** A `lookup` for net/tls.connect that always answers one address. */
export function pinnedLookup(address: string, family: number) {
  return (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}


/** Extra CA certificates with the system's: Node's `ca` option replaces the default roots, docker adds to them. */
export function withSystemRoots(extra: string | string[]): string[] {
  return [...rootCertificates, ...(Array.isArray(extra) ? extra : [extra])];
}

/**
 * Where docker keeps per-registry certificates: `/etc/docker/certs.d` (the daemon's) and the rootless daemon's
 * `$XDG_CONFIG_HOME/docker/certs.d`; `STEVEDORE_DOCKER_CERTS_D` (a `:`-separated list) replaces them.
 */
export function dockerCertsDirs(env: NodeJS.ProcessEnv): string[] {
  if (env.STEVEDORE_DOCKER_CERTS_D !== undefined) return env.STEVEDORE_DOCKER_CERTS_D.split(':').filter(Boolean);
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return ['/etc/docker/certs.d', join(config, 'docker', 'certs.d')];
}

/**
 * The CA certificates docker trusts for `host[:port]`: every `*.crt` in `DIR/HOST[:PORT]/` of the certs.d
 * folders (as docker reads them for pulls). Unreadable files are left out.
 */
export function dockerCertsCa(dirs: string[], host: string): string[] {
  if (!host || host.includes('/') || host.startsWith('.')) return [];
  const found: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(join(dir, host));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.crt')).sort()) {
      try {
        const pem = readFileSync(join(dir, host, name), 'utf8');
        if (pem.includes('-----BEGIN CERTIFICATE-----')) found.push(pem);
      } catch {
        // unreadable: as docker, go on without it
      }
    }
  }
  return found;
}
