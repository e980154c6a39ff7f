// Waiting for Entra to deliver the assignment, and checking that it did.

import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureType } from '../common/failure-types.js';
import { deliveredState, isFailedRequestState } from '../common/request-states.js';
import { reads } from './activity-proxies.js';
import type { RunState } from './run-state.js';

/**
 * The wait before the n-th read of a request (n from 1): every second for the first 30 s — Entra delivers most
 * requests within seconds, and a fixed pace finds them delivered at most a second late — then doubling up to 30 s for
 * the slow ones.
 */
export function pollDelayMs(n: number): number {
  const steadyPolls = 30;
  return n <= steadyPolls ? 1_000 : Math.min(1_000 * 2 ** (n - steadyPolls), 30_000);
}

/**
 * Polls the assignment request until it is `delivered`, on the pollDelayMs schedule, with a deadline. deliveryFailed,
 * partiallyDelivered, denied, canceled and the deadline end the run (and so compensate it).
 */
export async function awaitDelivery(
  requested: { requestId: string; state: string },
  timeoutSeconds: number,
  state: RunState,
): Promise<{ id: string; state: string }> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = requested.state;
  let polls = 0;
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
    polls += 1;
    await sleep(Math.min(pollDelayMs(polls), remaining), { summary: `wait for delivery (request ${current})` });
    ({ state: current } = await reads.getRequestState.executeWithOptions(
      { summary: `read assignment request ${requested.requestId}` },
      [{ requestId: requested.requestId }],
    ));
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
      reads.listPolicyAssignments.executeWithOptions({ summary: `list assignments of policy ${ids.policyId}` }, [{ policyId: ids.policyId }]),
      reads.listGroupMembers.executeWithOptions({ summary: `list members of group ${ids.groupId}` }, [{ groupId: ids.groupId }]),
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
