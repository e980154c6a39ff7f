// The one place that turns a failed Graph call into a Temporal failure. Retries live in Temporal's retry policy only:
// this module decides whether a failure is worth retrying and how long to wait (Graph's Retry-After), and gives the
// operator a message that names the Graph error code, the request-id and what to do.

import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import { replicationLagWindowMs } from '../common/graph-timing.js';
import { type GraphCallName, graphCallPermissions } from '../common/permissions.js';
import { describeGraphFailure, type GraphFailure } from '../graph/errors.js';

export interface GraphOperation {
  /** What was being done, for the message: "create user Requestor1@contoso.onmicrosoft.com". */
  description: string;
  /** Which Graph call it is: the permission table (common/permissions.ts) names what it needs when Graph answers 403. */
  call: GraphCallName;
  /**
   * The call names an object this run created moments ago: a 404 (or a 400 saying a referenced object does not
   * exist) may be replication lag, and is retried while the step is younger than the lag window.
   */
  mayLag?: boolean;
  /**
   * When the object the call names was made (epoch ms), if known: the lag window counts from then instead of from
   * the step's start (an undo runs long after the step that made its object).
   */
  madeAt?: number;
}

export { replicationLagWindowMs };

/**
 * The wait before the next attempt when an object is still not visible after the in-activity wait
 * (graph-call.ts, `untilVisible`): 1 s — the shortest retry interval the Temporal server schedules — for the first
 * attempts, then doubling up to 5 s.
 */
export function visibilityRetryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 3), 5_000);
}

const referenceMissingCodes = new Set([
  'Request_ResourceNotFound',
  'ResourceNotFound',
  'ResourceNotFoundInCatalog',
  'NotFound',
]);

function describe(operation: GraphOperation, failure: GraphFailure): string {
  const where = failure.requestId ? ` (request-id ${failure.requestId})` : '';
  const what = failure.kind === 'http' ? `HTTP ${failure.status} ${failure.code}` : failure.code;
  return `Graph: ${operation.description} failed: ${what}${where}: ${failure.message.trim().replace(/\.+$/, '')}`;
}

/**
 * The failure the activity throws. Whether Temporal retries it is decided by its type, in the one retry table
 * (common/failure-types.ts, `retryTable`): the failure itself is never marked non-retryable, so that an undo may
 * retry what a forward step gives up on. A Retry-After from Graph paces the next attempt.
 */
function failureOf(type: string, message: string, failure: GraphFailure): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: false,
    nextRetryDelay: failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : undefined,
    details: [{ status: failure.status, code: failure.code, requestId: failure.requestId }],
  });
}

/**
 * Classifies a Graph failure. `step.ageMs` is how long ago the step was first scheduled (its first attempt), which
 * bounds the replication-lag window; `step.attempt` paces the retries of a lagging read.
 */
export function classifyGraphFailure(
  error: unknown,
  operation: GraphOperation,
  step: { ageMs: number; attempt: number },
): ApplicationFailure {
  const failure = describeGraphFailure(error);
  const message = describe(operation, failure);
  if (failure.kind === 'network') {
    return failureOf(FailureType.Network, `${message}. Graph could not be reached; retrying.`, failure);
  }
  if (failure.kind === 'authentication') {
    const transient = !/AADSTS|invalid_client|unauthorized_client|invalid_request|CredentialUnavailable/i.test(
      `${failure.code} ${failure.message}`,
    );
    if (transient) return failureOf(FailureType.Network, `${message}. The token endpoint failed; retrying.`, failure);
    return failureOf(
      FailureType.AuthenticationFailed,
      `${message}. Check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret or certificate.`,
      failure,
    );
  }
  const ageMs = operation.madeAt !== undefined ? Date.now() - operation.madeAt : step.ageMs;
  const lagging = operation.mayLag === true && ageMs < replicationLagWindowMs;
  switch (true) {
    case failure.status === 429:
      return failureOf(FailureType.Throttled, `${message}. Throttled by Graph; retrying after Retry-After.`, failure);
    case failure.status >= 500 || failure.status === 408 || failure.status === 423:
      return failureOf(FailureType.Unavailable, `${message}. Graph is unavailable; retrying.`, failure);
    case failure.status === 401:
      return failureOf(
        FailureType.AuthenticationFailed,
        `${message}. Graph refused the token: check the app registration and that the token's audience is Graph.`,
        failure,
      );
    case failure.status === 403:
      return failureOf(
        FailureType.PermissionDenied,
        `${message}. Grant the app the Microsoft Graph application permission ${graphCallPermissions[operation.call].join(' and ')} (or a broader one) and admin consent.`,
        failure,
      );
    case failure.code === 'CallerNotResourceOwner':
      return failureOf(
        FailureType.PermissionDenied,
        `${message}. Grant the app Group.ReadWrite.All (or make it an owner of the group) to add the group to a catalog.`,
        failure,
      );
    case failure.status === 404 && lagging:
    case failure.status === 400 && lagging && referenceMissingCodes.has(failure.code):
      return failureOf(FailureType.ReplicationLag, `${message}. A just-created object is not visible yet; retrying.`, {
        ...failure,
        retryAfterSeconds: visibilityRetryDelayMs(step.attempt) / 1000,
      });
    case failure.status === 404:
      return failureOf(
        FailureType.NotFound,
        `${message}. The object does not exist: it was deleted outside this run, or its id is wrong.`,
        failure,
      );
    case failure.status === 409 || failure.status === 412:
      return failureOf(FailureType.Conflict, `${message}. The directory's state conflicts with this step.`, failure);
    default:
      return failureOf(
        FailureType.BadRequest,
        `${message}. Graph rejected the request: fix the value it names.`,
        failure,
      );
  }
}
