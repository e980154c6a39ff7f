// Builds the provisioning worker: the saga's workflows and its read activities on the run's task queue, and its
// Graph-write activities on `<queue>-graph-writes`, whose server-side rate limit is the tenant's write budget —
// shared by every worker polling it. Every Graph call is logged with its request-id under the running activity.

import { Context } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { TASK_QUEUE, graphWritesQueue } from '../common/provisioning.js';
import { type GraphCall, createGraphClient } from '../graph/client.js';
import { createCredential } from '../graph/credential.js';
import type { GraphSettings } from '../graph/settings.js';
import { modulePath } from '../config/project.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';

export const workflowsPath = modulePath('workflows/index');

/**
 * Graph's documented identity write limit is 3,000 requests per 150 s per app and tenant (20/s); the default keeps
 * 5 % headroom for writes made by other tools with the same app.
 */
export const defaultGraphWritesPerSecond = 19;

/**
 * Workflows kept in the worker's cache. The SDK sizes it from the heap limit (thousands on a large machine); held runs
 * sit idle for days, so a small cache keeps memory flat, and an evicted run replays its short history when its
 * teardown signal or expiry comes.
 */
const defaultMaxCachedWorkflows = 200;

export interface ProvisioningWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  graph: GraphSettings;
  taskQueue?: string;
  /** Graph writes per second for the whole task queue (all workers); 0 for no limit. Default 19. */
  graphWritesPerSecond?: number;
  /** Workflows kept in the worker's cache. Default 200. */
  maxCachedWorkflows?: number;
  /** A prebuilt bundle (tests bundle once per file); otherwise the production build's, or bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Used when a Graph call happens outside an activity. */
  logger?: Logger;
  /** Extra options for both workers (tuning, interceptors, data converter). */
  options?: Partial<WorkerOptions>;
}

/** The two workers of one provisioning worker process, run and stopped together. */
export interface ProvisioningWorker {
  readonly workers: readonly Worker[];
  run(): Promise<void>;
  shutdown(): void;
}

/** Logs one Graph exchange under the current activity's logger (which carries the workflow id and activity type). */
function logGraphCall(call: GraphCall, fallback?: Logger): void {
  let logger: Logger | undefined = fallback;
  try {
    logger = Context.current().log;
  } catch {
    // Not inside an activity.
  }
  // Throttling, outages and network errors are worth a look; other 4xx are answers the activity handles (a 404
  // from a lookup is how "not there yet" reads).
  const level =
    call.status === 429 || call.status >= 500 || call.status === 0 ? 'WARN' : call.status >= 400 ? 'INFO' : 'DEBUG';
  logger?.log(level, `Graph ${call.method} ${call.path} → ${call.status}`, {
    graphRequestId: call.requestId,
    graphClientRequestId: call.clientRequestId,
    durationMs: call.durationMs,
  });
}

/**
 * The workflows the worker runs: the bundle it is given (tests bundle once per file), else the one the production
 * build made (compiled code; checked to match it), else the workflows bundled at start (running from source).
 */
function workflowCode(given: WorkerOptions['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = given ?? prebuiltWorkflowBundle();
  return bundle ? { workflowBundle: bundle } : { workflowsPath };
}

export async function createProvisioningWorker(options: ProvisioningWorkerOptions): Promise<ProvisioningWorker> {
  const credential = createCredential(options.graph);
  const graph = createGraphClient(options.graph, { credential, onCall: (call) => logGraphCall(call, options.logger) });
  const activities = createActivities({ graph, credential, scope: options.graph.scope });
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const writesPerSecond = options.graphWritesPerSecond ?? defaultGraphWritesPerSecond;
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    shutdownGraceTime: '10s',
    ...options.options,
  };
  const runs = await Worker.create({
    ...common,
    taskQueue,
    activities,
    maxCachedWorkflows: options.maxCachedWorkflows ?? defaultMaxCachedWorkflows,
    ...workflowCode(options.workflowBundle),
  });
  const writes = await Worker.create({
    ...common,
    taskQueue: graphWritesQueue(taskQueue),
    activities,
    ...(writesPerSecond > 0 ? { maxTaskQueueActivitiesPerSecond: writesPerSecond } : {}),
  });
  const workers = [runs, writes] as const;
  return {
    workers,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
