// Activity options of the saga, by kind of step. Retries live here, in Temporal, and nowhere else: the activities
// classify failures (retryable or not, and after how long) and these policies bound how long a step may keep trying.

import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { FailureType, nonRetryableFailureTypes } from '../common/failure-types.js';

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: [...nonRetryableFailureTypes],
};

/**
 * Forward steps: retried (throttling, outages, replication lag) for up to 10 minutes. A cancelled run waits for an
 * in-flight step to finish, so that whatever it created is known before compensation starts.
 */
export const forward = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '10m',
  retry,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Reads the saga polls (request state) or checks (verification): short, a failure is retried by the loop. */
export const reads = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '3m',
  retry,
});

/**
 * Undo steps (compensation and teardown): retried up to 8 times over at most 10 minutes, then reported. Conflicts are
 * retried too: Entra keeps refusing a delete (InvalidDeleteResourceHasEntitlements, "has assignments") for a while
 * after the blocking object is gone. Only a missing permission or credential stops an undo at once.
 */
export const undo = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '10m',
  retry: {
    ...retry,
    maximumAttempts: 8,
    nonRetryableErrorTypes: [FailureType.PermissionDenied, FailureType.AuthenticationFailed],
  },
});
