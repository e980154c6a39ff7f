// The run's Temporal dev server (started once by global-setup) as seen from a test file: a client, a native
// connection for workers, the workflow bundle built once per file, and unique task queues and workflow ids.

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { failureConverterPath } from '../../codec/aes-gcm-codec.js';
import { workflowsPath } from '../../worker/create-worker.js';

export interface TestTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

let runtimeInstalled = false;
/** Keeps the SDK's own logging to warnings, once per test process. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** A client on the run's dev server; with a data converter when payloads are encrypted. */
export async function connectTestTemporal(dataConverter?: DataConverter): Promise<TestTemporal> {
  quietRuntime();
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection, namespace: 'default', dataConverter }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

let bundle: Promise<WorkflowBundle> | undefined;
/** The workflows bundled once per test file (bundling takes seconds). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath,
    failureConverterPath,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return bundle;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
