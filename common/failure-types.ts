// The closed set of failure types the saga raises. They are stable strings: the workflow's retry policies, the CLI's
// exit codes and operators' alerts depend on them, so rename nothing.

export const FailureType = {
  // Retried (see retryTable): Temporal retries the activity, after Retry-After when Graph sent one.
  Throttled: 'GraphThrottled',
  Unavailable: 'GraphUnavailable',
  Network: 'GraphNetworkError',
  ReplicationLag: 'GraphReplicationLag',
  NotYetVisible: 'GraphNotYetVisible',
  // Final for a forward step: retrying cannot help until someone changes the input, the permissions or the tenant.
  BadRequest: 'GraphBadRequest',
  PermissionDenied: 'GraphPermissionDenied',
  AuthenticationFailed: 'GraphAuthenticationFailed',
  Conflict: 'GraphConflict',
  NotFound: 'GraphNotFound',
  // Raised by the saga itself.
  InvalidInput: 'InvalidInput',
  PreflightFailed: 'PreflightFailed',
  DeliveryFailed: 'DeliveryFailed',
  DeliveryTimedOut: 'DeliveryTimedOut',
  VerificationFailed: 'VerificationFailed',
  ProvisioningFailed: 'ProvisioningFailed',
  TeardownIncomplete: 'TeardownIncomplete',
  /** The requestor never asked within the run's deadline. */
  RequestNotMade: 'RequestNotMade',
  /** An approver, or Entra once a stage waited too long, denied the request. */
  ApprovalDenied: 'ApprovalDenied',
  /** The request was cancelled (by the requestor in My Access, or by a signed-in admin). */
  RequestCanceled: 'RequestCanceled',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Whether a failure is worth another attempt: `retry` (Temporal retries the activity) or `final`. */
type RetryDecision = 'retry' | 'final';

/**
 * The one retry table: for every failure type, whether a forward step retries it and whether an undo does. The retry
 * policies (workflows/activity-proxies.ts) are built from it, so a new failure type cannot be added without a
 * decision. Undos retry more than forward steps: Entra keeps refusing a delete for a while after what blocked it is
 * gone (InvalidDeleteResourceHasEntitlements, "has assignments"), and a leaked object is worse than a slow undo.
 * The saga's own failures end the workflow, never an activity; they are final everywhere.
 */
const retryTable: Record<FailureType, { forward: RetryDecision; undo: RetryDecision }> = {
  [FailureType.Throttled]: { forward: 'retry', undo: 'retry' },
  [FailureType.Unavailable]: { forward: 'retry', undo: 'retry' },
  [FailureType.Network]: { forward: 'retry', undo: 'retry' },
  [FailureType.ReplicationLag]: { forward: 'retry', undo: 'retry' },
  [FailureType.NotYetVisible]: { forward: 'retry', undo: 'retry' },
  [FailureType.BadRequest]: { forward: 'final', undo: 'retry' },
  [FailureType.PermissionDenied]: { forward: 'final', undo: 'final' },
  [FailureType.AuthenticationFailed]: { forward: 'final', undo: 'final' },
  [FailureType.Conflict]: { forward: 'final', undo: 'retry' },
  [FailureType.NotFound]: { forward: 'final', undo: 'retry' },
  [FailureType.InvalidInput]: { forward: 'final', undo: 'final' },
  [FailureType.PreflightFailed]: { forward: 'final', undo: 'final' },
  [FailureType.DeliveryFailed]: { forward: 'final', undo: 'final' },
  [FailureType.DeliveryTimedOut]: { forward: 'final', undo: 'final' },
  [FailureType.VerificationFailed]: { forward: 'final', undo: 'final' },
  [FailureType.ProvisioningFailed]: { forward: 'final', undo: 'final' },
  [FailureType.TeardownIncomplete]: { forward: 'final', undo: 'final' },
  [FailureType.RequestNotMade]: { forward: 'final', undo: 'final' },
  [FailureType.ApprovalDenied]: { forward: 'final', undo: 'final' },
  [FailureType.RequestCanceled]: { forward: 'final', undo: 'final' },
};

/** The failure types a forward step or an undo does not retry. */
export function finalFailureTypes(phase: 'forward' | 'undo'): string[] {
  return (Object.keys(retryTable) as FailureType[]).filter((type) => retryTable[type][phase] === 'final');
}
