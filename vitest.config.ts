import { defineConfig } from 'vitest/config';

// node:sqlite is stable in use but still flagged experimental in Node 22; its warning is noise in test output.
const execArgv = ['--disable-warning=ExperimentalWarning'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/netbed/**', 'test/realnet/**', 'test/packaging/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
          execArgv,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          execArgv,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'netbed',
          include: ['test/netbed/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 300_000,
          pool: 'forks',
          execArgv,
          fileParallelism: false,
        },
      },
      {
        // The gateway binaries and the .deb (npm run dist:gateway, cached): root for namespaces and dpkg.
        test: {
          name: 'packaging',
          include: ['test/packaging/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 600_000,
          pool: 'forks',
          execArgv,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'realnet',
          include: ['test/realnet/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          execArgv,
          fileParallelism: false,
        },
      },
    ],
  },
});
