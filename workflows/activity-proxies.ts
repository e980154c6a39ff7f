// Activity options of the saga, by kind of step. Retries live here, in Temporal, and nowhere else: the activities
// classify failures (retryable or not, and after how long) and these policies bound how long a step may keep trying.
//
// Graph writes go to a task queue of their own (`<queue>-graph-writes`), whose server-side rate limit
// (maxTaskQueueActivitiesPerSecond, set by the worker) is the tenant's write budget, shared by every worker and
// every run. Reads — lookups, status polls — stay on the run's queue and do not spend it.

import { ActivityCancellationType, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { finalFailureTypes } from '../common/failure-types.js';
import { heartbeatTimeoutMs, writeAnswerTimeoutMs, writeLandingWindowMs } from '../common/graph-timing.js';
import { graphWritesQueue } from '../common/provisioning.js';

type ActivityName = keyof Activities;

/** The activities that write to Graph (one write each; their lookups are reads). */
export const graphWriteActivities: ReadonlySet<ActivityName> = new Set<ActivityName>([
  'createUser', 'deleteUser', 'createGroup', 'deleteGroup', 'addGroupToCatalog', 'removeGroupFromCatalog',
  'createAccessPackage', 'deleteAccessPackage', 'addRoleScope', 'removeRoleScope', 'createPolicy', 'deletePolicy',
  'requestAssignment', 'requestRemoval',
]);

type Proxies = ReturnType<typeof proxyActivities<Activities>>;

/**
 * Options of a step that writes to Graph. A write is awaited up to its answer timeout, and a step may also wait for
 * another run making the same object or for a create whose answer was lost (common/graph-timing.ts): so an attempt
 * may take minutes, and it heartbeats, so that a dead worker's attempt is retried within seconds.
 */
const writeOptions: ActivityOptions = {
  startToCloseTimeout: writeLandingWindowMs + writeAnswerTimeoutMs,
  heartbeatTimeout: heartbeatTimeoutMs,
};

/** Sends write activities to the run's Graph-writes queue, with the write options; reads are left as they are. */
function routeWrites(proxies: Proxies): Proxies {
  return new Proxy(proxies, {
    get(target, name: string) {
      const activity = target[name as ActivityName];
      if (!graphWriteActivities.has(name as ActivityName)) return activity;
      const onWritesQueue = (options: ActivityOptions = {}) => ({ ...writeOptions, taskQueue: graphWritesQueue(workflowInfo().taskQueue), ...options });
      const routed = (...args: unknown[]) => activity.executeWithOptions(onWritesQueue(), args as never);
      routed.executeWithOptions = (options: ActivityOptions, args: unknown[]) => activity.executeWithOptions(onWritesQueue(options), args as never);
      return routed;
    },
  });
}

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: finalFailureTypes('forward'),
};

/**
 * Forward steps: retried (throttling, outages, replication lag) for up to 15 minutes. A cancelled run waits for an
 * in-flight step to finish, so that whatever it created is known before compensation starts.
 */
export const forward = routeWrites(
  proxyActivities<Activities>({
    startToCloseTimeout: '15s',
    scheduleToCloseTimeout: '15m',
    retry,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  }),
);

/** Reads the saga polls (request state) or checks (verification): short, a failure is retried by the loop. */
export const reads = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '3m',
  retry,
});

/**
 * Undo steps (compensation and teardown): retried up to 10 times over at most 15 minutes, then reported — long enough
 * for an object made moments ago to replicate (a delete's 404 is lag for up to 5 minutes; an attempt waits up to a
 * minute of it in place). Conflicts are retried too: Entra keeps
 * refusing a delete (InvalidDeleteResourceHasEntitlements, "has assignments") for a while after the blocking object
 * is gone. Only a missing permission or credential stops an undo at once.
 */
export const undo = routeWrites(
  proxyActivities<Activities>({
    startToCloseTimeout: '15s',
    scheduleToCloseTimeout: '15m',
    retry: {
      ...retry,
      maximumAttempts: 10,
      nonRetryableErrorTypes: finalFailureTypes('undo'),
    },
  }),
);
