// registries.json: the user's registries and saved (external) repositories, with their
// credentials (file mode 0600), narrowed by valibot schemas when read. The rules (Docker Hub fixed, unique names, URL checks, 409 when a
// registry is still used) live in the registries/repositories services; this file only keeps data.
import * as v from 'valibot';
import type { ApiVersion, Registry, SavedRepository } from '../domain/registry';
import { sanitizeLine } from '../domain/sanitize';
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

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const record = <T extends v.ObjectEntries>(entries: T) => v.pipe(v.custom<Record<string, unknown>>(isRecord, 'must be an object'), v.object(entries));
/** A string field that may be missing or of another type: read as empty. */
const text = v.fallback(v.string(), '');
const optionalText = v.fallback(v.optional(v.string()), undefined);

/** One registry as stored; name, url and version are what make it usable. */
const Registry_ = record({
  name: v.string(),
  url: v.string(),
  version: v.picklist(['v1', 'v2'] as const),
  enable_trust_cert: v.fallback(v.boolean(), false),
  username: text,
  password: text,
  certificate_sha256: optionalText,
  ca_certificate: optionalText,
});
const Repository_ = record({ name: v.string(), username: text, password: text });
/** The file: two lists (either may be missing), their entries checked one by one below. */
const File_ = record({
  registries: v.optional(v.array(v.unknown()), []),
  repositories: v.optional(v.array(v.unknown()), []),
});

function validateFile(raw: unknown): RegistryFile {
  const parsed = v.safeParse(File_, raw);
  if (!parsed.success) throw new TypeError('registries file must be an object with lists "registries" and "repositories"');
  // One unusable entry must not take the others with it: keep what is valid, say what is not.
  const problems: string[] = [];
  const file: RegistryFile = { registries: [], repositories: [] };
  parsed.output.registries.forEach((entry, i) => {
    const r = v.safeParse(Registry_, entry);
    if (!r.success) {
      const name = isRecord(entry) && typeof entry.name === 'string' ? ` ("${sanitizeLine(entry.name).slice(0, 80)}")` : '';
      problems.push(`registry entry ${i + 1}${name} is not usable (it needs name, url and version v1|v2)`);
      return;
    }
    const { certificate_sha256, ca_certificate, ...rest } = r.output;
    file.registries.push({ ...rest, ...(certificate_sha256 ? { certificate_sha256 } : {}), ...(ca_certificate ? { ca_certificate } : {}) });
  });
  parsed.output.repositories.forEach((entry, i) => {
    const r = v.safeParse(Repository_, entry);
    if (!r.success) {
      problems.push(`saved repository entry ${i + 1} has no name`);
      return;
    }
    file.repositories.push(r.output);
  });
  if (problems.length > 0) throw new PartlyValid(file, problems);
  return file;
}
