// The saga's decisions over days of workflow time, on the time-skipping test server with the activities stubbed:
// a hold that ends at the expiry, the delivery deadline, the polling schedule's backoff, an undo that keeps failing,
// and a cancellation while holding. Each takes seconds of wall time.

import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../../common/failure-types.js';
import type { ProvisioningInput } from '../../common/provisioning.js';
import { progressQuery } from '../../workflows/messages.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { runFailure } from '../support/failures.js';
import { badRequest, startTimeSkipping, stubActivities, withWorkers } from '../support/time-skipping.js';
import { uniqueId } from '../support/temporal.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
}, 60_000);
afterAll(async () => env?.teardown());

const input = (overrides: Partial<ProvisioningInput> = {}): ProvisioningInput => ({
  requestorUpn: 'requestor1@contoso.onmicrosoft.com',
  groupName: 'Marketing resources',
  packageName: 'Marketing Campaign',
  catalogName: 'General',
  durationDays: 30,
  cleanup: 'now',
  ...overrides,
});

function start(taskQueue: string, args: ProvisioningInput) {
  return env.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
    workflowId: uniqueId('fast'),
    taskQueue,
    args: [args],
  });
}

describe('saga decisions over workflow time', () => {
  it('holds its access until the expiry, 30 days later, then tears down', async () => {
    const { activities, calls } = stubActivities();
    const wallStart = Date.now();
    const result = await withWorkers(env, activities, async (taskQueue) => {
      const startedAt = await env.currentTimeMs();
      const outcome = await (await start(taskQueue, input({ cleanup: 'hold' }))).result();
      return { outcome, elapsedMs: (await env.currentTimeMs()) - startedAt };
    });
    expect(result.outcome.tornDown).toBe(true);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(result.elapsedMs).toBeLessThan(31 * DAY_MS);
    const removal = calls.find((c) => c.name === 'requestRemoval');
    const delivered = calls.filter((c) => c.name === 'getRequestState')[0];
    expect((removal?.scheduledAtMs ?? 0) - (delivered?.scheduledAtMs ?? 0)).toBeGreaterThanOrEqual(
      30 * DAY_MS - 60_000,
    );
    expect(Date.now() - wallStart).toBeLessThan(30_000);
  });

  it('fails at the delivery deadline, reading on its planned schedule, and rolls back', async () => {
    // The worker has seen deliveries take 2–3 s; this one comes 10 s after the run's 900 s deadline: the run gives up,
    // then rolls back once Entra lets it.
    let madeAt: number | undefined;
    const { activities, calls } = stubActivities({
      requestAssignment: () => {
        madeAt = Context.current().info.currentAttemptScheduledTimestampMs;
        return Promise.resolve({
          requestId: 'request-1',
          state: 'submitted',
          alreadyAssigned: false,
          expected: { lowMs: 2000, highMs: 3000 },
        });
      },
      getRequestState: (i) => {
        const late = (i.readAt ?? 0) - (madeAt ?? 0) >= 910_000 || i.requestId !== 'request-1';
        return Promise.resolve({ requestId: i.requestId, state: late ? 'delivered' : 'delivering' });
      },
    });
    const cause = await withWorkers(env, activities, async (taskQueue) =>
      runFailure((await start(taskQueue, input({ deliveryTimeoutSeconds: 900 }))).result()),
    );
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(FailureType.ProvisioningFailed);
    expect((cause.cause as ApplicationFailure).type).toBe(FailureType.DeliveryTimedOut);

    // When each read was due, in ms after the request, up to the deadline (the stub answers at once, where Graph's read
    // would wait for its due time first).
    const due = calls
      .filter((c) => c.name === 'getRequestState' && (c.input as { requestId: string }).requestId === 'request-1')
      .map((c) => (c.input as { readAt: number }).readAt - (madeAt ?? 0));
    const offsets = [...new Set(due.map(Math.round))].filter((o) => o <= 901_000);
    // The first read just after the usual window's start; then a tenth of the time since the request apart (at least
    // 250 ms) up to twice its end; then the pause doubles up to 30 s.
    expect(offsets[0]).toBeGreaterThanOrEqual(2000);
    expect(offsets[0]).toBeLessThan(2100);
    const gaps = offsets.slice(1).map((o, i) => o - (offsets[i] ?? 0));
    offsets.forEach((o, i) => {
      if (o < 6000) expect(gaps[i] ?? 0, `gap after ${o} ms`).toBeLessThanOrEqual(Math.max(0.1 * o, 250) + 5);
    });
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_001);
    expect(gaps.slice(-5, -1).every((g) => Math.abs(g - 30_000) <= 1)).toBe(true);
    expect(Math.abs((offsets.at(-1) ?? 0) - 900_000)).toBeLessThan(1000);
    expect(offsets.length).toBeLessThan(60);
    // Rolled back: the request is removed after it finishes, and every object is released.
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining(['deletePolicy', 'deleteAccessPackage', 'deleteGroup', 'deleteUser']),
    );
  });

  it('reports an undo that keeps failing, after its retries, and keeps undoing the rest', async () => {
    const { activities, calls } = stubActivities({
      createPolicy: () => Promise.reject(badRequest('policy refused')),
      deleteGroup: () => Promise.reject(badRequest('group delete refused')),
    });
    const cause = await withWorkers(env, activities, async (taskQueue) =>
      runFailure((await start(taskQueue, input())).result()),
    );
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(FailureType.TeardownIncomplete);
    expect(cause.message).toMatch(/group Marketing resources \(.*group delete refused/);
    expect(calls.filter((c) => c.name === 'deleteGroup')).toHaveLength(10);
    // The other undos ran all the same.
    expect(calls.filter((c) => c.name === 'deleteUser')).toHaveLength(1);
    expect(calls.filter((c) => c.name === 'deleteAccessPackage')).toHaveLength(1);
  });

  it('rolls back when cancelled while it holds its access, days into the hold', async () => {
    const { activities, calls } = stubActivities();
    const cause = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ cleanup: 'hold' }));
      for (;;) {
        if ((await handle.query(progressQuery)).stage === 'Holding') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await env.sleep(3 * DAY_MS);
      await handle.cancel();
      return runFailure(handle.result());
    });
    expect(cause).toBeInstanceOf(CancelledFailure);
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'requestRemoval',
        'deletePolicy',
        'removeRoleScope',
        'deleteAccessPackage',
        'removeGroupFromCatalog',
        'deleteGroup',
        'deleteUser',
      ]),
    );
  });
});
