// Which engines there are and which one is active (DESIGN.md "Engines"). Precedence, as docker's own plus
// ours: `--engine NAME` (or STEVEDORE_ENGINE, which is how the download worker is told), else DOCKER_HOST,
// else DOCKER_CONTEXT, else the engine chosen with `engine use`, else docker's current context, else the
// default socket. Names: `default`, docker's contexts, saved engines (a saved name may not shadow a context),
// and `DOCKER_HOST` when that is set. A little over 300 lines: `engine add` and the app's edit share one check that
// the engine answers (answers()), kept beside the rules it guards.
import { homedir } from 'node:os';
import {
  EngineClient,
  type Endpoint,
  contextEndpoint,
  currentContext,
  dockerConfigDir,
  dockerContexts,
  parseHost,
  resolveEndpoint,
  sshControlDir,
  tlsFromDir,
} from '../../clients/engine/index';
import { DEFAULT_ENGINE, ENV_ENGINE, type EngineEntry, type EngineRule, type EngineStatus, type SavedEngine, engineNameProblem } from '../../domain/engines';
import { Conflict, EngineNotAnswering, type ErrorCode, Forbidden, InvalidInput, NotFound, isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { EnginesFile } from '../../store/engineStore';

export const DEFAULT_SOCKET_HOST = 'unix:///var/run/docker.sock';
/** How long `engine list` waits for each engine's answer (they are asked at once). */
export const CHECK_TIMEOUT_MS = 3_000;

export interface EngineStoreLike {
  read(): EnginesFile;
  update(change: (current: EnginesFile) => EnginesFile): EnginesFile;
}

export interface EngineCatalogDeps {
  env: NodeJS.ProcessEnv;
  store: () => EngineStoreLike;
  /** `--engine NAME` for this process (null: the usual precedence). */
  override?: string | null;
}

export interface AddEngineInput {
  name: string;
  host: string;
  tlsVerify?: boolean;
  certPath?: string | null;
  dockerPath?: string | null;
}

export class EngineCatalog {
  private override: string | null;
  private overrideRule: EngineRule = '--engine';

  constructor(private readonly deps: EngineCatalogDeps) {
    this.override = deps.override ?? (deps.env.STEVEDORE_ENGINE?.trim() || null);
  }

  private get home(): string {
    return this.deps.env.HOME || homedir();
  }

  private get dockerConfig(): string {
    return dockerConfigDir(this.deps.env, this.home);
  }

  /** Every engine, the active one marked: default, DOCKER_HOST (when set), docker's contexts, saved engines. */
  list(): EngineEntry[] {
    const active = this.activeName();
    const entries: EngineEntry[] = [{ name: DEFAULT_ENGINE, host: DEFAULT_SOCKET_HOST, source: 'default', active: false, saved: null }];
    const envHost = this.deps.env.DOCKER_HOST?.trim();
    if (envHost) entries.push({ name: ENV_ENGINE, host: sanitizeLine(envHost), source: 'env', active: false, saved: null });
    for (const c of dockerContexts(this.dockerConfig)) {
      if (c.name !== DEFAULT_ENGINE) entries.push({ name: c.name, host: c.host, source: 'context', active: false, saved: null });
    }
    for (const s of this.saved()) {
      if (!entries.some((e) => e.name === s.name)) entries.push({ name: s.name, host: s.host, source: 'saved', active: false, saved: s });
    }
    return entries.map((e) => ({ ...e, active: e.name === active }));
  }

  /** The name of the engine commands use now. */
  activeName(): string {
    return this.choice().name;
  }

  /** The engine a command without `--engine` uses (what hints compare with). */
  defaultName(): string {
    return this.choice(false).name;
  }

  /**
   * The engine in use and the rule that chose it (the app's header says it): `--engine` (or this app's switch),
   * DOCKER_HOST, DOCKER_CONTEXT, the engine chosen with `engine use` or in the app, docker's current context,
   * else the default socket.
   */
  choice(withOverride = true): { name: string; rule: EngineRule } {
    if (withOverride && this.override) return { name: this.override, rule: this.overrideRule };
    const env = this.deps.env;
    if (env.DOCKER_HOST?.trim()) return { name: ENV_ENGINE, rule: 'DOCKER_HOST' };
    if (env.DOCKER_CONTEXT?.trim()) return { name: env.DOCKER_CONTEXT.trim(), rule: 'DOCKER_CONTEXT' };
    const chosen = this.store().read().current;
    if (chosen && this.exists(chosen)) return { name: chosen, rule: 'chosen' };
    const context = currentContext(this.dockerConfig);
    return context ? { name: context, rule: 'docker context' } : { name: DEFAULT_ENGINE, rule: 'default' };
  }

  /**
   * Makes `name` the active engine of this process and remembers it for the next start, as `engine use` does
   * (the app's switch): DOCKER_HOST and DOCKER_CONTEXT still win then. Returns what takes precedence, if anything.
   */
  select(name: string): string | null {
    this.find(name);
    this.override = name;
    this.overrideRule = 'switched';
    // DOCKER_HOST is an engine of this shell only: nothing to remember.
    return name === ENV_ENGINE ? null : this.use(name);
  }

  /** Where engine `name` is. */
  endpointOf(name: string): Endpoint {
    const env = this.deps.env;
    if (name === ENV_ENGINE && env.DOCKER_HOST?.trim()) return resolveEndpoint(env, { home: this.home });
    if (name === DEFAULT_ENGINE) return parseHost(DEFAULT_SOCKET_HOST, 'default', null);
    const saved = this.saved().find((s) => s.name === name);
    if (saved) return savedEndpoint(saved, this.home);
    if (dockerContexts(this.dockerConfig).some((c) => c.name === name)) return contextEndpoint(this.dockerConfig, name, `docker context "${sanitizeLine(name)}"`);
    throw this.unknown(name);
  }

  activeEndpoint(): Endpoint {
    return this.endpointOf(this.activeName());
  }

  find(name: string): EngineEntry {
    const hit = this.list().find((e) => e.name === name);
    if (!hit) throw this.unknown(name);
    return hit;
  }

  add(input: AddEngineInput): EngineEntry {
    const saved = this.checked(input);
    this.store().update((file) => {
      if (file.engines.some((e) => e.name === saved.name)) throw new Conflict(`an engine named "${saved.name}" exists already`, { hint: '`stevedore engine rm` it first, or choose another name' });
      return { ...file, engines: [...file.engines, saved] };
    });
    return this.find(saved.name);
  }

  /**
   * `engine add`: the engine is asked for its version first; one that does not answer (or answers something
   * that is not an engine) is saved only with `force`, and `problem` says why.
   */
  async addChecked(input: AddEngineInput, force: boolean, timeoutMs = CHECK_TIMEOUT_MS): Promise<{ entry: EngineEntry; problem: string | null }> {
    const saved = this.checked(input);
    if (this.saved().some((e) => e.name === saved.name)) throw new Conflict(`an engine named "${saved.name}" exists already`, { hint: '`stevedore engine rm` it first, or choose another name' });
    const problem = await this.answers(saved, force, timeoutMs);
    return { entry: this.add(input), problem };
  }

  /** The app's edit form: the same check as `engine add` before the saved engine is replaced. */
  async editChecked(name: string, input: AddEngineInput, force: boolean, timeoutMs = CHECK_TIMEOUT_MS): Promise<{ entry: EngineEntry; problem: string | null }> {
    if (!this.saved().some((s) => s.name === name)) throw this.notSaved(name);
    const problem = await this.answers(this.checked(input), force, timeoutMs);
    return { entry: this.edit(name, input), problem };
  }

  /**
   * Asks the engine for its version: null when it answers; else what went wrong, or (without `force`) an
   * EngineNotAnswering of that code saying it was not saved.
   */
  private async answers(saved: SavedEngine, force: boolean, timeoutMs: number): Promise<string | null> {
    const endpoint = savedEndpoint(saved, this.home);
    let problem: { code: number; text: string } | null = null;
    const client = this.client(endpoint, endpoint.kind === 'ssh' ? timeoutMs * 2 : timeoutMs);
    try {
      await client.version();
    } catch (error) {
      // The message alone: the error's own hint speaks of commands on an engine that is not saved yet.
      problem = { code: isAppError(error) ? error.code : 502, text: isAppError(error) ? error.message : describe(error) };
    } finally {
      client.close();
    }
    if (problem && !force) {
      throw new EngineNotAnswering(problem.code as ErrorCode, `engine "${saved.name}" was not saved: ${sanitizeLine(saved.host)} does not answer as an engine (${problem.text})`, {
        hint: 'check the host (and `--docker-path` for ssh), or save it anyway with --force',
      });
    }
    return problem?.text ?? null;
  }

  /** A saved engine's fields, checked: its name, its host (and TLS files when asked to verify), no clash with a context. */
  private checked(input: AddEngineInput): SavedEngine {
    const name = input.name.trim();
    const problem = engineNameProblem(name);
    if (problem) throw new InvalidInput(problem);
    const saved: SavedEngine = {
      name,
      host: input.host.trim(),
      tlsVerify: input.tlsVerify ?? false,
      certPath: input.certPath?.trim() || null,
      dockerPath: input.dockerPath?.trim() || null,
    };
    const endpoint = savedEndpoint(saved, this.home); // checks the host, and the TLS files when asked to verify
    if (saved.dockerPath && endpoint.kind !== 'ssh') throw new InvalidInput('--docker-path is for ssh:// engines');
    if ((saved.tlsVerify || saved.certPath) && endpoint.kind !== 'tcp') throw new InvalidInput('--tls-verify and --cert-path are for tcp:// engines');
    if (dockerContexts(this.dockerConfig).some((c) => c.name === name)) throw new Conflict(`"${name}" is a docker context already`, { hint: 'choose another name' });
    return saved;
  }

  /** Replaces a saved engine (the app's edit form); a new name carries `engine use` along. */
  edit(name: string, input: AddEngineInput): EngineEntry {
    const existing = this.saved().find((s) => s.name === name);
    if (!existing) throw this.notSaved(name);
    const next = this.checked(input);
    this.store().update((file) => {
      if (next.name !== name && file.engines.some((e) => e.name === next.name)) throw new Conflict(`an engine named "${next.name}" exists already`);
      return {
        engines: file.engines.map((e) => (e.name === name ? next : e)),
        current: file.current === name ? next.name : file.current,
      };
    });
    if (this.override === name) this.override = next.name;
    return this.find(next.name);
  }

  remove(name: string): void {
    if (!this.saved().some((s) => s.name === name)) throw this.notSaved(name);
    this.store().update((file) => ({ engines: file.engines.filter((e) => e.name !== name), current: file.current === name ? null : file.current }));
    if (this.override === name) this.override = null;
  }

  /** `engine use NAME`: saved for later commands. Returns what still takes precedence over it, if anything. */
  use(name: string): string | null {
    this.find(name);
    this.store().update((file) => ({ ...file, current: name === DEFAULT_ENGINE && !currentContext(this.dockerConfig) ? null : name }));
    if (this.deps.env.DOCKER_HOST?.trim()) return 'DOCKER_HOST is set and takes precedence';
    if (this.deps.env.DOCKER_CONTEXT?.trim()) return 'DOCKER_CONTEXT is set and takes precedence';
    return null;
  }

  /** Asks every engine for its version at once, each with a short deadline. */
  async check(entries: EngineEntry[] = this.list(), timeoutMs = CHECK_TIMEOUT_MS): Promise<EngineStatus[]> {
    return Promise.all(
      entries.map(async (entry): Promise<EngineStatus> => {
        let client: EngineClient | undefined;
        try {
          const endpoint = this.endpointOf(entry.name);
          client = this.client(endpoint, endpoint.kind === 'ssh' ? timeoutMs * 2 : timeoutMs);
          const v = await client.version();
          return { ...entry, reachable: true, version: v.version || null, error: null };
        } catch (error) {
          return { ...entry, reachable: false, version: null, error: describe(error) };
        } finally {
          client?.close();
        }
      }),
    );
  }

  /** A client for `endpoint` (ssh engines share one connection per engine; see clients/engine/ssh.ts). */
  client(endpoint: Endpoint, timeoutMs?: number): EngineClient {
    return new EngineClient(endpoint, this.deps.env, {
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(endpoint.kind === 'ssh' ? { sshControlDir: sshControlDir(this.deps.env) } : {}),
    });
  }

  private saved(): SavedEngine[] {
    return this.store().read().engines;
  }

  private store(): EngineStoreLike {
    return this.deps.store();
  }

  private exists(name: string): boolean {
    return name === DEFAULT_ENGINE || this.saved().some((s) => s.name === name) || dockerContexts(this.dockerConfig).some((c) => c.name === name);
  }

  private unknown(name: string): NotFound {
    return new NotFound(`engine not found: ${sanitizeLine(name)}`, { hint: 'see `stevedore engine list`' });
  }

  private notSaved(name: string): AppError {
    if (this.exists(name) || name === ENV_ENGINE) {
      return new Forbidden(`"${sanitizeLine(name)}" is not an engine saved by stevedore`, {
        hint: name === DEFAULT_ENGINE || name === ENV_ENGINE ? 'it is built in' : 'it is a docker context: change it with `docker context`',
      });
    }
    return this.unknown(name);
  }
}

type AppError = NotFound | Forbidden;

function savedEndpoint(saved: SavedEngine, home: string): Endpoint {
  const source = `engine "${saved.name}"`;
  const scheme = saved.host.includes('://') ? saved.host.slice(0, saved.host.indexOf('://')).toLowerCase() : 'tcp';
  const tls = scheme === 'tcp' && (saved.tlsVerify || saved.certPath) ? tlsFromDir(saved.certPath, saved.tlsVerify, home) : null;
  return parseHost(saved.host, source, tls, { dockerPath: saved.dockerPath });
}

function describe(error: unknown): string {
  if (isAppError(error)) return error.describe();
  return sanitizeLine(error instanceof Error ? error.message : String(error));
}
