import { defineConfig } from 'vitest/config';

// Two projects: fast unit/UI tests with fakes, and integration tests against the real test world
// (dockerd + registries + Docker Hub stand-in), which test/world/global-setup.ts starts once per run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'test/ui/**/*.test.tsx', 'test/ui/**/*.test.ts'],
          environment: 'node',
          // Screen tests wait for frames; on a loaded 2-core CI machine that can take seconds.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/world/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
