// Waiting for Entra to deliver the assignment, and checking that it did.

import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureType } from '../common/failure-types.js';
import { type DeliveryWindow, deliveredState, isFailedRequestState } from '../common/request-states.js';
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
 * deliveryFailed, partiallyDelivered, denied, canceled and the deadline end the run (and so compensate it).
 */
export async function awaitDelivery(
  requested: { requestId: string; state: string; expected?: DeliveryWindow },
  timeoutSeconds: number,
  state: RunState,
): Promise<{ id: string; state: string }> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = requested.state;
  const schedule = readScheduleFor(requested.expected);
  while (current !== deliveredState) {
    if (isFailedRequestState(current)) {
      throw ApplicationFailure.create({
        type: FailureType.DeliveryFailed,
        nonRetryable: true,
        message: `the assignment request ${requested.requestId} ended ${current}; check the request in the Entra admin center`,
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

/**
 * The assignment is listed for the policy as delivered, and the requestor is a member of the group. Resolves the
 * assignment's id.
 */
export async function verifyAccess(ids: { policyId: string; groupId: string; userId: string }): Promise<string> {
  const deadline = Date.now() + verifyWindowMs;
  let delayMs = 1_000;
  for (;;) {
    const [{ assignments }, { memberIds }] = await Promise.all([
      reads.listPolicyAssignments.executeWithOptions({ summary: `list assignments of policy ${ids.policyId}` }, [
        { policyId: ids.policyId },
      ]),
      reads.listGroupMembers.executeWithOptions({ summary: `list members of group ${ids.groupId}` }, [
        { groupId: ids.groupId },
      ]),
    ]);
    const assignment = assignments.find((a) => a.targetId === ids.userId && a.state === deliveredState);
    const assigned = assignment !== undefined;
    const member = memberIds.includes(ids.userId);
    if (assignment && member) return assignment.id;
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({
        type: FailureType.VerificationFailed,
        nonRetryable: true,
        message:
          `verification failed: ${assigned ? '' : 'no delivered assignment for the requestor under the policy; '}` +
          `${member ? '' : 'the requestor is not a member of the group'}`.replace(/; $/, ''),
      });
    }
    await sleep(delayMs, { summary: 'wait for the assignment and membership to show' });
    delayMs = Math.min(delayMs * 2, 15_000);
  }
}
