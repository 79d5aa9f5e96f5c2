// The registries the user configured, with the rules of the seed and DESIGN.md:
// "Docker Hub" is always present and first and cannot be edited or removed (403); names are unique
// (409); a URL is http(s) with no credentials (400); a registry that saved repositories use cannot
// be removed (409), and renaming or moving it carries them along. A password is only ever sent to the
// host it was given for: moving a registry to another host drops its saved password (and those of its
// saved repositories) unless a new one comes with the change.
import { AppError, Conflict, Forbidden, InvalidInput, NotFound } from '../domain/errors';
import {
  type ApiVersion,
  DOCKER_HUB_NAME,
  type Registry,
  normalizeRegistryUrl,
  registryHost,
  registryHostOf,
  validateRegistryName,
} from '../domain/registry';
import type { RegistryData } from '../store/registryStore';

export interface RegistryDataStore {
  read(): RegistryData;
  update(change: (current: RegistryData) => RegistryData): RegistryData;
}

/** What the registry clients offer this service (ping and certificate pinning). */
export interface RegistryProbe {
  /** Detects the API version (v2 `/v2/`, else v1 `/v1/_ping`); throws a typed error when neither answers. */
  ping(url: string, options: { trustCert: boolean; pinnedCertSha256?: string; ca?: string }): Promise<ApiVersion>;
  /** SHA-256 fingerprint of the certificate the server presents (for `enable_trust_cert`). */
  certificateFingerprint(url: string): Promise<string>;
  /**
   * Checks credentials as `docker login` does (v2): `open` (no credentials asked), `needs-credentials`
   * (asked, none given), `ok`; refused ones throw a 401.
   */
  login?(url: string, options: { trustCert: boolean; pinnedCertSha256?: string; ca?: string; username?: string; password?: string }): Promise<'open' | 'needs-credentials' | 'ok'>;
}

/** How a registry's certificate is checked: trusted as pinned (trustCert), or verified, with its own CA when given. */
interface Tls {
  trustCert: boolean;
  pinned: string | undefined;
  ca: string | undefined;
}

export interface RegistryInput {
  name: string;
  url: string;
  version?: ApiVersion;
  trustCert?: boolean;
  /** CA certificates (PEM, checked: see registryCa.ts) to verify its certificate with (`--ca-file`). */
  caCert?: string;
  username?: string;
  password?: string;
}

export interface RegistryChanges {
  name?: string;
  url?: string;
  version?: ApiVersion;
  trustCert?: boolean;
  /** A new CA (`--ca-file`), or null to drop it (`--no-ca-file`). */
  caCert?: string | null;
  username?: string;
  password?: string;
}

