// Per-run key material made with openssl (Node cannot issue X.509 certificates): a CA and a server
// certificate for the TLS registry, and a self-signed RS256 signing certificate for the token server.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { runOk } from './proc.js';

export interface TlsMaterial {
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
}

/**
 * Three years from the real clock (openssl runs without libfaketime, see realClockEnv): valid for the Go daemons,
 * which check certificates on the real clock, and for Node when the tests run with the clock a year ahead.
 */
const DAYS = '1096';

export async function makeTlsMaterial(dir: string, ips: string[]): Promise<TlsMaterial> {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string): string => path.join(dir, name);
  // EC keys: generated in milliseconds, and both Go (the registry) and Node accept them.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await runOk('openssl', [
    'req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', DAYS,
    '-subj', '/CN=stevedore test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runOk('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=stevedore-test-registry']);
  const sans = [...ips.map((ip) => `IP:${ip}`), 'DNS:localhost'].join(',');
  fs.writeFileSync(
    f('server.ext'),
    `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`,
  );
  await runOk('openssl', [
    'x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', DAYS, '-extfile', f('server.ext'), '-out', f('server.crt'),
  ]);
  return { caFile: f('ca.crt'), caPem: fs.readFileSync(f('ca.crt'), 'utf8'), certFile: f('server.crt'), keyFile: f('server.key') };
}

export interface TokenSigner {
  /** PEM certificate: the registry's rootcertbundle, and (as DER) the JWT x5c header. */
  certFile: string;
  certPem: string;
  keyPem: string;
}

export async function makeTokenSigner(dir: string): Promise<TokenSigner> {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'token-signer.crt');
  const keyFile = path.join(dir, 'token-signer.key');
  await runOk('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', DAYS,
    '-subj', '/CN=stevedore-test token signer',
  ]);
  return { certFile, certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
}

/** An htpasswd file with one bcrypt entry (the only hash docker-registry accepts). */
export async function writeHtpasswd(file: string, user: string, password: string): Promise<void> {
  // -i reads the password from stdin, keeping it out of the process list.
  fs.writeFileSync(file, await runOk('htpasswd', ['-Bni', user], { input: `${password}\n` }));
}
