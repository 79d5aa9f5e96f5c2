// Credential resolution, first match wins (DESIGN.md "Registries and repositories"):
//   1. the saved repository's credentials (exact `host/path`),
//   2. the configured registry's credentials (same host),
//   3. docker's own client config, $DOCKER_CONFIG/config.json (default ~/.docker): `auths`
//      (base64 `auth`, `identitytoken`), then `credHelpers` / `credsStore`
//      (`docker-credential-<name> get`), as `docker login` left them.
// Secrets are returned to the caller only; `source` says where they came from for messages.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { registryHost } from '../domain/registry';
import type { RegistryStore } from './registryStore';

export type Credential =
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'identitytoken'; username: string; token: string; source: string };

export interface CredentialQuery {
  /** `host[:port]` as an image reference names it; `docker.io` for Docker Hub. */
  host: string;
  /** Repository path without the host (`library/redis`, `team/app`), when the request is about one. */
  repository?: string;
}

const HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** The key `docker login` uses for Docker Hub. */
export const HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export function isHubHost(host: string): boolean {
  return HUB_ALIASES.includes(host.toLowerCase());
}

export interface CredentialResolverOptions {
  env?: NodeJS.ProcessEnv;
  /** Milliseconds a credential helper may take. */
  helperTimeoutMs?: number;
  warn?: (message: string) => void;
}

interface DockerConfig {
  auths: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

export class CredentialResolver {
  private readonly env: NodeJS.ProcessEnv;
  private readonly helperTimeoutMs: number;
  private readonly warn: (message: string) => void;
  private dockerConfigCache: DockerConfig | null | undefined;

  constructor(
    private readonly store: Pick<RegistryStore, 'read'>,
    options: CredentialResolverOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.helperTimeoutMs = options.helperTimeoutMs ?? 10_000;
    this.warn = options.warn ?? (() => undefined);
  }

  async resolve(query: CredentialQuery): Promise<Credential | undefined> {
    return this.fromStore(query) ?? (await this.fromDockerConfig(query.host));
  }

  /** Steps 1 and 2 only (no processes started). */
  fromStore(query: CredentialQuery): Credential | undefined {
    const host = query.host.toLowerCase();
    const data = this.store.read();
    if (query.repository) {
      const wanted = `${host}/${query.repository}`;
      const repo = data.repositories.find((r) => r.name.toLowerCase() === wanted && r.username);
      if (repo) return { kind: 'basic', username: repo.username, password: repo.password, source: `saved repository ${repo.name}` };
    }
    const registry = data.registries.find((r) => sameHost(registryHost(r.url), host) && r.username);
    if (registry) {
      return { kind: 'basic', username: registry.username, password: registry.password, source: `registry "${registry.name}"` };
    }
    return undefined;
  }

  /** Step 3: docker's config.json and its credential helpers. */
  async fromDockerConfig(host: string): Promise<Credential | undefined> {
    const config = this.dockerConfig();
    if (!config) return undefined;
    const keys = candidateKeys(host);
    const path = this.dockerConfigPath();

    const helper = firstDefined(keys.map((k) => config.credHelpers[k])) ?? config.credsStore;
    for (const key of keys) {
      const entry = config.auths[key];
      if (!entry) continue;
      if (entry.identitytoken) {
        return { kind: 'identitytoken', username: entry.username ?? '', token: entry.identitytoken, source: path };
      }
      const decoded = entry.auth ? decodeAuth(entry.auth) : entry.username && entry.password ? { username: entry.username, password: entry.password } : undefined;
      if (decoded) return { kind: 'basic', ...decoded, source: path };
    }
    if (helper) return this.fromHelper(helper, keys);
    return undefined;
  }