export class RegistryService {
  constructor(
    private readonly store: RegistryDataStore,
    private readonly hubRegistryUrl: string,
    private readonly probe?: RegistryProbe,
    /** A one-line warning that does not stop the change (a registry saved without the credentials it asks for). */
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** Docker Hub first, then the user's registries in the order they were added. */
  list(): Registry[] {
    return [this.dockerHub(), ...this.store.read().registries];
  }

  get(name: string): Registry {
    const found = this.list().find((r) => sameName(r.name, name));
    if (!found) throw new NotFound(`Registry not found: ${name}`, { hint: 'see `stevedore registry list`' });
    return found;
  }

  /** The configured registry serving this `host[:port]`, if any (Docker Hub for docker.io). */
  byHost(host: string): Registry | undefined {
    const h = host.toLowerCase();
    return this.list().find((r) => registryHostOf(r).toLowerCase() === h);
  }

  /** The host image references use for registry `name` (`docker.io` for Docker Hub); 404 for an unknown name. */
  hostOf(name: string): string {
    return registryHostOf(this.get(name));
  }

  async add(input: RegistryInput): Promise<Registry> {
    const name = validateRegistryName(input.name);
    const url = normalizeRegistryUrl(input.url);
    const username = validateUsername(input.username ?? '');
    const trustCert = input.trustCert ?? false;
    if (trustCert && input.caCert) throw bothTrusts();
    this.assertNameFree(name);
    this.assertHostFree(url);
    const tls: Tls = { trustCert, pinned: trustCert ? await this.pin(url) : undefined, ca: input.caCert };
    const version = input.version ?? (await this.detectVersion(url, tls));
    await this.checkLogin(name, url, version, tls, username, input.password ?? '');
    const registry: Registry = {
      name,
      url,
      trustCert,
      username,
      password: input.password ?? '',
      version,
      ...(tls.pinned ? { pinnedCertSha256: tls.pinned } : {}),
      ...(tls.ca ? { caCert: tls.ca } : {}),
    };
    this.store.update((data) => {
      // Checked again inside the update: another process may have added the same name meanwhile.
      if (data.registries.some((r) => sameName(r.name, name))) throw duplicate(name);
      return { ...data, registries: [...data.registries, registry] };
    });
    return registry;
  }

  async edit(name: string, changes: RegistryChanges): Promise<Registry> {
    if (sameName(name, DOCKER_HUB_NAME)) throw hubLocked('edited');
    const current = this.get(name);
    const newName = changes.name === undefined ? current.name : validateRegistryName(changes.name);
    if (!sameName(newName, current.name)) this.assertNameFree(newName);
    const url = changes.url === undefined ? current.url : normalizeRegistryUrl(changes.url);
    if (registryHost(url) !== registryHost(current.url)) this.assertHostFree(url, current.name);
    const trustCert = changes.trustCert ?? current.trustCert;
    const version = changes.version ?? current.version;
    const username = changes.username === undefined ? current.username : validateUsername(changes.username);
    const moved = registryHost(url).toLowerCase() !== registryHost(current.url).toLowerCase();
    const password = changes.password ?? (moved || (changes.username !== undefined && changes.username !== current.username) ? '' : current.password);
    // A CA given replaces trusting the certificate as pinned, and the other way round.
    const caCert = changes.caCert === null ? undefined : (changes.caCert ?? (changes.trustCert === true ? undefined : current.caCert));
    if (trustCert && caCert) throw bothTrusts();
    // The pin is taken again whenever trust is (re)asked for or the address changes.
    const repin = trustCert && (changes.trustCert === true || url !== current.url || !current.pinnedCertSha256);
    const pinned = !trustCert ? undefined : repin ? await this.pin(url) : current.pinnedCertSha256;
    const tls: Tls = { trustCert, pinned, ca: caCert };
    const updated: Registry = {
      name: newName,
      url,
      trustCert,
      username,
      password,
      version: changes.version === undefined && changes.url !== undefined ? await this.detectVersion(url, tls, version) : version,
      ...(pinned ? { pinnedCertSha256: pinned } : {}),
      ...(caCert ? { caCert } : {}),
    };
    // Credentials (or where they are sent, or how they are protected) changed: checked before anything is saved.
    if (changes.username !== undefined || changes.password !== undefined || url !== current.url || pinned !== current.pinnedCertSha256 || caCert !== current.caCert) {
      await this.checkLogin(newName, url, updated.version, tls, username, password);
    }
    const oldHost = registryHost(current.url);
    const newHost = registryHost(url);
    const dropped: string[] = [];
    this.store.update((data) => {
      const index = data.registries.findIndex((r) => sameName(r.name, current.name));
      if (index < 0) throw new NotFound(`Registry not found: ${name}`);
      const registries = data.registries.slice();
      registries[index] = updated;
      const repositories =
        oldHost === newHost
          ? data.repositories
          : data.repositories.map((r) => {
              if (hostOf(r.name) !== oldHost.toLowerCase()) return r;
              if (moved && r.password) dropped.push(r.name);
              return { ...r, name: `${newHost}${r.name.slice(oldHost.length)}`, ...(moved ? { password: '' } : {}) };
            });
      return { registries, repositories };
    });
    if (moved && changes.password === undefined && current.password) dropped.unshift(`registry "${current.name}"`);
    if (dropped.length > 0) {
      this.warn(`the saved passwords of ${dropped.join(', ')} were for ${oldHost} and are not sent to ${newHost}: give them again (\`stevedore registry edit ${updated.name} --password-stdin\`, \`stevedore repo update NAME --password-stdin\`)`);
    }
    return updated;
  }

  remove(name: string): Registry {
    if (sameName(name, DOCKER_HUB_NAME)) throw hubLocked('removed');
    const current = this.get(name);
    const host = registryHost(current.url).toLowerCase();
    this.store.update((data) => {
      const users = data.repositories.filter((r) => hostOf(r.name) === host).map((r) => r.name);
      if (users.length > 0) {
        throw new Conflict(`registry "${current.name}" is used by saved repositories: ${users.join(', ')}`, {
          hint: 'remove them first with `stevedore repo rm NAME`',
        });
      }
      return { ...data, registries: data.registries.filter((r) => !sameName(r.name, current.name)) };
    });
    return current;
  }

  /**
   * Pings a URL that need not be configured (`stevedore registry ping URL`); `ca` verifies with that CA (a
   * registry being added with one), else a configured registry's own CA is used.
   */
  async ping(urlText: string, trustCert = false, ca?: string): Promise<ApiVersion> {
    const url = normalizeRegistryUrl(urlText);
    if (!this.probe) throw new InvalidInput('registry ping is not available in this build');
    const configured = this.list().find((r) => !r.builtin && r.url === url);
    const pinned = trustCert ? (configured?.pinnedCertSha256 ?? (await this.probe.certificateFingerprint(url))) : undefined;
    return this.probe.ping(url, probeTls({ trustCert, pinned, ca: trustCert ? undefined : (ca ?? configured?.caCert) }));
  }

  private dockerHub(): Registry {
    return { name: DOCKER_HUB_NAME, url: this.hubRegistryUrl, trustCert: false, username: '', password: '', version: 'v2', builtin: true };
  }

  private assertNameFree(name: string): void {
    if (this.list().some((r) => sameName(r.name, name))) throw duplicate(name);
  }

  private assertHostFree(url: string, except?: string): void {
    const host = registryHost(url).toLowerCase();
    const other = this.store.read().registries.find((r) => registryHost(r.url).toLowerCase() === host && (!except || !sameName(r.name, except)));
    if (other) throw new Conflict(`registry "${other.name}" already uses ${host}`, { hint: 'edit that one instead' });
  }

  private async pin(url: string): Promise<string | undefined> {
    if (!url.startsWith('https:')) return undefined; // nothing to pin on plain http
    if (!this.probe) throw new InvalidInput('--trust-cert needs to read the certificate, which this build cannot do');
    return this.probe.certificateFingerprint(url);
  }

  /** As `docker login`: refused credentials throw (401, nothing saved); asked-for but missing ones warn. */
  private async checkLogin(name: string, url: string, version: ApiVersion, tls: Tls, username: string, password: string): Promise<void> {
    if (!this.probe?.login || version !== 'v2') return;
    let result: 'open' | 'needs-credentials' | 'ok';
    try {
      // A user name without a password (one dropped when the registry moved) is not a login to try.
      result = await this.probe.login(url, { ...probeTls(tls), ...(username && password ? { username, password } : {}) });
    } catch (error) {
      // Refused credentials stop the change. A check that could not be made (registry down, a certificate
      // stevedore does not trust while the engine may) does not: the registry is saved, with a warning.
      if (error instanceof AppError && error.code === 401) throw error;
      this.warn(`could not check the credentials of registry "${name}": ${error instanceof AppError ? error.describe() : String(error)}`);
      return;
    }
    if (result === 'needs-credentials') {
      this.warn(`${registryHost(url)} asks for credentials and registry "${name}" has none: its images will not be readable until you add them (\`stevedore registry edit ${name} --username U --password-stdin\`)`);
    }
  }

  private async detectVersion(url: string, tls: Tls, fallback: ApiVersion = 'v2'): Promise<ApiVersion> {
    if (!this.probe) return fallback;
    return this.probe.ping(url, probeTls(tls));
  }
}


function probeTls(tls: Tls): { trustCert: boolean; pinnedCertSha256?: string; ca?: string } {
  return { trustCert: tls.trustCert, ...(tls.pinned ? { pinnedCertSha256: tls.pinned } : {}), ...(tls.ca ? { ca: tls.ca } : {}) };
}

function bothTrusts(): InvalidInput {
  return new InvalidInput('--trust-cert and --ca-file go one or the other', { hint: 'a CA verifies the certificate; --trust-cert pins it without one' });
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function hostOf(repositoryName: string): string {
  return repositoryName.split('/')[0]?.toLowerCase() ?? '';
}

function duplicate(name: string): Conflict {
  return new Conflict(`a registry named "${name}" already exists`);
}

function hubLocked(what: string): Forbidden {
  return new Forbidden(`"${DOCKER_HUB_NAME}" cannot be ${what}`, { hint: 'Docker Hub credentials come from `docker login`' });
}

function validateUsername(username: string): string {
  const u = username.trim();
  if (/[:\s\u0000-\u001f\u007f]/.test(u)) throw new InvalidInput('username must not contain ":", spaces or control characters');
  return u;
}
