// Where each remote request goes and with what: the registry configured for a host (its URL, TLS policy and
// pin), the credentials for a repository (saved repository, registry, docker config.json — first match),
// one Transport (rebuilt when http.timeout changes) and one Authenticator (token cache) per process, and the
// Docker Hub endpoints (STEVEDORE_HUB_API / STEVEDORE_HUB_REGISTRY).
import {
  Authenticator,
  DockerHubClient,
  IndexV1Client,
  RegistryV2Client,
  Transport,
  type RateLimit,
  type RegistryCredential,
  type TransportOptions,
} from '../../clients/registry/index';
import { DOCKER_HUB_DOMAIN } from '../../domain/reference';
import { registryHost, type Registry } from '../../domain/registry';
import type { RemoteDeps } from './index';

export const DEFAULT_HUB_WEB = 'https://hub.docker.com';
export const DEFAULT_HUB_INDEX = 'https://index.docker.io';
export const DEFAULT_HUB_REGISTRY = 'https://registry-1.docker.io';

/** The registry a host belongs to: configured, Docker Hub, or an unknown host reached over https. */
export interface Endpoint {
  host: string;
  baseUrl: string;
  registry: Registry | undefined;
}

export class Connections {
  private transport: Transport | undefined;
  private transportTimeout = 0;
  private auth: Authenticator | undefined;
  private readonly v2Clients = new Map<string, RegistryV2Client>();
  lastRateLimit: RateLimit | null = null;

  constructor(private readonly deps: RemoteDeps) {}

  /** The shared Transport, rebuilt (and the old one closed) when the `http.timeout` setting changes. */
  http(): Transport {
    const seconds = this.deps.settings()['http.timeout'];
    if (!this.transport || this.transportTimeout !== seconds) {
      const old = this.transport;
      const options: TransportOptions = { env: this.deps.env, timeoutMs: seconds * 1000, userAgent: 'stevedore', ...this.deps.transport };
      this.transport = new Transport(options);
      this.transportTimeout = seconds;
      this.auth = new Authenticator(this.transport);
      this.v2Clients.clear();
      if (old) void old.close();
    }
    return this.transport;
  }

  authenticator(): Authenticator {
    this.http();
    if (!this.auth) throw new Error('authenticator not ready');
    return this.auth;
  }

  async close(options: { abort?: boolean } = {}): Promise<void> {
    const t = this.transport;
    this.transport = undefined;
    this.v2Clients.clear();
    if (t) await t.close(options);
  }

  isHub(host: string): boolean {
    return host.toLowerCase() === DOCKER_HUB_DOMAIN;
  }

  endpoint(host: string): Endpoint {
    const registry = this.deps.registries.byHost(host);
    if (this.isHub(host)) {
      return { host: DOCKER_HUB_DOMAIN, baseUrl: this.deps.env.STEVEDORE_HUB_REGISTRY || registry?.url || DEFAULT_HUB_REGISTRY, registry };
    }
    return { host, baseUrl: registry ? registry.url : `${isLoopback(host) ? 'http' : 'https'}://${host}`, registry };
  }

  /** Credentials for a repository of a host, first match wins (see src/store/credentials.ts). */
  async credential(host: string, repository?: string): Promise<RegistryCredential | undefined> {
    return this.deps.credentials.resolve({ host, ...(repository ? { repository } : {}) });
  }

  /**
   * The v2 client of a host. With `credential` given (checking credentials before saving them), a client that
   * uses only those is returned, not cached.
   */
  v2(host: string, credential?: { use: RegistryCredential | undefined }): RegistryV2Client {
    const transport = this.http();
    const endpoint = this.endpoint(host);
    this.applyPolicy(endpoint);
    const make = (lookup: (repository?: string) => Promise<RegistryCredential | undefined>, saved = false) =>
      new RegistryV2Client({
        baseUrl: endpoint.baseUrl,
        transport,
        auth: this.authenticator(),
        credential: lookup,
        ...(saved ? { credentialProblem: () => this.deps.credentials.problem?.(endpoint.host) } : {}),
        ...(this.isHub(endpoint.host) ? { onRateLimit: (limit: RateLimit) => (this.lastRateLimit = limit) } : {}),
        ...(this.deps.pageSize ? { pageSize: this.deps.pageSize } : {}),
      });
    if (credential) return make(async () => credential.use);
    const key = `${endpoint.host}|${endpoint.baseUrl}`;
    let client = this.v2Clients.get(key);
    if (!client) {
      client = make((repository) => this.credential(endpoint.host, repository), true);
      this.v2Clients.set(key, client);
    }
    return client;
  }

  /** The v1 index of a configured v1 registry (Basic credentials of the registry, when any). */
  v1(registry: Registry): IndexV1Client {
    const endpoint: Endpoint = { host: registryHost(registry.url), baseUrl: registry.url, registry };
    this.applyPolicy(endpoint);
    return new IndexV1Client({
      baseUrl: registry.url,
      transport: this.http(),
      authorization: async () => {
        const c = await this.credential(endpoint.host);
        return c?.kind === 'basic' ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
      },
    });
  }

  /** Docker Hub's web API (STEVEDORE_HUB_API, else hub.docker.com). */
  hub(): DockerHubClient {
    return new DockerHubClient({
      baseUrl: this.deps.env.STEVEDORE_HUB_API || DEFAULT_HUB_WEB,
      transport: this.http(),
      onRateLimit: (limit) => (this.lastRateLimit = limit),
      ...(this.deps.pageSize ? { pageSize: this.deps.pageSize } : {}),
    });
  }

  /** Docker Hub's search index (STEVEDORE_HUB_API with its path prefix, else index.docker.io). */
  hubIndex(): IndexV1Client {
    return new IndexV1Client({ baseUrl: this.deps.env.STEVEDORE_HUB_API || DEFAULT_HUB_INDEX, transport: this.http() });
  }

  /**
   * The TLS policy of a configured registry: verified, or trusted with its pinned certificate. trustCert
   * without a pin (a registry saved before pinning, or a hand-edited registries.json) fails closed in the
   * Transport unless the certificate verifies; the hint re-pins it.
   */
  private applyPolicy(endpoint: Endpoint): void {
    const r = endpoint.registry;
    if (!r || r.builtin || !endpoint.baseUrl.startsWith('https:')) return;
    this.http().setPolicy(endpoint.baseUrl, {
      trustCert: r.trustCert,
      ...(r.pinnedCertSha256 ? { pinnedCertSha256: r.pinnedCertSha256 } : {}),
      ...(r.caCert ? { ca: r.caCert } : {}),
      trustHint: `\`stevedore registry edit ${quoteName(r.name)} --trust-cert\``,
    });
  }
}

/**
 * An unconfigured host on this machine is reached over plain http, as the engine treats 127.0.0.0/8 and
 * localhost as insecure registries; every other unconfigured host over https (add it with
 * `stevedore registry add` to say otherwise).
 */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** A registry name as a shell argument in hints. */
export function quoteName(name: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(name) ? name : `"${name.replace(/(["\\$`])/g, '\\$1')}"`;
}
