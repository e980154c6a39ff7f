// The run's Temporal (started once by the global setup: the dev server, or the local cluster for `npm run
// test:cluster`) as seen from a test file: a client, a native connection for workers, the workflow bundle built once
// per file, and unique task queues and workflow ids. The connection comes from the envconfig environment the global
// setup provides, read as the product reads it, so the same tests run against a cluster with mTLS.

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { inject } from 'vitest';
import { failureConverterPath } from '../../codec/aes-gcm-codec.js';
import { connectionOptions, temporalSettingsFromEnv } from '../../config/temporal-settings.js';
import { workflowsPath } from '../../worker/create-worker.js';

export interface TestTemporal {
  address: string;
  namespace: string;
  /** The envconfig environment that reaches this Temporal (TEMPORAL_ADDRESS, and on a cluster its namespace and TLS). */
  env: Record<string, string>;
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
  const env = inject('temporalEnv');
  const settings = temporalSettingsFromEnv(env);
  const connection = await Connection.connect(connectionOptions(settings));
  const nativeConnection = await NativeConnection.connect(connectionOptions(settings));
  return {
    address: settings.address,
    namespace: settings.namespace,
    env,
    client: new Client({ connection, namespace: settings.namespace, dataConverter }),
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
