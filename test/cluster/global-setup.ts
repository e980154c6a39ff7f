// `npm run test:cluster`: one local multi-service Temporal cluster for the whole run (devstack/cluster.ts: PostgreSQL,
// frontend, two history and two matching processes, the worker service, mTLS), on free ports and in a temporary
// folder, so that it runs beside a dev stack or another cluster. Test files reach it through the envconfig
// environment it provides (`inject('temporalEnv')`) exactly as they reach the dev server in `npm test`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freeClusterPorts, startTemporalCluster } from '../../devstack/cluster.js';
import '../support/global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's data directory (certificates, logs), for tests that look at the cluster itself. */
    clusterDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'entra-saga-cluster-'));
  const started = Date.now();
  const cluster = await startTemporalCluster({
    dir,
    ports: await freeClusterPorts(),
    log: (line) => console.log(`[cluster] ${line}`),
  });
  project.provide('temporalAddress', cluster.address);
  project.provide('temporalUiUrl', '');
  project.provide('temporalEnv', cluster.env);
  project.provide('clusterDir', dir);
  console.log(
    `Temporal cluster for tests: ${cluster.address} (namespace ${cluster.namespace}, mTLS), ready in ` +
      `${Math.round((Date.now() - started) / 1000)} s; state and logs in ${dir}`,
  );
  return async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
