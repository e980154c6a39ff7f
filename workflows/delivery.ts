// Waiting for Entra to deliver the assignment, and checking that it did.

import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureType } from '../common/failure-types.js';
import { deliveredState, isFailedRequestState } from '../common/request-states.js';
import { reads } from './activity-proxies.js';
import type { RunState } from './run-state.js';

/**
 * When to read a request that is on its way. Reads fall on a one-second grid counted from the moment the request was
 * made (1 s, 2 s, 3 s … after it) for the first 30 s — Entra delivers most requests within seconds, and a grid finds
 * them delivered at most a second late, where a second's pause after each read would drift by the read's own time —
 * then the pause doubles up to 30 s for the slow ones. A read that overran its slot moves the next one to the first
 * slot still ahead, never to a burst of catching-up reads.
 */
export class PollSchedule {
  private static readonly stepMs = 1_000;
  private static readonly gridSlots = 30;
  /** Reads closer together than this tell nothing new. */
  private static readonly minGapMs = 200;
  /** Workflow time when the request was made (deterministic: the activation's timestamp). */
  private readonly madeAt = Date.now();
  private slot = 0;

  /** The wait before the next read; at most `limitMs`. */
  nextDelayMs(limitMs = Number.POSITIVE_INFINITY): number {
    const { stepMs, gridSlots, minGapMs } = PollSchedule;
    let delay: number;
    if (this.slot < gridSlots) {
      const elapsed = Date.now() - this.madeAt;
      this.slot = Math.max(this.slot + 1, Math.floor((elapsed + minGapMs) / stepMs) + 1);
      delay = this.slot * stepMs - elapsed;
    } else {
      this.slot += 1;
      delay = Math.min(stepMs * 2 ** (this.slot - gridSlots), 30_000);
    }
    return Math.min(delay, limitMs);
  }
}

/**
 * Reads a request once its next poll is due. The Temporal server fires a timer in whole seconds (one of 0.8 s fires
 * after about 1 s), so a wait's whole seconds are spent on a workflow timer and the rest in the read activity, which
 * waits until `readAt` before it reads.
 */
export async function readWhenDue(
  activities: Pick<typeof reads, 'getRequestState'>,
  schedule: PollSchedule,
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
 * Polls the assignment request until it is `delivered`, on the PollSchedule, with a deadline. deliveryFailed,
 * partiallyDelivered, denied, canceled and the deadline end the run (and so compensate it).
 */
export async function awaitDelivery(
  requested: { requestId: string; state: string },
  timeoutSeconds: number,
  state: RunState,
): Promise<{ id: string; state: string }> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let current = requested.state;
  const schedule = new PollSchedule();
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
