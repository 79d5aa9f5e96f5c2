// The engine checks of `stevedore doctor`, in one function: which engine is used and by which rule (the engine
// catalog's precedence: --engine, DOCKER_HOST, DOCKER_CONTEXT, `engine use`, docker's current context, the default
// socket), whether it answers (and its version), and for a unix socket whether this user may use it (the
// `docker` group).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { Endpoint } from '../../clients/engine/endpoint';
import type { EngineEntry } from '../../domain/engines';
import { isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { EngineInfo } from '../engine/index';
import { fail, pass, skip, type Check } from './types';

/** What the check needs of the engine catalog (src/services/engine/catalog.ts). */
export interface EngineChoice {
  activeName(): string;
  activeEndpoint(): Endpoint;
  find(name: string): EngineEntry;
}

export interface EngineCheckDeps {
  env: NodeJS.ProcessEnv;
  engines: () => Promise<EngineChoice>;
  /** `--engine NAME` of this command, when given. */
  override?: string | null;
  /** The engine's version and platform, or why it cannot be reached (EngineServices.info). */
  info: () => Promise<EngineInfo>;
  /** The user's groups and the group database (tests give their own). */
  groups?: () => number[];
  groupFile?: string;
}

export async function checkEngine(deps: EngineCheckDeps): Promise<Check[]> {
  let endpoint: Endpoint;
  let name: string;
  let entry: EngineEntry | null = null;
  try {
    const catalog = await deps.engines();
    name = catalog.activeName();
    endpoint = catalog.activeEndpoint();
    try {
      entry = catalog.find(name);
    } catch {
      entry = null;
    }
  } catch (error) {
    const e = isAppError(error) ? error : null;
    return [fail('engine.found', 'engine', sanitizeLine(e?.message ?? String(error)), e?.hint ?? 'fix --engine, DOCKER_HOST or DOCKER_CONTEXT (`stevedore engine list` shows the engines there are)')];
  }
  const checks: Check[] = [pass('engine.found', 'engine', `"${sanitizeLine(name)}" at ${endpoint.description}, ${rule(name, entry, deps)}`)];
  const info = await deps.info();
  if (info.reachable) {
    checks.push(pass('engine.reachable', 'engine answers', `Docker Engine ${info.version ?? '(version unknown)'}${info.platform ? ` on ${info.platform}` : ''}`));
  } else {
    checks.push(fail('engine.reachable', 'engine answers', unreachableDetail(endpoint, info), unreachableFix(endpoint, info)));
  }
  checks.push(endpoint.kind === 'unix' ? checkSocket(endpoint.socketPath, deps) : skip('engine.socket', 'socket', `not a unix socket (${endpoint.kind})`));
  return checks;
}

/** The engine's error without the generic hint it carries (the fix below is more precise); ssh keeps ssh's words. */
function unreachableDetail(endpoint: Endpoint, info: EngineInfo): string {
  const message = sanitizeLine(info.error?.message ?? `cannot reach the engine at ${endpoint.description}`);
  const split = /^(cannot reach the engine at \S+) \((.*)\)$/.exec(message);
  if (!split) return message;
  return endpoint.kind === 'ssh' || /permission denied/i.test(split[2] ?? '') ? `${split[1]}: ${split[2]}` : (split[1] ?? message);
}

/** Which rule chose the engine, in the order the engine catalog applies them. */
function rule(name: string, entry: EngineEntry | null, deps: EngineCheckDeps): string {
  const env = deps.env;
  if (deps.override && deps.override === name) return 'chosen with --engine';
  if (env.STEVEDORE_ENGINE?.trim() === name) return 'chosen with STEVEDORE_ENGINE';
  if (env.DOCKER_HOST?.trim()) return 'from DOCKER_HOST';
  if (env.DOCKER_CONTEXT?.trim() === name) return 'from DOCKER_CONTEXT';
  if (entry?.source === 'saved') return 'a saved engine chosen with `stevedore engine use`';
  if (entry?.source === 'context') return 'a docker context (chosen with `stevedore engine use` or `docker context use`)';
  return 'the default socket (no --engine, DOCKER_HOST, DOCKER_CONTEXT, `engine use` or docker context says otherwise)';
}

function unreachableFix(endpoint: Endpoint, info: EngineInfo): string {
  if (endpoint.kind === 'unix' && /permission denied|EACCES/i.test(info.error?.message ?? '')) return 'see the socket check below';
  if (endpoint.kind === 'unix') {
    return endpoint.source === 'default'
      ? 'start the engine (sudo systemctl start docker; on a QNAP NAS: start Container Station), or point DOCKER_HOST at yours'
      : `start the engine behind ${endpoint.description}, or fix ${endpoint.source}`;
  }
  if (endpoint.kind === 'ssh') return `check that \`ssh ${endpoint.user ? `${endpoint.user}@` : ''}${endpoint.host} docker version\` works (keys, known_hosts, docker on the remote PATH)`;
  return `check that the engine listens on ${endpoint.host}:${endpoint.port}${endpoint.tls ? ' and DOCKER_CERT_PATH holds its ca.pem, cert.pem and key.pem' : ''}`;
}

function checkSocket(path: string, deps: EngineCheckDeps): Check {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      return fail('engine.socket', 'socket', `${path} cannot be reached: a folder on its path is closed to you`, 'ask the engine\'s owner to open that folder to the docker group, or use another DOCKER_HOST');
    }
    return skip('engine.socket', 'socket', `${path} does not exist (the engine is not running there)`);
  }
  if (!st.isSocket()) return fail('engine.socket', 'socket', `${path} is not a socket`, 'point DOCKER_HOST at the engine\'s socket');
  const groupName = groupNameOf(st.gid, deps.groupFile ?? '/etc/group') ?? String(st.gid);
  const owner = `owner uid ${st.uid}, group ${groupName}, mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}`;
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return pass('engine.socket', 'socket', `${path} is usable by you (${owner})`);
  } catch {
    const groups = (deps.groups ?? (() => process.getgroups?.() ?? []))();
    const member = groups.includes(st.gid);
    const listed = membersOf(st.gid, deps.groupFile ?? '/etc/group').includes(deps.env.USER ?? deps.env.LOGNAME ?? '');
    const fix = listed && !member
      ? `you were added to group ${groupName} after this session started: log out and in again (or run \`newgrp ${groupName}\`)`
      : `add yourself to group ${groupName}: sudo usermod -aG ${groupName} "$USER", then log out and in again`;
    return fail('engine.socket', 'socket', `permission denied on ${path} (${owner}) and you are not in group ${groupName}`, fix);
  }
}

function groupEntries(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').map((l) => l.split(':'));
  } catch {
    return [];
  }
}

function groupNameOf(gid: number, file: string): string | undefined {
  return groupEntries(file).find((f) => f[2] === String(gid))?.[0];
}

function membersOf(gid: number, file: string): string[] {
  return (groupEntries(file).find((f) => f[2] === String(gid))?.[3] ?? '').split(',').filter(Boolean);
}
