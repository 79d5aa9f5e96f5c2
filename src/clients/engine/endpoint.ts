// Where the engine is, found the way the docker CLI finds it (docker/cli command/cli.go resolveContextName,
// opts/hosts.go): DOCKER_HOST wins; else DOCKER_CONTEXT; else config.json `currentContext`; else the default
// socket. A context is read from $DOCKER_CONFIG/contexts/meta/<sha256 of its name>/meta.json (Endpoints.docker.Host,
// SkipTLSVerify) with its TLS files in contexts/tls/<sha256>/docker/. tcp:// uses TLS when DOCKER_TLS_VERIFY
// (verified) or DOCKER_TLS is set, with ca.pem/cert.pem/key.pem from DOCKER_CERT_PATH (default ~/.docker).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { InvalidInput } from '../../domain/errors';
import { redactSecrets, sanitizeLine } from '../../domain/sanitize';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the engine's certificate (DOCKER_TLS_VERIFY / a context without SkipTLSVerify). */
  verify: boolean;
}

export type Endpoint =
  | { kind: 'unix'; socketPath: string; description: string; source: string }
  | { kind: 'tcp'; host: string; port: number; tls: TlsFiles | null; description: string; source: string }
  | {
      kind: 'ssh';
      host: string;
      user: string | null;
      port: number | null;
      /** Socket path on the remote side (`ssh://host/run/docker.sock`), else the remote default. */
      remoteSocket: string | null;
      /** `docker` on the far side when it is not on the non-interactive PATH (`--docker-path`). */
      dockerPath: string | null;
      description: string;
      source: string;
    };

export interface EndpointOptions {
  home?: string;
}

/** The engine the docker CLI would talk to with this environment. */
export function resolveEndpoint(env: NodeJS.ProcessEnv, options: EndpointOptions = {}): Endpoint {
  const home = options.home ?? (env.HOME || homedir());
  const host = env.DOCKER_HOST?.trim();
  if (host) return parseHost(host, 'DOCKER_HOST', tlsFromEnv(env, home));
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  const context = env.DOCKER_CONTEXT?.trim() || currentContext(configDir);
  if (context && context !== 'default') return fromContext(configDir, context, env.DOCKER_CONTEXT ? 'DOCKER_CONTEXT' : 'current docker context');
  return { kind: 'unix', socketPath: DEFAULT_SOCKET, description: `unix://${DEFAULT_SOCKET}`, source: 'default' };
}

/** A short stable key for the endpoint (one download worker per user and engine). */
export function endpointKey(endpoint: Endpoint): string {
  return createHash('sha256').update(endpoint.description).digest('hex').slice(0, 12);
}

/**
 * Parses a DOCKER_HOST value (`unix:///path`, `tcp://host:port`, `host:port`, `ssh://[user@]host[:port][/socket]`).
 * Credentials have no place in it (they would be saved and shown): a password (`user:pass@`, `?password=`) is
 * refused for every scheme, as is any user name for tcp:// and unix://, and a query or fragment.
 */
