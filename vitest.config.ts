import { configDefaults, defineConfig } from 'vitest/config';

// Temporal's native bridge is not safe under worker threads (sdk-typescript #876): every test file runs in its own
// process. Two cores in CI: at most two files at once. Server start and workflow bundling need generous hooks.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The local cluster's own tests run in `npm run test:cluster` (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
    passWithNoTests: false,
  },
});
