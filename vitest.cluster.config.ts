import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the saga's core end-to-end cases against the local multi-service cluster (project
// "cluster": the same test files as `npm test`, on a cluster started once by test/cluster/global-setup.ts), then the
// tests that start a cluster of their own (project "cluster-own": `npm run cluster` itself, the CLI through a frontend
// restart, and the cluster chaos run, which kill and restart the cluster's processes), one file at a time. The npm script runs the two projects one after the
// other, so that no two clusters share the cores.
const common = {
  pool: 'forks' as const,
  maxWorkers: 2,
  testTimeout: 120_000,
  hookTimeout: 300_000,
  teardownTimeout: 120_000,
};

export default defineConfig({
  test: {
    reporters: ['default'],
    passWithNoTests: false,
    projects: [
      {
        test: {
          ...common,
          name: 'cluster',
          include: [
            'test/saga/happy-path.test.ts',
            'test/saga/compensation.test.ts',
            'test/saga/resilience.test.ts',
            'test/cli/cli.test.ts',
            'test/cli/bulk.test.ts',
            'test/cluster/cluster.test.ts',
          ],
          globalSetup: ['test/cluster/global-setup.ts'],
        },
      },
      {
        test: {
          ...common,
          name: 'cluster-own',
          include: [
            'test/cluster/npm-run-cluster.test.ts',
            'test/cluster/frontend-restart.test.ts',
            'test/cluster/chaos.test.ts',
          ],
          fileParallelism: false,
        },
      },
    ],
  },
});
