// Registries and saved (external) repositories: the domain model and its validation rules
// (seed: Container Station registry API, Docker Cloud external repositories; DESIGN.md "Registries and repositories").
import { InvalidInput } from './errors';
import { DOCKER_HUB_DOMAIN, type ImageRef, normalizeReference } from './reference';
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
  /** CA certificates (PEM) its certificate is verified with, besides the system's (`--ca-file`). */
  caCert?: string;
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

/** The host image references use for a configured registry: `docker.io` for Docker Hub, else its URL's host. */
export function registryHostOf(registry: Pick<Registry, 'url' | 'builtin'>): string {
  return registry.builtin ? DOCKER_HUB_DOMAIN : registryHost(registry.url);
}

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Does the text name its registry explicitly (first component with '.', ':' or `localhost`, or upper case)? */
export function namesHost(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const first = text.slice(0, slash);
  return first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first;
}

function sameHost(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (HUB_ALIASES.has(x) && HUB_ALIASES.has(y));
}

/**
 * `--registry NAME` (DESIGN.md "CLI grammar"), the one rule every surface uses: a REF is normalised; with a
 * registry, a short name is looked up on it (`app` → `HOST/app`; `library/` only on docker.io) and a REF that
 * names another host is a 400.
 */
export function resolveRef(text: string, registries: { get(name: string): Registry }, registryName?: string): ImageRef {
  const input = text.trim();
  if (!input) throw new InvalidInput('give an image name');
  if (!registryName) return normalizeReference(input);
  const registry = registries.get(registryName);
  const host = registryHostOf(registry);
  if (namesHost(input)) {
    const ref = normalizeReference(input);
    if (!sameHost(ref.domain, host)) {
      throw new InvalidInput(`"${sanitizeLine(input)}" names registry ${ref.domain}, not ${registry.name} (${host})`, {
        hint: 'drop --registry, or give the name without its host',
      });
    }
    return ref;
  }
  return host === DOCKER_HUB_DOMAIN ? normalizeReference(input) : normalizeReference(`${host}/${input}`);
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
