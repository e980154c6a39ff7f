// Waiting for Entra to deliver the assignment, and checking that it did.

import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureType } from '../common/failure-types.js';
import {
  type DeliveryWindow,
  deliveredState,
  isFailedRequestState,
  pendingApprovalState,
} from '../common/request-states.js';
import { reads } from './activity-proxies.js';
import { type ReadSchedule, readScheduleFor } from './read-schedule.js';
import type { RunState } from './run-state.js';

/**
 * Reads a request once its next poll is due. The Temporal server fires a timer in whole seconds (one of 0.8 s fires
 * after about 1 s), so a wait's whole seconds are spent on a workflow timer and the rest in the read activity, which
 * waits until `readAt` before it reads.
 */
export async function readWhenDue(
  activities: Pick<typeof reads, 'getRequestState'>,
  schedule: ReadSchedule,
  request: { requestId: string; what: string; state: string },
  limitMs?: number,
): Promise<string> {
  const delay = schedule.nextDelayMs(limitMs);
  const readAt = Date.now() + delay;
  const timerMs = Math.floor(delay / 1000) * 1000;
  if (timerMs > 0) await sleep(timerMs, { summary: `wait for the ${request.what} request (${request.state})` });
  const { state } = await activities.getRequestState.executeWithOptions(
    { summary: `read ${request.what} request ${request.requestId}` },
    [{ requestId: request.requestId, readAt }],
  );
  return state;
}

/**
 * Reads the assignment request until it is `delivered`, on its read schedule (read-schedule.ts), with a deadline.
 * deliveryFailed, partiallyDelivered, denied, canceled and the deadline end the run (and so compensate it). A request
 * waiting for approval is handed to `approve` (people.ts), when the run expects approval, and the deadline counts
 * from the approval.
 */
export async function awaitDelivery(
  requested: { requestId: string; state: string; expected?: DeliveryWindow },
  timeoutSeconds: number,
  state: RunState,
  approve?: (requestState: string) => Promise<string>,
): Promise<{ id: string; state: string }> {
  let deadline = Date.now() + timeoutSeconds * 1000;
  let current = requested.state;
  let schedule = readScheduleFor(requested.expected);
  while (current !== deliveredState) {
    if (approve && current === pendingApprovalState) {
      // Delivery starts when the last stage is approved: its deadline and read plan count from then.
      current = await approve(current);
      deadline = Date.now() + timeoutSeconds * 1000;
      schedule = readScheduleFor(requested.expected);
      state.setRequestState(current);
      continue;
    }
    if (isFailedRequestState(current)) {
      throw ApplicationFailure.create({
        type: FailureType.DeliveryFailed,
        nonRetryable: true,
        message: `the assignment request ${requested.requestId} ended ${current}; check the request in the Entra admin center`,
        details: [{ state: current }],
      });
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw ApplicationFailure.create({
        type: FailureType.DeliveryTimedOut,
        nonRetryable: true,
        message: `the assignment request ${requested.requestId} was still ${current} after ${timeoutSeconds} s`,
      });
    }
    current = await readWhenDue(
      reads,
      schedule,
      { requestId: requested.requestId, what: 'assignment', state: current },
      remaining,
    );
    state.setRequestState(current);
  }
  return { id: requested.requestId, state: current };
}

/** How long membership may take to show after delivery before verification fails. */
const verifyWindowMs = 2 * 60_000;

/** What Graph shows of a delivered resource: a group's membership, an app role's assignment; a site, nothing. */
export interface ResourceToVerify {
  label: string;
  groupId?: string;
  app?: { servicePrincipalId: string; appRoleIds: string[] };
}

/** Each resource Graph can show: whether the requestor has its role. Sites are left out (v1.0 does not show them). */
async function resourcesSeen(
  resources: readonly ResourceToVerify[],
  userId: string,
): Promise<{ label: string; seen: boolean }[]> {
  return Promise.all(
    resources.flatMap((r) => {
      if (r.groupId) {
        const groupId = r.groupId;
        return [
          reads.listGroupMembers
            .executeWithOptions({ summary: `list members of group ${groupId}` }, [{ groupId }])
            .then(({ memberIds }) => ({ label: r.label, seen: memberIds.includes(userId) })),
        ];
      }
      if (r.app) {
        const { servicePrincipalId, appRoleIds } = r.app;
        return [
          reads.listAppRoleAssignedTo
            .executeWithOptions({ summary: `list the holders of the roles of ${r.label}` }, [{ servicePrincipalId }])
            .then(({ assignments }) => ({
              label: r.label,
              seen: assignments.some((a) => a.principalId === userId && appRoleIds.includes(a.appRoleId)),
            })),
        ];
      }
      return [];
    }),
  );
}

/**
 * The assignment is listed for the policy as delivered, and Graph shows the requestor holding each resource's role
 * (a group's membership, an app role's assignment; a site's access is not shown by Graph v1.0, so a site is taken as
 * delivered with the assignment). Resolves the assignment's id.
 */
export async function verifyAccess(ids: {
  policyId: string;
  userId: string;
  resources: readonly ResourceToVerify[];
}): Promise<string> {
  const deadline = Date.now() + verifyWindowMs;
  let delayMs = 1_000;
  for (;;) {
    const [{ assignments }, seen] = await Promise.all([
      reads.listPolicyAssignments.executeWithOptions({ summary: `list assignments of policy ${ids.policyId}` }, [
        { policyId: ids.policyId },
      ]),
      resourcesSeen(ids.resources, ids.userId),
    ]);
    const assignment = assignments.find((a) => a.targetId === ids.userId && a.state === deliveredState);
    const missing = seen.filter((r) => !r.seen).map((r) => r.label);
    if (assignment && missing.length === 0) return assignment.id;
    if (Date.now() >= deadline) {
      const problems = [
        ...(assignment ? [] : ['no delivered assignment for the requestor under the policy']),
        ...missing.map((label) => `the requestor does not hold the role of ${label}`),
      ];
      throw ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        nonRetryable: true,
        message: `verification failed: ${problems.join('; ')}`,
      });
    }
    await sleep(delayMs, { summary: 'wait for the assignment and membership to show' });
    delayMs = Math.min(delayMs * 2, 15_000);
  }
}

/**
 * A request that ended partiallyDelivered: which resources Graph shows delivered and which not, so that the failure
 * names the ones that failed (a site's delivery is not shown by Graph v1.0: it is named as unknown).
 */
export async function partialDeliveryFailure(
  requestId: string,
  userId: string,
  resources: readonly (ResourceToVerify & { kind: 'group' | 'app' | 'site' })[],
): Promise<ApplicationFailure> {
  const seen = await resourcesSeen(resources, userId);
  const failed = seen.filter((r) => !r.seen).map((r) => r.label);
  const unknown = resources.filter((r) => r.kind === 'site').map((r) => r.label);
  const named = [
    ...(failed.length ? [`not delivered: ${failed.join(', ')}`] : []),
    ...(unknown.length ? [`not shown by Graph v1.0, so unknown: ${unknown.join(', ')}`] : []),
  ];
  return ApplicationFailure.create({
    type: FailureType.DeliveryFailed,
    nonRetryable: true,
    message: `the assignment request ${requestId} ended partiallyDelivered (${named.join('; ') || 'every resource Graph shows was delivered'}); check the request in the Entra admin center`,
  });
}
