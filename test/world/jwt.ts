// RS256 JWTs as docker/distribution 2.8 verifies them (registry/auth/token/token.go VerifySigningKey):
// the signing key is found from the header's `x5c` chain (verified against rootcertbundle), or from `kid`
// looked up among the rootcertbundle keys by their libtrust key ID.
import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate } from 'node:crypto';

export type KeyHeader = 'x5c' | 'kid';

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Access[];
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function signJwt(claims: TokenClaims, keyPem: string, certPem: string, keyHeader: KeyHeader): string {
  const cert = new X509Certificate(certPem);
  const header =
    keyHeader === 'x5c'
      ? { typ: 'JWT', alg: 'RS256', x5c: [cert.raw.toString('base64')] }
      : { typ: 'JWT', alg: 'RS256', kid: libtrustKeyId(certPem) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), createPrivateKey(keyPem));
  return `${input}.${b64url(signature)}`;
}

/**
 * libtrust's key ID (github.com/docker/libtrust util.go keyIDFromCryptoKey): SHA-256 of the DER
 * SubjectPublicKeyInfo, first 240 bits, base32 without padding, in groups of 4 joined by ':'.
 */
export function libtrustKeyId(certPem: string): string {
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  const b32 = base32(createHash('sha256').update(spki).digest().subarray(0, 30));
  return (b32.match(/.{1,4}/g) ?? []).join(':');
}

function base32(data: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
