// Delivery seen when it happens: the worker keeps the delays of the requests it saw delivered, and a run plans its
// reads from them — the first read comes just after the usual delay and sees the request delivered. The whole
// seconds of a wait are spent on a workflow timer, what is left under a second in the read itself.

import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture({ deliveryDelayMs: 2500 });
});
afterAll(async () => saga?.close());

async function addRequestReads(workflowId: string) {
  const events = (await saga.temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes);
  // When the request was made, as the run knows it: the completion of its requestAssignment activity.
  const requestScheduledId = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestAssignment',
  )?.eventId;
  const requestedAt = events.find(
    (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(requestScheduledId),
  )?.eventTime;
  const madeAtMs = Number(requestedAt?.seconds ?? 0) * 1000 + Math.floor((requestedAt?.nanos ?? 0) / 1e6);
  const reads = scheduled
    .filter((a) => a?.activityType?.name === 'getRequestState')
    .map((a) => defaultPayloadConverter.fromPayload<{ requestId: string; readAt: number }>(a!.input!.payloads![0]!));
  const timers = events.map((e) => e.timerStartedEventAttributes?.startToFireTimeout).filter((t) => t != null);
  return { reads, timers, madeAtMs };
}

describe('reading a request on its way', () => {
  it('once deliveries were seen taking 2.5 s, sees the next one with its first read', async () => {
    // A new worker has seen no delivery: it reads across Entra's usual seconds.
    const first = await saga.execute(tutorialInput({ cleanup: 'keep' }));
    const cold = await addRequestReads(first.workflowId);
    expect(cold.reads.filter((r) => r.requestId === first.request.id).length).toBeGreaterThan(1);
    // Two more deliveries seen, all taking 2.5 s: the usual window is 2.5 s.
    await Promise.all([
      saga.execute(tutorialInput({ cleanup: 'keep' })),
      saga.execute(tutorialInput({ cleanup: 'keep' })),
    ]);

    const run = await saga.execute(tutorialInput({ cleanup: 'keep' }));
    const { reads, timers, madeAtMs } = await addRequestReads(run.workflowId);
    const ofAdd = reads.filter((r) => r.requestId === run.request.id);
    expect(ofAdd).toHaveLength(1);
    // Due just after the usual 2.5 s (a few tens of milliseconds of margin and of workflow-task time).
    expect(ofAdd[0]!.readAt - madeAtMs).toBeGreaterThanOrEqual(2500);
    expect(ofAdd[0]!.readAt - madeAtMs).toBeLessThan(2800);
    expect(run.request.state).toBe('delivered');
    // Whole seconds on a timer (2 s), the rest in the read.
    expect(timers.length).toBeGreaterThan(0);
    for (const timeout of timers) expect(timeout.nanos ?? 0).toBe(0);
  }, 60_000);
});
