// How integration tests get the world. Without a world (it could not start), tests never pass silently:
// in CI they fail; elsewhere they are reported as skipped with the reason in their name and a warning.
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
