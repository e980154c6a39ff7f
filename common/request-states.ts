// Entitlement-management request states (Graph v1.0 accessPackageRequestState) as the saga reads them.

/** The request did what was asked. */
export const deliveredState = 'delivered';

/** The request waits for an approver's decision. */
export const pendingApprovalState = 'pendingApproval';

/** Final states in which the request did not do what was asked: the run fails and compensates. */
const failedRequestStates: readonly string[] = ['deliveryFailed', 'partiallyDelivered', 'denied', 'canceled'];

export function isFailedRequestState(state: string): boolean {
  return failedRequestStates.includes(state);
}

/** The usual delay of a request's delivery, as a worker has seen them (ms after the request was made). */
export interface DeliveryWindow {
  lowMs: number;
  highMs: number;
}
