// Registries and saved (external) repositories: the domain model and its validation rules
// (seed: Container Station registry API, Docker Cloud external repositories; DESIGN.md "Registries and repositories").
import { InvalidInput } from './errors';
import { redactSecrets, sanitizeLine } from './sanitize';

export type ApiVersion = 'v1' | 'v2';

export interface Registry {
  name: string;
  /** `scheme://host[:port]`, no credentials, no path. */
  url: string;
  /** Trust this registry's self-signed certificate (pinned by `pinnedCertSha256`). */
  trustCert: boolean;
  username: string;
  /** The secret itself; never printed. Empty when none. */
  password: string;
  version: ApiVersion;
  /** SHA-256 fingerprint of the certificate seen when the registry was added or edited with trustCert. */
  pinnedCertSha256?: string;
  /** True for the built-in "Docker Hub" entry. */
  builtin?: boolean;
}

export interface SavedRepository {
  /** `host[:port]/path`, e.g. `registry.example.com:5000/team/app`. */
  name: string;
  username: string;
  password: string;
}

export const DOCKER_HUB_NAME = 'Docker Hub';
export const MASK = '********';

const MAX_NAME = 64;

/** A registry name: printable, 1–64 characters. */
export function validateRegistryName(name: string): string {
  const clean = sanitizeLine(name);
  if (clean !== name.trim() || clean.length === 0) throw new InvalidInput('registry name must be printable text and not empty');
  if (clean.length > MAX_NAME) throw new InvalidInput(`registry name must be at most ${MAX_NAME} characters`);
  return clean;
}

/**
 * A registry URL: http or https, a host, an optional port, nothing else. Credentials in the URL
 * (`https://user:pass@host`) are refused so they never end up in settings or on screen.
 * A bare `host[:port]` means https.
 */
export function normalizeRegistryUrl(input: string): string {
  const text = input.trim();
  if (text.length === 0) throw new InvalidInput('registry URL is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidInput(`invalid registry URL "${redactSecrets(sanitizeLine(input))}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInput(`invalid registry URL "${redactSecrets(sanitizeLine(input))}": only http:// and https:// are supported`);
  }
  if (url.username || url.password) {
    throw new InvalidInput('registry URL must not carry credentials (user:pass@); use --username and --password-stdin');
  }
  if ((url.pathname !== '/' && url.pathname !== '' && url.pathname !== '/v2/' && url.pathname !== '/v1/') || url.search || url.hash) {
    throw new InvalidInput(`invalid registry URL "${redactSecrets(sanitizeLine(input))}": give only scheme, host and port`);
  }
  if (!url.hostname) throw new InvalidInput(`invalid registry URL "${redactSecrets(sanitizeLine(input))}": no host`);
  return `${url.protocol}//${url.host}`;
}

export function validateApiVersion(value: string): ApiVersion {
  if (value === 'v1' || value === 'v2') return value;
  throw new InvalidInput(`invalid API version "${sanitizeLine(value)}": use v1 or v2`);
}

/** `host[:port]` of a registry URL, as image references name it. */
export function registryHost(url: string): string {
  return new URL(url).host;
}

/** The registry as `--json` shows it (seed field names; the password masked). */
export function registryToJson(r: Registry): {
  name: string;
  url: string;
  enable_trust_cert: boolean;
  username: string;
  password: string;
  version: ApiVersion;
} {
  return {
    name: r.name,
    url: r.url,
    enable_trust_cert: r.trustCert,
    username: r.username,
    password: r.password ? MASK : '',
    version: r.version,
  };
}
