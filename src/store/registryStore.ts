// registries.json: the user's registries and saved (external) repositories, with their
// credentials (file mode 0600). The rules (Docker Hub fixed, unique names, URL checks, 409 when a
// registry is still used) live in the registries/repositories services; this file only keeps data.
import type { ApiVersion, Registry, SavedRepository } from '../domain/registry';
import { JsonStore, PartlyValid } from './jsonStore';

/** On-disk shape: the seed's field names. */
interface StoredRegistry {
  name: string;
  url: string;
  enable_trust_cert: boolean;
  username: string;
  password: string;
  version: ApiVersion;
  certificate_sha256?: string;
  ca_certificate?: string;
}

interface StoredRepository {
  name: string;
  username: string;
  password: string;
}

type RegistryFile = { registries: StoredRegistry[]; repositories: StoredRepository[] } & Record<string, unknown>;

export interface RegistryData {
  registries: Registry[];
  repositories: SavedRepository[];
}

export class RegistryStore {
  private readonly file: JsonStore<RegistryFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<RegistryFile>({
      dir,
      name: 'registries',
      defaults: () => ({ registries: [], repositories: [] }),
      validate: validateFile,
      warn,
    });
  }

  get path(): string {
    return this.file.path;
  }

  read(): RegistryData {
    return fromFile(this.file.read());
  }

  update(change: (current: RegistryData) => RegistryData): RegistryData {
    return fromFile(this.file.update((current) => toFile(change(fromFile(current)))));
  }
}

function fromFile(file: RegistryFile): RegistryData {
  return {
    registries: file.registries.map((r) => ({
      name: r.name,
      url: r.url,
      trustCert: r.enable_trust_cert,
      username: r.username,
      password: r.password,
      version: r.version,
      ...(r.certificate_sha256 ? { pinnedCertSha256: r.certificate_sha256 } : {}),
      ...(r.ca_certificate ? { caCert: r.ca_certificate } : {}),
    })),
    repositories: file.repositories.map((r) => ({ name: r.name, username: r.username, password: r.password })),
  };
}

function toFile(data: RegistryData): RegistryFile {
  return {
    registries: data.registries
      .filter((r) => !r.builtin)
      .map((r) => ({
        name: r.name,
        url: r.url,
        enable_trust_cert: r.trustCert,
        username: r.username,
        password: r.password,
        version: r.version,
        ...(r.pinnedCertSha256 ? { certificate_sha256: r.pinnedCertSha256 } : {}),
        ...(r.caCert ? { ca_certificate: r.caCert } : {}),
      })),
    repositories: data.repositories.map((r) => ({ name: r.name, username: r.username, password: r.password })),
  };
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function validateFile(raw: unknown): RegistryFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('registries file must be an object');
  const record = raw as Record<string, unknown>;
  const registries = record.registries ?? [];
  const repositories = record.repositories ?? [];
  if (!Array.isArray(registries) || !Array.isArray(repositories)) throw new TypeError('registries and repositories must be lists');
  // One unusable entry must not take the others with it: keep what is valid, say what is not.
  const problems: string[] = [];
  const file: RegistryFile = { registries: [], repositories: [] };
  registries.forEach((entry: unknown, i) => {
    const r = isRecord(entry) ? entry : {};
    if (!isString(r.name) || !isString(r.url) || (r.version !== 'v1' && r.version !== 'v2')) {
      problems.push(`registry entry ${i + 1}${isString(r.name) ? ` ("${r.name}")` : ''} is not usable (it needs name, url and version v1|v2)`);
      return;
    }
    file.registries.push({
      name: r.name,
      url: r.url,
      enable_trust_cert: r.enable_trust_cert === true,
      username: isString(r.username) ? r.username : '',
      password: isString(r.password) ? r.password : '',
      version: r.version,
      ...(isString(r.certificate_sha256) ? { certificate_sha256: r.certificate_sha256 } : {}),
      ...(isString(r.ca_certificate) ? { ca_certificate: r.ca_certificate } : {}),
    });
  });
  repositories.forEach((entry: unknown, i) => {
    const r = isRecord(entry) ? entry : {};
    if (!isString(r.name)) {
      problems.push(`saved repository entry ${i + 1} has no name`);
      return;
    }
    file.repositories.push({ name: r.name, username: isString(r.username) ? r.username : '', password: isString(r.password) ? r.password : '' });
  });
  if (problems.length > 0) throw new PartlyValid(file, problems);
  return file;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