export function parseHost(value: string, source: string, tls: TlsFiles | null, extra: { dockerPath?: string | null } = {}): Endpoint {
  const text = value.includes('://') ? value : `tcp://${value}`;
  const scheme = text.slice(0, text.indexOf('://')).toLowerCase();
  const shown = (): string => redactSecrets(sanitizeLine(value)).replace(/([?#]).*$/, '$1…');
  const noSecrets = 'it must not carry credentials or a query: use ssh keys (ssh://user@host) or TLS certificates (--tls-verify --cert-path DIR)';
  if (scheme === 'unix') {
    const socketPath = text.slice('unix://'.length) || DEFAULT_SOCKET;
    if (/^[^/]*@/.test(socketPath) || /[?#]/.test(socketPath)) throw new InvalidInput(`invalid ${source} "${shown()}": ${noSecrets}`);
    return { kind: 'unix', socketPath, description: `unix://${socketPath}`, source };
  }
  let url: URL;
  try {
    url = new URL(text.replace(/^[a-z]+:/i, 'http:'));
  } catch {
    throw new InvalidInput(`invalid ${source} "${shown()}"`, { hint: 'use unix:///path, tcp://host:port or ssh://[user@]host' });
  }
  if (url.password || url.search || url.hash || (url.username && scheme !== 'ssh')) throw new InvalidInput(`invalid ${source} "${shown()}": ${noSecrets}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new InvalidInput(`invalid ${source} "${shown()}": no host`);
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const useTls = tls !== null || scheme === 'https';
    const port = url.port ? Number(url.port) : useTls ? 2376 : 2375;
    const effective = useTls ? (tls ?? { verify: true }) : null;
    return { kind: 'tcp', host, port, tls: effective, description: `tcp://${url.hostname}:${port}`, source };
  }
  if (scheme === 'ssh') {
    const user = url.username ? decodeURIComponent(url.username) : null;
    const port = url.port ? Number(url.port) : null;
    const remoteSocket = url.pathname && url.pathname !== '/' ? decodeURIComponent(url.pathname) : null;
    const who = `${user ? `${user}@` : ''}${url.hostname}${port ? `:${port}` : ''}`;
    return { kind: 'ssh', host, user, port, remoteSocket, dockerPath: extra.dockerPath ?? null, description: `ssh://${who}${remoteSocket ?? ''}`, source };
  }
  throw new InvalidInput(`unsupported ${source} "${shown()}"`, { hint: 'use unix://, tcp:// or ssh://' });
}

function tlsFromEnv(env: NodeJS.ProcessEnv, home: string): TlsFiles | null {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return null;
  const dir = env.DOCKER_CERT_PATH || join(home, '.docker');
  return { ...readTlsFiles(dir, verify), verify };
}

/** TLS for a saved engine: the files of `certPath` (ca.pem, cert.pem, key.pem); ca.pem is needed to verify. */
export function tlsFromDir(certPath: string | null, verify: boolean, home: string): TlsFiles {
  const dir = certPath || join(home, '.docker');
  return { ...readTlsFiles(dir, verify), verify };
}

export function readTlsFiles(dir: string, required: boolean): Omit<TlsFiles, 'verify'> {
  const read = (name: string): Buffer | undefined => {
    try {
      return readFileSync(join(dir, name));
    } catch {
      return undefined;
    }
  };
  const files = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  if (required && !files.ca) {
    throw new InvalidInput(`DOCKER_TLS_VERIFY is set but ${join(dir, 'ca.pem')} cannot be read`, { hint: 'set DOCKER_CERT_PATH to the directory with ca.pem, cert.pem and key.pem' });
  }
  return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
}

/** docker's client config dir: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv, home = env.HOME || homedir()): string {
  return env.DOCKER_CONFIG || join(home, '.docker');
}

export interface DockerContext {
  name: string;
  host: string;
  description: string;
  skipTlsVerify: boolean;
}

/** docker's contexts, from $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json (unreadable ones skipped). */
export function dockerContexts(configDir: string): DockerContext[] {
  const metaDir = join(configDir, 'contexts', 'meta');
  let ids: string[];
  try {
    ids = readdirSync(metaDir);
  } catch {
    return [];
  }
  const out: DockerContext[] = [];
  for (const id of ids) {
    try {
      const meta = v.safeParse(ContextMeta, JSON.parse(readFileSync(join(metaDir, id, 'meta.json'), 'utf8')));
      if (!meta.success || !meta.output.Name || !meta.output.Endpoints.docker.Host) continue;
      const { Name, Endpoints, Metadata } = meta.output;
      out.push({
        name: sanitizeLine(Name),
        host: sanitizeLine(Endpoints.docker.Host),
        description: sanitizeLine(Metadata.Description),
        skipTlsVerify: Endpoints.docker.SkipTLSVerify,
      });
    } catch {
      // not a context docker could read either
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The endpoint of docker context `name`. */
export function contextEndpoint(configDir: string, name: string, source: string): Endpoint {
  return fromContext(configDir, name, source);
}

/** config.json's `currentContext` (null for none or `default`). */
export function currentContext(configDir: string): string | null {
  try {
    const config = v.safeParse(DockerConfig, JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')));
    if (config.success) return config.output.currentContext || null;
  } catch {
    // no config.json, or not JSON: docker then uses the default context
  }
  return null;
}

function fromContext(configDir: string, name: string, source: string): Endpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(metaFile, 'utf8'));
  } catch {
    throw new InvalidInput(`docker context "${sanitizeLine(name)}" (${source}) does not exist`, { hint: 'see `docker context ls`' });
  }
  const meta = v.safeParse(ContextMeta, raw);
  const host = meta.success ? meta.output.Endpoints.docker.Host : '';
  if (!meta.success || !host) throw new InvalidInput(`docker context "${sanitizeLine(name)}" has no docker endpoint`);
  const skipVerify = meta.output.Endpoints.docker.SkipTLSVerify;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const files = readTlsFiles(tlsDir, false);
  const tls = Object.keys(files).length > 0 ? { ...files, verify: !skipVerify } : null;
  return parseHost(host, `docker context "${sanitizeLine(name)}" (${source})`, tls);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
/** An object; missing or of another shape reads as `{}` (the fields below then read as empty). */
const text = v.fallback(v.string(), '');

/** A docker context's meta.json, as far as stevedore reads it: a field of the wrong type reads as empty. */
const ContextMeta = v.pipe(
  v.custom<Record<string, unknown>>(isRecord),
  v.object({
    Name: text,
    Metadata: v.fallback(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object({ Description: text })), { Description: '' }),
    Endpoints: v.fallback(
      v.pipe(
        v.custom<Record<string, unknown>>(isRecord),
        v.object({ docker: v.fallback(v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object({ Host: text, SkipTLSVerify: v.fallback(v.boolean(), false) })), { Host: '', SkipTLSVerify: false }) }),
      ),
      { docker: { Host: '', SkipTLSVerify: false } },
    ),
  }),
);

/** docker's config.json, for its `currentContext` only. */
const DockerConfig = v.pipe(v.custom<Record<string, unknown>>(isRecord), v.object({ currentContext: text }));
