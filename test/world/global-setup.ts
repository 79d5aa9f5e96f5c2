// vitest globalSetup of the `integration` project: starts (and seeds) one test world per run and provides
// its WorldInfo to the tests (inject('world')). Reuses a world started by `cli.ts up` when
// STEVEDORE_WORLD_FILE names its JSON and its processes answer. When the world cannot start: in CI the run
// fails; elsewhere tests get world=null plus the reason and skip VISIBLY (see harness.ts).
import type { TestProject } from 'vitest/node';
import { isWorldAlive, readWorldFile } from './reuse.js';
import type { WorldInfo } from './types.js';
import { startWorld } from './world.js';

declare module 'vitest' {
  export interface ProvidedContext {
    world: WorldInfo | null;
    worldError: string | null;
  }
}

const say = (msg: string): void => console.log(`[stevedore world] ${msg}`);

async function reusable(): Promise<WorldInfo | null> {
  const file = process.env.STEVEDORE_WORLD_FILE;
  if (!file) return null;
  const info = readWorldFile(file);
  if (info && (await isWorldAlive(info))) return info;
  say(`STEVEDORE_WORLD_FILE=${file} does not describe a running world; starting a fresh one`);
  return null;
}

function banner(reason: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!! THE STEVEDORE TEST WORLD COULD NOT START — integration tests will be SKIPPED.\n!! ${reason.split('\n').join('\n!! ')}\n!! (With CI=true this fails the run instead.)\n${line}\n`;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reused = await reusable();
  if (reused) {
    say(`reusing the world at ${reused.root}`);
    project.provide('world', reused);
    project.provide('worldError', null);
    return async () => undefined;
  }
  try {
    const world = await startWorld();
    say(`up in ${world.info.startedInMs} ms (${world.info.root})`);
    project.provide('world', world.info);
    project.provide('worldError', null);
    return async () => {
      const t0 = performance.now();
      await world.stop();
      say(`stopped in ${Math.round(performance.now() - t0)} ms`);
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true') throw err;
    console.warn(banner(reason));
    project.provide('world', null);
    project.provide('worldError', reason);
    return async () => undefined;
  }
}
