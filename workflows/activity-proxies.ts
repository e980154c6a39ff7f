// Activity options of the saga, by kind of step. Retries live here, in Temporal, and nowhere else: the activities
// classify failures (common/failure-types.ts decides which types are retried) and these policies bound how long a
// step may keep trying.
//
// Graph writes go to a task queue of their own (`<queue>-graph-writes`), whose server-side rate limit
// (maxTaskQueueActivitiesPerSecond, set by the worker) is the tenant's write budget, shared by every worker and
// every run. Reads — lookups, status polls — stay on the run's queue and do not spend it.

import { ActivityCancellationType, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { finalFailureTypes } from '../common/failure-types.js';
import { heartbeatTimeoutMs, writeAnswerTimeoutMs, writeLandingWindowMs } from '../common/graph-timing.js';
import { graphWritesQueue } from '../common/provisioning.js';

/** The activities that write to Graph (one write each; their lookups are reads). */
type WriteActivities = Pick<
  Activities,
  | 'createUser'
  | 'deleteUser'
  | 'createGroup'
  | 'deleteGroup'
  | 'addGroupToCatalog'
  | 'removeGroupFromCatalog'
  | 'addResourceToCatalog'
  | 'removeResourceFromCatalog'
  | 'createAccessPackage'
  | 'deleteAccessPackage'
  | 'addRoleScope'
  | 'removeRoleScope'
  | 'createPolicy'
  | 'deletePolicy'
  | 'requestAssignment'
  | 'requestRemoval'
>;
type ReadActivities = Omit<Activities, keyof WriteActivities>;

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
};

/**
 * Forward steps: retried (throttling, outages, replication lag) for up to 15 minutes. A cancelled run waits for an
 * in-flight step to finish, so that whatever it created is known before compensation starts.
 */
const forwardOptions: ActivityOptions = {
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '15m',
  retry: { ...retry, nonRetryableErrorTypes: finalFailureTypes('forward') },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * Undo steps (compensation and teardown): retried up to 10 times over at most 15 minutes, then reported — long enough
 * for an object made moments ago to replicate (a delete's 404 is lag for up to 5 minutes; an attempt waits up to a
 * minute of it in place). Conflicts are retried too (see the retry table).
 */
const undoOptions: ActivityOptions = {
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '15m',
  retry: { ...retry, maximumAttempts: 10, nonRetryableErrorTypes: finalFailureTypes('undo') },
};

/**
 * What a step that writes to Graph adds: the writes queue, and time. A write is awaited up to its answer timeout, and
 * a step may also wait for another run making the same object or for a create whose answer was lost
 * (common/graph-timing.ts): so an attempt may take minutes, and it heartbeats, so that a dead worker's attempt is
 * retried within seconds.
 */
function onWritesQueue(options: ActivityOptions): ActivityOptions {
  return {
    ...options,
    taskQueue: graphWritesQueue(workflowInfo().taskQueue),
    startToCloseTimeout: writeLandingWindowMs + writeAnswerTimeoutMs,
    heartbeatTimeout: heartbeatTimeoutMs,
  };
}

/** Forward steps that read. */
export const forwardReads = proxyActivities<ReadActivities>(forwardOptions);

/** Forward steps that write, on the run's Graph-writes queue (call inside the workflow: the queue is the run's). */
export function forwardWrites() {
  return proxyActivities<WriteActivities>(onWritesQueue(forwardOptions));
}

/** Undo steps that read (the state of a request an undo waits for). */
export const undoReads = proxyActivities<ReadActivities>(undoOptions);

/** Undo steps that write, on the run's Graph-writes queue. */
export function undoWrites() {
  return proxyActivities<WriteActivities>(onWritesQueue(undoOptions));
}

/** Reads the saga polls (request state) or checks (verification): short, a failure is retried by the loop. */
export const reads = proxyActivities<ReadActivities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '3m',
  retry: { ...retry, nonRetryableErrorTypes: finalFailureTypes('forward') },
});
