// The download worker as a process of its own engine: `stevedore __worker` (runWorker: the queue, the pull
// runners of Docker and LXC, the history and the log), and how a client starts one (spawnWorker: detached,
// told its engine by name, its stderr to the log).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, openSync, statSync, truncateSync } from 'node:fs';
import type { EngineClient, Endpoint } from '../../clients/engine/index';
import { sanitizeLine } from '../../domain/sanitize';
import type { WorkerPaths } from '../downloads/paths';
import { pullError } from './errors';
import type { EngineDeps } from './index';

const DEFAULT_IDLE_MS = 30_000;

export interface WorkerContext {
  deps: EngineDeps;
  endpoint: Endpoint;
  paths: WorkerPaths;
  client: () => Promise<EngineClient>;
}

/** `stevedore __worker`: serve downloads until idle; resolves with the exit code. */
export async function runWorker(ctx: WorkerContext): Promise<number> {
  const workerEndpoint = ctx.endpoint;
  const p = ctx.paths;
  const log = workerLog(p.log);
  if (ctx.deps.env.STEVEDORE_WORKER_KEY && ctx.deps.env.STEVEDORE_WORKER_KEY !== p.key) {
    log(`asked to serve ${ctx.deps.env.STEVEDORE_WORKER_KEY} but this environment names ${workerEndpoint.description} (${p.key}); exiting`);
    return 1;
  }
  const idle = Number(ctx.deps.env.STEVEDORE_WORKER_IDLE_MS);
  const [{ serveWorker }, { DownloadManager }, { enginePullRunner }, { lxcPullRunner }, { LxdClient }] = await Promise.all([
    import('../downloads/worker'),
    import('../downloads/manager'),
    import('./pull'),
    import('../lxc/pull'),
    import('../../clients/lxd/client'),
  ]);
  const enginePull = enginePullRunner(ctx.client, ctx.deps.credentials);
  let lxd: InstanceType<typeof LxdClient> | undefined;
  const lxcPull = lxcPullRunner(() => (lxd ??= new LxdClient({ env: ctx.deps.env })));
  return serveWorker({
    paths: p,
    endpoint: workerEndpoint.description,
    idleMs: Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_IDLE_MS,
    ...(workerDeadline(ctx.deps.env) ? { probeTimeoutMs: workerDeadline(ctx.deps.env) } : {}),
    log,
    createManager: (history, persist) =>
      new DownloadManager({
        run: (job, onEvent, signal) => (job.lxc ? lxcPull(job.lxc, onEvent, signal) : enginePull(job, onEvent, signal)),
        classify: (error, job) => pullError(error, job.ref.domain),
        concurrency: async () => (await ctx.deps.settings())['downloads.concurrency'],
        history,
        persist,
        // Ids unique across engines: the worker's key (one per endpoint) starts each one.
        newId: () => `${p.key.slice(0, 4)}${randomBytes(4).toString('hex')}`,
      }),
  });
}

/** `STEVEDORE_WORKER_DEADLINE_MS`: how long the worker may take to answer (tests shorten it); default 5 s. */
export function workerDeadline(env: NodeJS.ProcessEnv): number | undefined {
  const ms = Number(env.STEVEDORE_WORKER_DEADLINE_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function spawnWorker(deps: EngineDeps, paths: WorkerPaths, engine: string | null): ReturnType<typeof spawn> | undefined {
  let fd: number | null = null;
  try {
    fd = openSync(paths.log, 'a', 0o600);
  } catch {
    fd = null;
  }
  try {
    const child = spawn(deps.workerCommand.execPath, deps.workerCommand.args, {
      detached: true,
      stdio: ['ignore', 'ignore', fd ?? 'ignore'],
      // The worker serves this one engine: it is told by name (STEVEDORE_ENGINE, as `--engine`).
      env: { ...deps.env, STEVEDORE_CONFIG_DIR: deps.configDir, STEVEDORE_WORKER_KEY: paths.key, ...(engine ? { STEVEDORE_ENGINE: engine } : {}) },
      cwd: '/',
    });
    child.on('error', (error) => deps.warn(`could not start the download worker: ${error.message}`));
    child.unref();
    return child;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function workerLog(path: string): (line: string) => void {
  try {
    if (statSync(path).size > 1 << 20) truncateSync(path, 0);
  } catch {
    // no log yet
  }
  return (line) => {
    try {
      appendFileSync(path, `${new Date().toISOString()} ${sanitizeLine(line)}\n`, { mode: 0o600 });
    } catch {
      // nowhere to log
    }
  };
}
