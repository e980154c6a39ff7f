// The closed set of failure types the saga raises. They are stable strings: the workflow's retry policies, the CLI's
// exit codes and operators' alerts depend on them, so rename nothing.

export const FailureType = {
  // Retryable: Temporal retries the activity, after Retry-After when Graph sent one.
  Throttled: 'GraphThrottled',
  Unavailable: 'GraphUnavailable',
  Network: 'GraphNetworkError',
  ReplicationLag: 'GraphReplicationLag',
  NotYetVisible: 'GraphNotYetVisible',
  // Not retryable: retrying cannot help until someone changes the input, the permissions or the tenant.
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
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const nonRetryableFailureTypes: readonly string[] = [
  FailureType.BadRequest,
  FailureType.PermissionDenied,
  FailureType.AuthenticationFailed,
  FailureType.Conflict,
  FailureType.NotFound,
  FailureType.InvalidInput,
  FailureType.PreflightFailed,
];