  private async fromHelper(helper: string, keys: string[]): Promise<Credential | undefined> {
    if (!/^[A-Za-z0-9_.-]+$/.test(helper)) {
      this.warn(`ignoring credential helper "${helper}": not a plain name`);
      return undefined;
    }
    const program = `docker-credential-${helper}`;
    for (const key of keys) {
      const out = await runHelper(program, key, this.helperTimeoutMs, this.env).catch((error: unknown) => {
        this.warn(`${program} failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      if (!out) continue;
      const parsed = parseHelperOutput(out);
      if (!parsed) continue;
      if (parsed.Username === '<token>') return { kind: 'identitytoken', username: '', token: parsed.Secret, source: program };
      return { kind: 'basic', username: parsed.Username, password: parsed.Secret, source: program };
    }
    return undefined;
  }

  private dockerConfigPath(): string {
    const dir = this.env.DOCKER_CONFIG || join(this.env.HOME || homedir(), '.docker');
    return join(dir, 'config.json');
  }

  private dockerConfig(): DockerConfig | null {
    if (this.dockerConfigCache !== undefined) return this.dockerConfigCache;
    const path = this.dockerConfigPath();
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return (this.dockerConfigCache = null);
    }
    try {
      this.dockerConfigCache = parseDockerConfig(JSON.parse(text));
    } catch {
      this.warn(`${path} is not valid JSON; ignoring docker's saved credentials`);
      this.dockerConfigCache = null;
    }
    return this.dockerConfigCache;
  }
}

/** The keys docker may have used in config.json for this host, most specific first. */
export function candidateKeys(host: string): string[] {
  const h = host.toLowerCase();
  if (isHubHost(h)) return [HUB_AUTH_KEY, 'index.docker.io', 'docker.io', 'https://index.docker.io/v1', 'registry-1.docker.io', 'https://registry-1.docker.io'];
  return [h, `https://${h}`, `http://${h}`, `https://${h}/v1/`, `https://${h}/v2/`, `http://${h}/v1/`, `http://${h}/v2/`];
}

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (isHubHost(x) && isHubHost(y));
}

function firstDefined<T>(values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined);
}

function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function parseDockerConfig(raw: unknown): DockerConfig {
  const record = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const auths: DockerConfig['auths'] = {};
  const credHelpers: DockerConfig['credHelpers'] = {};
  if (record.auths && typeof record.auths === 'object') {
    for (const [key, value] of Object.entries(record.auths as Record<string, unknown>)) {
      if (!value || typeof value !== 'object') continue;
      const v = value as Record<string, unknown>;
      auths[key.toLowerCase()] = {
        ...(typeof v.auth === 'string' && v.auth ? { auth: v.auth } : {}),
        ...(typeof v.identitytoken === 'string' && v.identitytoken ? { identitytoken: v.identitytoken } : {}),
        ...(typeof v.username === 'string' ? { username: v.username } : {}),
        ...(typeof v.password === 'string' ? { password: v.password } : {}),
      };
    }
  }
  if (record.credHelpers && typeof record.credHelpers === 'object') {
    for (const [key, value] of Object.entries(record.credHelpers as Record<string, unknown>)) {
      if (typeof value === 'string') credHelpers[key.toLowerCase()] = value;
    }
  }
  return { auths, credHelpers, ...(typeof record.credsStore === 'string' && record.credsStore ? { credsStore: record.credsStore } : {}) };
}

function parseHelperOutput(out: string): { Username: string; Secret: string } | undefined {
  try {
    const v = JSON.parse(out) as Record<string, unknown>;
    if (typeof v.Username === 'string' && typeof v.Secret === 'string' && v.Secret) return { Username: v.Username, Secret: v.Secret };
  } catch {
    // "credentials not found in native keychain" and the like
  }
  return undefined;
}

function runHelper(program: string, serverUrl: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: timeoutMs, env, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`${program} not found on PATH`));
        if (error.killed) return reject(new Error(`${program} did not answer in ${Math.round(timeoutMs / 1000)} s`));
        // Exit status 1 with "credentials not found" means: nothing stored for this server.
        return resolve(undefined);
      }
      resolve(stdout);
    });
    child.stdin?.end(serverUrl);
  });
}
