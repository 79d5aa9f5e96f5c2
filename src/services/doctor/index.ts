// `stevedore doctor`: every check that explains a first-five-minutes problem, one line each, in the order a
// person would fix them (Node, engine, settings, docker's logins, download worker, registries, Docker Hub,
// LXD/Incus, terminal). Checks run at once, each under a deadline, so a silent engine or registry costs seconds, not minutes.
import { configDir } from '../../store/paths';
import { isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import type { AppServices, EngineServices } from '../index';
import { checkDockerConfig } from './dockerConfig';
import { checkEngine } from './engine';
import { checkLxc } from './lxc';
import { checkNode } from './node';
import { checkSettings } from './settings';
import { checkTerminal, type TerminalFacts } from './terminal';
import { fail, pass, type Check } from './types';

export type { Check, CheckStatus } from './types';
export { locale, type PasteSupport, type TerminalFacts } from './terminal';

export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  services: AppServices;
  node: { version: string; range: string; execPath: string };
  terminal: TerminalFacts;
  /** `--engine NAME` given to this command. */
  engineOverride?: string | null;
  /** Longest any one group of checks may take (ms). Default 15 s. */
  deadlineMs?: number;
}

export async function runDoctor(deps: DoctorDeps): Promise<Check[]> {
  const deadlineMs = deps.deadlineMs ?? 15_000;
  const signal = AbortSignal.timeout(deadlineMs);
  const within = <T>(what: string, work: () => Promise<T>, late: (message: string) => T): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(late(`no answer in ${Math.round(deadlineMs / 1000)} s (${what})`)), deadlineMs);
      timer.unref();
    });
    const run = work().catch((error: unknown) => late(describeError(error)));
    return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  };
  const dir = configDir(deps.env);
  const engine = deps.services.engine();
  const remote = deps.services.remote();
  const groups: Array<Promise<Check[]>> = [
    Promise.resolve([checkNode(deps.node.version, deps.node.range, deps.node.execPath)]),
    within('engine', async () => checkEngine({ env: deps.env, engines: () => deps.services.engines(), override: deps.engineOverride ?? null, info: async () => (await engine).info() }), (m) => [fail('engine.reachable', 'engine answers', m, 'see `docker version`')]),
    Promise.resolve(checkSettings(dir)),
    within('docker config', () => checkDockerConfig(deps.env), (m) => [fail('docker-config', 'docker config', m)]),
    within('download worker', () => checkWorker(engine), (m) => [fail('worker', 'download worker', m)]),
    within('registries', async () => (await remote).health.registries(signal), (m) => [fail('registries', 'registries', m)]),
    within('Docker Hub', async () => [await (await remote).health.dockerHub(signal)], (m) => [fail('dockerhub', 'Docker Hub', m, 'check the network and any proxy (HTTPS_PROXY)')]),
    within('LXD / Incus', async () => checkLxc(await deps.services.lxc(), deps.env), (m) => [fail('lxc', 'LXD / Incus', m, 'is LXD (or Incus) running? systemctl status lxd')]),
    Promise.resolve(checkTerminal(deps.terminal)),
  ];
  const checks = (await Promise.all(groups)).flat();
  await (await remote.catch(() => null))?.close().catch(() => undefined);
  (await engine.catch(() => null))?.downloads.close();
  return checks;
}

async function checkWorker(engine: Promise<EngineServices>): Promise<Check[]> {
  try {
    const health = await (await engine).downloads.health();
    const active = health.active > 0 ? `, ${health.active} download${health.active === 1 ? '' : 's'} running` : '';
    const detail = health.wasRunning ? `running${active} (${health.socket})` : `not running; started it to check, it answers and exits when idle (${health.socket})`;
    return [pass('worker', 'download worker', detail)];
  } catch (error) {
    const e = isAppError(error) ? error : null;
    return [fail('worker', 'download worker', describeError(error), e?.hint ? sanitizeLine(e.hint) : 'see the worker log in the settings folder')];
  }
}

function describeError(error: unknown): string {
  return sanitizeLine(error instanceof Error ? error.message : String(error));
}
