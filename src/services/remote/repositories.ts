// Saved (external) repositories, after the Docker Cloud repository API (seed
// docker-cloud-external-repositories): a repository on a third-party registry with its own credentials.
// list (filter by name and registry), add (access is checked with the given credentials first: wrong ones
// are a 401 and nothing is saved), show, update credentials (checked the same way), remove. `in_use` when
// a local image or container uses it; `registry` is the configured registry's name for its host, or null.
// Names are kept as `host/path`, so renaming a registry (which keeps its host) needs nothing here.
import type { RegistryCredential } from '../../clients/registry/index';
import { AppError, Conflict, InvalidInput, NotFound } from '../../domain/errors';
import { familiarName, fullName, normalizeReference, type RepositoryRef } from '../../domain/reference';
import { registryHostOf, type SavedRepository } from '../../domain/registry';
import { sanitizeLine } from '../../domain/sanitize';
import type { Connections } from './connections';
import type { RemoteDeps } from './index';
import { repositoryOnly } from './refs';

export interface SavedRepositoryView {
  /** `host/path` (`registry.example.com:5000/team/app`, `docker.io/team/app`). */
  name: string;
  /** The configured registry's name, or null when its host has none. */
  registry: string | null;
  inUse: boolean;
}

export interface SavedRepositoryDetails extends SavedRepositoryView {
  username: string;
}

export interface RepositoryCredentialsInput {
  username?: string;
  password?: string;
}

export class Repositories {
  constructor(
    private readonly deps: RemoteDeps,
    private readonly connections: Connections,
  ) {}

  async list(filter: { name?: string; registry?: string } = {}): Promise<SavedRepositoryView[]> {
    const all = this.deps.registryStore.read().repositories;
    const host = filter.registry ? this.hostOfRegistry(filter.registry) : undefined;
    const needle = filter.name?.trim().toLowerCase() ?? '';
    const chosen = all.filter((r) => (!needle || r.name.toLowerCase().includes(needle)) && (!host || hostOf(r.name) === host));
    const usage = await this.usage();
    return chosen.map((r) => this.view(r, usage)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async show(name: string): Promise<SavedRepositoryDetails> {
    const saved = this.find(name);
    const usage = await this.usage();
    return { ...this.view(saved, usage), username: sanitizeLine(saved.username) };
  }

  async add(name: string, input: RepositoryCredentialsInput = {}, signal?: AbortSignal): Promise<SavedRepositoryDetails> {
    const ref = this.parseName(name);
    const full = fullName(ref);
    const credentials = checkCredentials(input);
    if (this.findOptional(full)) throw new Conflict(`saved repository ${full} already exists`, { hint: 'change its credentials with `stevedore repo update NAME`' });
    try {
      await this.checkAccess(ref, credentials, signal);
    } catch (error) {
      // Given credentials that are refused stop it (nothing saved). None given where some are asked for:
      // saved, with a warning that says so (as for a registry).
      if (credentials || !(error instanceof AppError) || error.code !== 401) throw error;
      this.deps.warn(`${sanitizeLine(full)} asks for credentials and none were given or found: save them with \`stevedore repo update ${sanitizeLine(full)} --username U --password-stdin\``);
    }
    this.deps.registryStore.update((data) => {
      if (data.repositories.some((r) => r.name.toLowerCase() === full.toLowerCase())) throw new Conflict(`saved repository ${full} already exists`);
      return { ...data, repositories: [...data.repositories, { name: full, username: credentials?.username ?? '', password: credentials?.password ?? '' }] };
    });
    return this.show(full);
  }

  async update(name: string, input: RepositoryCredentialsInput, signal?: AbortSignal): Promise<SavedRepositoryDetails> {
    const saved = this.find(name);
    const ref = this.parseName(saved.name);
    const credentials = checkCredentials(input);
    await this.checkAccess(ref, credentials, signal);
    this.deps.registryStore.update((data) => {
      const index = data.repositories.findIndex((r) => r.name.toLowerCase() === saved.name.toLowerCase());
      if (index < 0) throw new NotFound(`Repository not found: ${saved.name}`);
      const repositories = data.repositories.slice();
      repositories[index] = { name: saved.name, username: credentials?.username ?? '', password: credentials?.password ?? '' };
      return { ...data, repositories };
    });
    return this.show(saved.name);
  }

  async remove(name: string): Promise<SavedRepositoryView> {
    const saved = this.find(name);
    const usage = await this.usage();
    this.deps.registryStore.update((data) => ({ ...data, repositories: data.repositories.filter((r) => r.name.toLowerCase() !== saved.name.toLowerCase()) }));
    return this.view(saved, usage);
  }

  /** Reads the tag list with exactly these credentials (or the usual ones when none are given). */
  private async checkAccess(ref: RepositoryRef, credentials: { username: string; password: string } | undefined, signal?: AbortSignal): Promise<void> {
    const use: RegistryCredential | undefined = credentials ? { kind: 'basic', ...credentials, source: 'the credentials given' } : undefined;
    const client = credentials ? this.connections.v2(ref.domain, { use }) : this.connections.v2(ref.domain);
    await client.tags(ref.path, { display: familiarName(ref), ...(signal ? { signal } : {}) });
  }

  private parseName(name: string): RepositoryRef {
    const ref = repositoryOnly(normalizeReference(name.trim()), 'a saved repository');
    return { domain: ref.domain, path: ref.path };
  }

  private findOptional(name: string): SavedRepository | undefined {
    let full: string;
    try {
      full = fullName(this.parseName(name)).toLowerCase();
    } catch {
      full = name.trim().toLowerCase();
    }
    return this.deps.registryStore.read().repositories.find((r) => r.name.toLowerCase() === full || r.name.toLowerCase() === name.trim().toLowerCase());
  }

  private find(name: string): SavedRepository {
    const found = this.findOptional(name);
    if (!found) throw new NotFound(`Repository not found: ${sanitizeLine(name)}`, { hint: 'see `stevedore repo list`' });
    return found;
  }

  private hostOfRegistry(registryName: string): string {
    const registry = this.deps.registries.get(registryName);
    return registryHostOf(registry).toLowerCase();
  }

  private view(r: SavedRepository, usage: Usage): SavedRepositoryView {
    const host = hostOf(r.name);
    const registry = this.deps.registries.byHost(host);
    const key = r.name.toLowerCase();
    return { name: sanitizeLine(r.name), registry: registry ? registry.name : null, inUse: usage ? usage.has(key) : false };
  }

  private async usage(): Promise<Usage> {
    const local = await this.deps.localUsage().catch(() => null);
    if (!local) {
      this.deps.warn('cannot reach the engine: "in_use" of saved repositories is unknown (shown as false)');
      return null;
    }
    return new Set([...local.images, ...local.containers].map((n) => n.toLowerCase()));
  }
}

type Usage = Set<string> | null;

function hostOf(name: string): string {
  return (name.split('/')[0] ?? '').toLowerCase();
}

function checkCredentials(input: RepositoryCredentialsInput): { username: string; password: string } | undefined {
  const username = input.username?.trim() ?? '';
  const password = input.password ?? '';
  if (!username && password) throw new InvalidInput('a password needs a user name (--username)');
  if (/[:\s\u0000-\u001f\u007f]/.test(username)) throw new InvalidInput('username must not contain ":", spaces or control characters');
  return username ? { username, password } : undefined;
}

