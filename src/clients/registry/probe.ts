// Registry ping and certificate reading (the RegistryProbe of src/services/registries.ts):
// `/v2/` answering 200 or 401 is a v2 registry; else `/v1/_ping` answering 200 is v1; else a typed error.
// With trustCert the chain is not checked, but the certificate must match the pin when one is given.
import { BadResponse, Unreachable } from '../../domain/errors';
import { Authenticator, refusedCredentials, type RegistryCredential } from './auth';
import type { ApiVersion } from '../../domain/registry';
import { readJson, statusError } from './responses';
import { Transport, headerValue, type HttpResponse, type TransportOptions } from './transport';

export interface PingOptions {
  trustCert: boolean;
  pinnedCertSha256?: string;
  /** CA certificates (PEM) to verify with, besides the system's (a registry's `--ca-file`). */
  ca?: string;
  /** Hint for an untrusted certificate (`stevedore registry edit NAME --trust-cert`). */
  trustHint?: string;
  signal?: AbortSignal | undefined;
}

export class RegistryProber {
  constructor(private readonly transportOptions: () => TransportOptions) {}

  async ping(url: string, options: PingOptions): Promise<ApiVersion> {
    const base = new URL(url);
    const transport = this.transport(base, { ...options, trustHint: options.trustHint ?? `\`stevedore registry ping ${base.origin} --trust-cert\` or \`stevedore registry add NAME --url ${base.origin} --trust-cert\`` });
    try {
      const v2 = await transport.send({ url: `${base.origin}/v2/`, signal: options.signal, maxBytes: 256 * 1024 });
      if (isV2(v2)) return 'v2';
      if (v2.status === 429 || v2.status >= 500) throw statusError(v2, { what: 'the API version check' });
      const v1 = await transport.send({ url: `${base.origin}/v1/_ping`, signal: options.signal, maxBytes: 256 * 1024 });
      if (v1.status === 200 && !looksLikeWebPage(v1)) return 'v1';
      if (v1.status === 429 || v1.status >= 500) throw statusError(v1, { what: 'the API version check' });
      throw new BadResponse(`${base.host} is not a container registry (no answer at /v2/ or /v1/_ping)`, { hint: 'check the URL and port' });
    } finally {
      await transport.close();
    }
  }

  /**
   * Checks credentials as `docker login` does: `/v2/` without them; on a 401, with them (Basic), or a
   * token from the realm with them (Bearer), then `/v2/` with the token. `open`: the registry answers
   * without credentials; `needs-credentials`: it asks for some and none were given; `ok`: they were
   * accepted. Refused credentials are a 401 naming the registry and the user (never the password).
   */
  async login(url: string, options: PingOptions & { username?: string; password?: string }): Promise<'open' | 'needs-credentials' | 'ok'> {
    const base = new URL(url);
    const transport = this.transport(base, options);
    const credential: RegistryCredential | undefined = options.username
      ? { kind: 'basic', username: options.username, password: options.password ?? '', source: 'the credentials given' }
      : undefined;
    try {
      const first = await transport.send({ url: `${base.origin}/v2/`, signal: options.signal, maxBytes: 256 * 1024 });
      if (first.status !== 401) {
        if (first.status === 429 || first.status >= 500) throw statusError(first, { what: 'the login check' });
        return 'open';
      }
      if (!credential) return 'needs-credentials';
      const auth = new Authenticator(transport);
      const authorization = await auth.answer(base.origin, first, [], credential, undefined, options.signal);
      if (!authorization) throw refusedCredentials(base.host, credential);
      const second = await transport.send({ url: `${base.origin}/v2/`, authorization, signal: options.signal, maxBytes: 256 * 1024 });
      if (second.status === 401 || second.status === 403) throw refusedCredentials(base.host, credential);
      if (second.status === 429 || second.status >= 500) throw statusError(second, { what: 'the login check' });
      return 'ok';
    } finally {
      await transport.close();
    }
  }

  /** A transport for one check of `base`, with the registry's TLS policy. */
  private transport(base: URL, options: PingOptions): Transport {
    const transport = new Transport(this.transportOptions());
    transport.setPolicy(base.origin, {
      trustCert: options.trustCert,
      ...(options.pinnedCertSha256 ? { pinnedCertSha256: options.pinnedCertSha256 } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.trustHint ? { trustHint: options.trustHint } : {}),
    });
    return transport;
  }

  /** Lower-case hex SHA-256 of the DER certificate the server presents (the chain is not checked). */
  async certificateFingerprint(url: string, signal?: AbortSignal): Promise<string> {
    const base = new URL(url);
    if (base.protocol !== 'https:') throw new BadResponse(`${base.host} uses plain http: there is no certificate to trust`);
    let seen: string | undefined;
    const transport = new Transport({
      ...this.transportOptions(),
      onPeerCertificate: (origin, sha256) => {
        if (origin === base.origin && sha256) seen = sha256;
      },
    });
    transport.setPolicy(base.origin, { trustCert: true });
    try {
      await transport.send({ url: `${base.origin}/v2/`, signal, maxBytes: 256 * 1024, retry: false });
    } catch (error) {
      if (!seen) throw error;
    } finally {
      await transport.close();
    }
    if (!seen) throw new Unreachable(`${base.host} presented no certificate`);
    return seen;
  }
}

function looksLikeWebPage(res: HttpResponse): boolean {
  const type = headerValue(res.headers, 'content-type') ?? '';
  return type.includes('html');
}

function isV2(res: HttpResponse): boolean {
  if (res.status === 401) return true;
  if (res.status !== 200) return false;
  if (headerValue(res.headers, 'docker-distribution-api-version')?.startsWith('registry/2')) return true;
  if (looksLikeWebPage(res)) return false;
  if (res.body.length === 0) return true;
  try {
    readJson(res, 'the API version check');
    return true;
  } catch {
    return false;
  }
}
