// How integration tests get the world. Without a world (it could not start), tests never pass silently:
// in CI they fail; elsewhere they are reported as skipped with the reason in their name and a warning.
import { spawnSync } from 'node:child_process';
import { describe, inject, it } from 'vitest';
import { getCurrentTest } from 'vitest/suite';
import type { WorldInfo } from './types.js';

const inCi = (): boolean => process.env.CI === 'true';

function unavailable(): string {
  return `test world unavailable: ${inject('worldError') ?? 'no world was provided (is test/world/global-setup.ts the globalSetup?)'}`;
}

/** The running world, inside a test. Without one: throws in CI, else skips the current test with the reason. */
export function useWorld(): WorldInfo {
  const world = inject('world');
  if (world) return world;
  const reason = unavailable();
  if (inCi()) throw new Error(reason);
  const test = getCurrentTest();
  if (test) test.context.skip(reason);
  throw new Error(`${reason} (useWorld() outside a test: use describeWorld instead)`);
}

/** describe() that hands the world to its body; skipped visibly (reason in the suite name) when there is none. */
export function describeWorld(name: string, fn: (world: WorldInfo) => void): void {
  const world = inject('world');
  if (world) {
    describe(name, () => fn(world));
    return;
  }
  const reason = unavailable();
  if (inCi()) throw new Error(reason);
  console.warn(`[stevedore world] SKIPPING "${name}": ${reason}`);
  describe.skipIf(true)(`${name} [SKIPPED: ${reason.split('\n')[0]}]`, () => {
    it('needs the test world', () => undefined);
  });
}

/**
 * A program a test needs beyond the world (tmux, zsh, fish…), named with its Debian package: present, or the
 * test fails in CI and is skipped visibly elsewhere (`npm test` installs it as root: scripts/world-packages.mjs).
 */
export function useCommand(command: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0) return;
  const reason = `${command} is not installed (apt-get install ${pkg})`;
  if (inCi()) throw new Error(reason);
  const test = getCurrentTest();
  if (test) test.context.skip(reason);
  throw new Error(reason);
}
