// One real Temporal dev server (with its Web UI) for the whole test run; test files reach it through
// `inject('temporalAddress')` and keep apart by unique task queues and workflow ids.

import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer } from '../../devstack/temporal-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    /** The envconfig environment of the run's Temporal (test/support/temporal.ts connects with it). */
    temporalEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTemporalDevServer({ port: 0, uiPort: 0 });
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl ?? '');
  project.provide('temporalEnv', { TEMPORAL_ADDRESS: server.address });
  console.log(`Temporal dev server for tests: ${server.address} (pid ${server.process.pid}), UI ${server.uiUrl}`);
  return () => server.stop();
}
