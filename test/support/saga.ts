// A provisioning worker on a unique task queue, against a per-file emulator and the run's Temporal:
// what a saga test needs to start runs and inspect both Temporal's history and the emulator's state.

import type { WorkflowHandle } from '@temporalio/client';
import type { EmulatorOptions } from '../../emulator/index.js';
import type { ProvisioningInput, ProvisioningResult } from '../../common/provisioning.js';
import { type ProvisioningWorker, createProvisioningWorker } from '../../worker/create-worker.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { type TestCodec, createTestCodec } from './codec.js';
import { type TestEmulator, startTestEmulator } from './emulator.js';
import { type TestTemporal, connectTestTemporal, uniqueId, workflowBundle } from './temporal.js';

export interface SagaFixture {
  temporal: TestTemporal;
  emulator: TestEmulator;
  taskQueue: string;
  /** The payload codec, when the fixture encrypts payloads. */
  codec?: TestCodec;
  /** The environment the CLI needs to reach this fixture's worker (Temporal address, task queue, codec key). */
  cliEnv: NodeJS.ProcessEnv;
  /** Starts a provisioning run with a unique workflow id. */
  start(input: Partial<ProvisioningInput>, workflowId?: string): Promise<WorkflowHandle<typeof provisionAccessPackage>>;
  /** Runs one to the end and returns its result (rejects with WorkflowFailedError). */
  execute(input: Partial<ProvisioningInput>): Promise<ProvisioningResult>;
  /** A fresh worker after the previous one stopped (crash tests run their own). */
  close(): Promise<void>;
}

/**
 * The tutorial's input with a requestor unique to the test, so parallel files never share a workflow id. With
 * `resources`, the package's resources replace the tutorial's group.
 */
export function tutorialInput(overrides: Partial<ProvisioningInput> = {}): ProvisioningInput {
  const alias = uniqueId('Requestor1');
  return {
    requestorUpn: `${alias}@contoso.onmicrosoft.com`,
    ...(overrides.resources
      ? {}
      : { groupName: 'Marketing resources', groupMailNickname: `markres${alias.slice(-8)}` }),
    packageName: 'Marketing Campaign',
    catalogName: 'General',
    policyName: 'Specific users',
    durationDays: 30,
    cleanup: 'now',
    ...overrides,
  };
}

export interface SagaFixtureOptions {
  /** Encrypt payloads as the product does by default (the CLI reads the key from cliEnv). Default false. */
  codec?: boolean;
  /** Start an in-process worker. Default true. */
  worker?: boolean;
}

export async function startSagaFixture(
  emulatorOptions: EmulatorOptions = {},
  options: SagaFixtureOptions = {},
): Promise<SagaFixture> {
  const codec = options.codec ? createTestCodec() : undefined;
  const temporal = await connectTestTemporal(codec?.dataConverter);
  const emulator = await startTestEmulator(emulatorOptions);
  const taskQueue = uniqueId('saga');
  let worker: ProvisioningWorker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker !== false) {
    worker = await createProvisioningWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      graph: emulator.graph,
      taskQueue,
      workflowBundle: await workflowBundle(),
      options: codec ? { dataConverter: codec.dataConverter } : {},
    });
    running = worker.run();
  }
  const start = (input: Partial<ProvisioningInput>, workflowId = uniqueId('provision')) =>
    temporal.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId,
      taskQueue,
      args: [tutorialInput(input)],
    });
  const cliEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...temporal.env,
    ENTRA_SAGA_TASK_QUEUE: taskQueue,
    ENTRA_SAGA_DOMAIN: 'contoso.onmicrosoft.com',
    ...(codec ? codec.env : { ENTRA_SAGA_CODEC: 'off' }),
    // People sign in (device code) to the emulator's tenant, with its app.
    ...emulator.env,
    ENTRA_SAGA_SIGN_IN_CLIENT_ID: emulator.env.AZURE_CLIENT_ID,
  };
  return {
    temporal,
    emulator,
    taskQueue,
    codec,
    cliEnv,
    start,
    execute: async (input) => (await start(input)).result(),
    async close() {
      worker?.shutdown();
      await running;
      await emulator.close();
      await temporal.close();
    },
  };
}
