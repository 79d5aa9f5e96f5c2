// The engine checks of `stevedore doctor`, in one function so a new way of choosing the engine (a saved
// engine, --engine) is one more case here: which engine is used and by which rule, whether it answers (and
// its version), and for a unix socket whether this user may use it (the `docker` group).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { type Endpoint, resolveEndpoint } from '../../clients/engine/endpoint';
import { isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { EngineInfo } from '../engine/index';
import { fail, pass, skip, type Check } from './types';

export interface EngineCheckDeps {
  env: NodeJS.ProcessEnv;
  /** The engine's version and platform, or why it cannot be reached (EngineServices.info). */
  info: () => Promise<EngineInfo>;
  /** The user's groups and the group database (tests give their own). */
  groups?: () => number[];
  groupFile?: string;
}

export async function checkEngine(deps: EngineCheckDeps): Promise<Check[]> {
  let endpoint: Endpoint;
  try {
    endpoint = resolveEndpoint(deps.env);
  } catch (error) {
    const e = isAppError(error) ? error : null;
    return [fail('engine.found', 'engine', sanitizeLine(e?.message ?? String(error)), e?.hint ?? 'fix DOCKER_HOST or DOCKER_CONTEXT, or unset them to use /var/run/docker.sock')];
  }
  const checks: Check[] = [pass('engine.found', 'engine', `${endpoint.description}, ${rule(endpoint)}`)];
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

/** Which rule chose the engine, in the order docker applies them. */
function rule(endpoint: Endpoint): string {
  if (endpoint.source === 'default') return 'the default socket (DOCKER_HOST, DOCKER_CONTEXT and a current docker context are not set)';
  if (endpoint.source === 'DOCKER_HOST') return 'from DOCKER_HOST';
  return `from ${endpoint.source}`;
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
