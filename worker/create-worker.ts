// Builds the provisioning worker: the saga's workflows and activities on one task queue, with a Graph client whose
// every call is logged with its request-id under the running activity's context.

import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { TASK_QUEUE } from '../common/provisioning.js';
import { type GraphCall, createGraphClient } from '../graph/client.js';
import type { GraphSettings } from '../graph/settings.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface ProvisioningWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  graph: GraphSettings;
  taskQueue?: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Used when a Graph call happens outside an activity. */
  logger?: Logger;
  /** Extra worker options (tuning, interceptors, data converter). */
  options?: Partial<WorkerOptions>;
}

/** Logs one Graph exchange under the current activity's logger (which carries the workflow id and activity type). */
export function logGraphCall(call: GraphCall, fallback?: Logger): void {
  let logger: Logger | undefined = fallback;
  try {
    logger = Context.current().log;
  } catch {
    // Not inside an activity.
  }
  // Throttling, outages and network errors are worth a look; other 4xx are answers the activity handles (a 404
  // from a lookup is how "not there yet" reads).
  const level = call.status === 429 || call.status >= 500 || call.status === 0 ? 'WARN' : call.status >= 400 ? 'INFO' : 'DEBUG';
  logger?.log(level, `Graph ${call.method} ${call.path} → ${call.status}`, {
    graphRequestId: call.requestId,
    graphClientRequestId: call.clientRequestId,
    durationMs: call.durationMs,
  });
}

export async function createProvisioningWorker(options: ProvisioningWorkerOptions): Promise<Worker> {
  const graph = createGraphClient(options.graph, { onCall: (call) => logGraphCall(call, options.logger) });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    activities: createActivities(graph),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    shutdownGraceTime: '10s',
    ...options.options,
  });
}
