// Credential resolution, first match wins (DESIGN.md "Registries and repositories"):
//   1. the saved repository's credentials (exact `host/path`),
//   2. the configured registry's credentials (same host),
//   3. docker's own client config, $DOCKER_CONFIG/config.json (default ~/.docker): `auths`
//      (base64 `auth`, `identitytoken`), then `credHelpers` / `credsStore`
//      (`docker-credential-<name> get`), as `docker login` left them.
// Secrets are returned to the caller only; `source` says where they came from for messages.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { registryHost } from '../domain/registry';
import { sanitizeLine } from '../domain/sanitize';
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

const DEFAULT_HELPER_TIMEOUT_MS = 3000;
/** Helper answers of this process (`program\nkey\nPATH` → credentials, or null: none or failed). */
const helperAnswers = new Map<string, Promise<{ Username: string; Secret: string } | null>>();
/** Host → what went wrong with its helper, for the "needs credentials" message. */
const helperProblems = new Map<string, string>();

const HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];
/** The key `docker login` uses for Docker Hub. */
export const HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export function isHubHost(host: string): boolean {
  return HUB_ALIASES.includes(host.toLowerCase());
}

export interface CredentialResolverOptions {
  env?: NodeJS.ProcessEnv;
  /** Milliseconds a credential helper may take (one deadline for its one run). Default 3 s. */
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
    this.helperTimeoutMs = options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    this.warn = options.warn ?? (() => undefined);
  }

  async resolve(query: CredentialQuery): Promise<Credential | undefined> {
    return this.fromStore(query) ?? (await this.fromDockerConfig(query.host));
  }

  /**
   * Steps 1 and 2 only (no processes started). An entry with a user name and no password (one dropped when its
   * registry moved to another host) is no credential: nothing of it is sent, not even the user name.
   */
  fromStore(query: CredentialQuery): Credential | undefined {
    const host = query.host.toLowerCase();
    const data = this.store.read();
    if (query.repository) {
      const wanted = `${host}/${query.repository}`;
      const repo = data.repositories.find((r) => r.name.toLowerCase() === wanted && r.username && r.password);
      if (repo) return { kind: 'basic', username: repo.username, password: repo.password, source: `saved repository ${repo.name}` };
    }
    const registry = data.registries.find((r) => sameHost(registryHost(r.url), host) && r.username && r.password);
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
    if (helper) return this.fromHelper(helper, host);
    return undefined;
  }

  /** Why no credentials came for this host when a credential helper failed ("docker-credential-x failed: …"). */
  problem(host: string): string | undefined {
    return helperProblems.get(host.toLowerCase());
  }

  /**
   * One run of the helper per registry host per process, under one short deadline, with the key docker
   * itself uses (`https://index.docker.io/v1/` for Docker Hub, `host[:port]` otherwise); the answer (or the
   * failure) is kept for the rest of the process.
   */
  private async fromHelper(helper: string, host: string): Promise<Credential | undefined> {
    if (!/^[A-Za-z0-9_.-]+$/.test(helper)) {
      this.warn(`ignoring credential helper "${helper}": not a plain name`);
      return undefined;
    }
    const program = `docker-credential-${helper}`;
    const key = isHubHost(host) ? HUB_AUTH_KEY : host.toLowerCase();
    const cacheKey = `${program}\n${key}\n${this.env.PATH ?? ''}`;
    let pending = helperAnswers.get(cacheKey);
    if (!pending) {
      pending = runHelper(program, key, this.helperTimeoutMs, this.env).then(
        (answer) => answer,
        (error: unknown) => {
          const message = `${program} failed: ${error instanceof Error ? error.message : String(error)}`;
          helperProblems.set(host.toLowerCase(), message);
          this.warn(message);
          return null;
        },
      );
      helperAnswers.set(cacheKey, pending);
    }
    const parsed = await pending;
    if (!parsed) return undefined;
    if (parsed.Username === '<token>') return { kind: 'identitytoken', username: '', token: parsed.Secret, source: program };
    return { kind: 'basic', username: parsed.Username, password: parsed.Secret, source: program };
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

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const optionalText = v.fallback(v.optional(v.string()), undefined);
/** An object of these fields; anything else reads as null (skipped). */
const recordOf = <T extends v.ObjectEntries>(entries: T) => v.fallback(v.nullable(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object(entries))), null);
/** docker's config.json, as far as credentials go: an entry or field of another type is left out. */
const DockerConfigFile = v.object({
  auths: v.fallback(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.record(v.string(), recordOf({ auth: optionalText, identitytoken: optionalText, username: optionalText, password: optionalText }))), {}),
  credHelpers: v.fallback(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.record(v.string(), v.fallback(v.nullable(v.string()), null))), {}),
  credsStore: optionalText,
});

function parseDockerConfig(raw: unknown): DockerConfig {
  // (Cannot fail: every field falls back, and anything that is not an object reads as an empty one.)
  const file = v.parse(DockerConfigFile, isRecord(raw) ? raw : {});
  const auths: DockerConfig['auths'] = {};
  const credHelpers: DockerConfig['credHelpers'] = {};
  for (const [key, a] of Object.entries(file.auths)) {
    if (!a) continue;
    auths[key.toLowerCase()] = {
      ...(a.auth ? { auth: a.auth } : {}),
      ...(a.identitytoken ? { identitytoken: a.identitytoken } : {}),
      ...(a.username !== undefined ? { username: a.username } : {}),
      ...(a.password !== undefined ? { password: a.password } : {}),
    };
  }
  for (const [key, helper] of Object.entries(file.credHelpers)) if (typeof helper === 'string') credHelpers[key.toLowerCase()] = helper;
  return { auths, credHelpers, ...(file.credsStore ? { credsStore: file.credsStore } : {}) };
}

/** What `docker-credential-<name> get` prints: a user name and a secret (extra fields ignored). */
const HelperAnswer = v.object({ Username: v.string(), Secret: v.pipe(v.string(), v.minLength(1)) });

/** The helper's JSON answer; undefined when it is not credentials. */
function parseHelperOutput(out: string): { Username: string; Secret: string } | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(out);
  } catch {
    return undefined; // not JSON
  }
  const parsed = v.safeParse(HelperAnswer, raw);
  return parsed.success ? parsed.output : undefined;
}

/**
 * Runs `program get` with `serverUrl` on stdin, in its own process group, killed (the whole group) when
 * the deadline passes. Resolves with the credentials, null when the helper has none for that server
 * ("credentials not found"), and rejects with what went wrong otherwise.
 */
function runHelper(program: string, serverUrl: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<{ Username: string; Secret: string } | null> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(program, ['get'], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < 1 << 20) stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code === 'ENOENT' ? `${program} not found on PATH` : error.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Its children too, should any be left behind.
      killGroup();
      if (timedOut) return reject(new Error(`no answer within ${Math.round(timeoutMs / 100) / 10} s (stopped it)`));
      const said = sanitizeLine((stderr.trim() || stdout.trim()).split('\n')[0] ?? '').slice(0, 200);
      if (code !== 0) {
        // "credentials not found in native keychain": nothing stored for this server.
        if (/credentials not found/i.test(`${stdout} ${stderr}`)) return resolve(null);
        return reject(new Error(`exit status ${code}${said ? `: ${said}` : ''}`));
      }
      const parsed = parseHelperOutput(stdout);
      if (!parsed) return reject(new Error('it printed something that is not credentials'));
      resolve(parsed);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
}
