// Waiting for people over days of workflow time, on the time-skipping test server with the activities stubbed: a
// requestor who never asks, one who asks on day 2, the reads' schedule, reminders, an approval stage that escalates
// and one denied automatically, a decision reported by the approver's command, and a rollback that waits for a
// pending request to be cancelled; and the longest wait the input allows, inside Temporal's history limit.

import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../../common/failure-types.js';
import type { ProvisioningInput } from '../../common/provisioning.js';
import { approvalDecidedSignal, progressQuery, requestCancelledSignal } from '../../workflows/messages.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { runFailure } from '../support/failures.js';
import { startTimeSkipping, stubActivities, withWorkers } from '../support/time-skipping.js';
import { uniqueId } from '../support/temporal.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

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
    workflowId: uniqueId('people'),
    taskQueue,
    args: [args],
  });
}

const scheduledAt = () => Context.current().info.currentAttemptScheduledTimestampMs;

/**
 * Lets a minute of workflow time pass after a query, before a signal: the time-skipping test server refuses the
 * workflow task that follows a query answered with no time passed ("invalid history builder state for action").
 */
const afterQuery = () => env.sleep(MINUTE_MS);

describe('the requestor asks', () => {
  it('rolls back when no request comes within the deadline, having read Graph rarely and reminded daily', async () => {
    const { activities, calls } = stubActivities();
    const { cause, progress } = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ requestedBy: 'requestor', requestTimeoutHours: 72 }));
      const failure = await runFailure(handle.result());
      return { cause: failure.cause as ApplicationFailure, progress: await handle.query(progressQuery) };
    });
    expect(cause.type).toBe(FailureType.RequestNotMade);
    expect(cause.message).toMatch(/did not ask for the package within 72 h/);
    // The rollback began at the deadline: 72 hours after the run started to wait.
    const started = calls.find((c) => c.name === 'findRequestorRequest')?.scheduledAtMs ?? 0;
    const rollback = calls.find((c) => c.name === 'deletePolicy')?.scheduledAtMs ?? 0;
    expect(rollback - started).toBeGreaterThanOrEqual(72 * HOUR_MS);
    expect(rollback - started).toBeLessThan(72 * HOUR_MS + MINUTE_MS);
    // 1, 2, 4, 8, 16 minutes apart, then every 30 minutes for the first day and hourly after it: not one read every
    // few seconds.
    // The last look is the rollback's, for a request made after the run stopped waiting.
    const looks = calls.filter((c) => c.name === 'findRequestorRequest').map((c) => c.scheduledAtMs);
    const reads = looks.slice(0, -1);
    expect((looks.at(-1) as number) - started).toBeGreaterThanOrEqual(72 * HOUR_MS);
    const gaps = reads.slice(1).map((at, i) => at - (reads[i] as number));
    expect(gaps.slice(0, 5).map((g) => Math.round(g / MINUTE_MS))).toEqual([1, 2, 4, 8, 16]);
    const firstDay = reads.filter((at) => at - started < DAY_MS).length;
    const gapsFirstDay = gaps.slice(0, firstDay - 1);
    expect(Math.max(...gapsFirstDay)).toBeLessThanOrEqual(30 * MINUTE_MS + 1_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HOUR_MS + 1_000);
    expect(gaps.slice(firstDay).filter((g) => g > 30 * MINUTE_MS + 1_000).length).toBeGreaterThan(40);
    expect(reads.length).toBeLessThan(48 + 2 * 24 + 10);
    expect(progress.approval?.reminders).toBe(2);
    expect(progress.undone.map((u) => u.outcome)).not.toContain('failed');
    expect(progress.undone.find((u) => u.kind === 'assignment')?.outcome).toBe('alreadyGone');
  });

  it('follows the request the requestor made on day 2 to delivery', async () => {
    let startMs = 0;
    const { activities, calls } = stubActivities({
      findRequestorRequest: () =>
        Promise.resolve(
          scheduledAt() - startMs >= 2 * DAY_MS
            ? {
                request: { requestId: 'user-request-1', state: 'submitted', createdDateTime: new Date().toISOString() },
              }
            : {},
        ),
    });
    const result = await withWorkers(env, activities, async (taskQueue) => {
      startMs = await env.currentTimeMs();
      return (await start(taskQueue, input({ requestedBy: 'requestor' }))).result();
    });
    expect(result.request).toEqual({ id: 'user-request-1', state: 'delivered' });
    expect(calls.some((c) => c.name === 'requestAssignment')).toBe(false);
    expect(result.objects.find((o) => o.kind === 'assignment')).toMatchObject({ id: 'user-request-1', created: true });
  });
});

describe('approval', () => {
  const twoStages = {
    stages: [
      {
        approvers: ['alice@contoso.onmicrosoft.com'],
        escalationApprovers: ['manager:2'],
        escalateAfterDays: 2,
        denyAfterDays: 5,
      },
      { approvers: ['group:Finance approvers'], denyAfterDays: 3 },
    ],
  };

  it('shows the stage, its escalation when due and its automatic denial, then rolls back', async () => {
    let pendingSince = 0;
    const { activities } = stubActivities({
      requestAssignment: () => {
        pendingSince = scheduledAt();
        return Promise.resolve({ requestId: 'request-1', state: 'pendingApproval', alreadyAssigned: false });
      },
      // Entra denies the request once stage 1 has waited its 5 days.
      getRequestState: (i) =>
        Promise.resolve({
          requestId: i.requestId,
          state:
            i.requestId === 'request-1' && scheduledAt() - pendingSince >= 5 * DAY_MS ? 'denied' : 'pendingApproval',
        }),
    });
    const seen = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ approval: twoStages }));
      await env.sleep(DAY_MS);
      const dayOne = await handle.query(progressQuery);
      await env.sleep(DAY_MS + HOUR_MS);
      const dayTwo = await handle.query(progressQuery);
      const failure = await runFailure(handle.result());
      return { dayOne, dayTwo, cause: failure.cause as ApplicationFailure };
    });
    expect(seen.dayOne.stage).toBe('AwaitingApproval');
    expect(seen.dayOne.approval).toMatchObject({ requestedBy: 'operator', currentStage: 1 });
    expect(seen.dayOne.approval?.stages[0]?.escalated).toBeUndefined();
    const stage1 = seen.dayTwo.approval?.stages[0];
    expect(stage1?.escalated).toBe(true);
    expect(Date.parse(stage1?.deniesAt ?? '') - Date.parse(stage1?.escalatesAt ?? '')).toBe(3 * DAY_MS);
    expect(seen.dayTwo.approval?.reminders).toBe(2);
    expect(seen.cause.type).toBe(FailureType.ApprovalDenied);
    expect(seen.cause.message).toMatch(/denied automatically: approval stage 1 was not decided by/);
  });

  it("records a decision the approver's command reports, reads at once, and delivers after the last stage", async () => {
    let approvedAt = Infinity;
    const { activities, calls } = stubActivities({
      requestAssignment: () =>
        Promise.resolve({ requestId: 'request-1', state: 'pendingApproval', alreadyAssigned: false }),
      getRequestState: (i) =>
        Promise.resolve({
          requestId: i.requestId,
          state: scheduledAt() >= approvedAt ? 'delivered' : 'pendingApproval',
        }),
    });
    const result = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ approval: twoStages }));
      await env.sleep(3 * HOUR_MS);
      const at = new Date(await env.currentTimeMs()).toISOString();
      await handle.signal(approvalDecidedSignal, {
        stage: 1,
        reviewResult: 'Approve',
        by: 'alice@contoso.onmicrosoft.com',
        at,
        justification: 'Campaign starts Monday',
      });
      await env.sleep(HOUR_MS);
      const afterFirst = await handle.query(progressQuery);
      await afterQuery();
      approvedAt = await env.currentTimeMs();
      await handle.signal(approvalDecidedSignal, {
        stage: 2,
        reviewResult: 'Approve',
        by: 'bob@contoso.onmicrosoft.com',
        at: new Date(approvedAt).toISOString(),
      });
      return { afterFirst, outcome: await handle.result(), approvedAt };
    });
    expect(result.afterFirst.approval?.currentStage).toBe(2);
    expect(result.afterFirst.approval?.stages[0]?.decision).toMatchObject({
      by: 'alice@contoso.onmicrosoft.com',
      justification: 'Campaign starts Monday',
    });
    // Stage 2's automatic denial counts from stage 1's approval.
    const stage2 = result.afterFirst.approval?.stages[1];
    expect(
      Date.parse(stage2?.deniesAt ?? '') - Date.parse(result.afterFirst.approval?.stages[0]?.decision?.at ?? ''),
    ).toBe(3 * DAY_MS);
    expect(result.outcome.request.state).toBe('delivered');
    // The signal woke the run: it read the request within a second of the last approval, not at its next 30-minute read.
    const readAfter = calls.find((c) => c.name === 'getRequestState' && c.scheduledAtMs >= result.approvedAt);
    expect((readAfter?.scheduledAtMs ?? Infinity) - result.approvedAt).toBeLessThan(1_000);
  });

  it('names who denied a stage, from the decision the command reported', async () => {
    let deniedAt = Infinity;
    const { activities } = stubActivities({
      requestAssignment: () =>
        Promise.resolve({ requestId: 'request-1', state: 'pendingApproval', alreadyAssigned: false }),
      getRequestState: (i) =>
        Promise.resolve({ requestId: i.requestId, state: scheduledAt() >= deniedAt ? 'denied' : 'pendingApproval' }),
    });
    const cause = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ approval: twoStages }));
      await env.sleep(HOUR_MS);
      deniedAt = await env.currentTimeMs();
      await handle.signal(approvalDecidedSignal, {
        stage: 1,
        reviewResult: 'Deny',
        by: 'alice@contoso.onmicrosoft.com',
        at: new Date(deniedAt).toISOString(),
        justification: 'Not in the campaign team',
      });
      return (await runFailure(handle.result())).cause as ApplicationFailure;
    });
    expect(cause.type).toBe(FailureType.ApprovalDenied);
    expect(cause.message).toMatch(
      /denied at approval stage 1 by alice@contoso.onmicrosoft.com \(“Not in the campaign team”\)/,
    );
  });

  it('a cancelled run waits for its pending request to be cancelled by a person, then rolls back', async () => {
    let cancelledAt = Infinity;
    const { activities, calls } = stubActivities({
      requestAssignment: () =>
        Promise.resolve({ requestId: 'request-1', state: 'pendingApproval', alreadyAssigned: false }),
      getRequestState: (i) =>
        Promise.resolve({
          requestId: i.requestId,
          state: scheduledAt() >= cancelledAt ? 'canceled' : 'pendingApproval',
        }),
      requestRemoval: () => Promise.reject(new Error('a cancelled request made no assignment to remove')),
    });
    const seen = await withWorkers(env, activities, async (taskQueue) => {
      const handle = await start(taskQueue, input({ approval: twoStages }));
      await env.sleep(HOUR_MS);
      await handle.cancel();
      await env.sleep(2 * HOUR_MS);
      const waiting = await handle.query(progressQuery);
      await afterQuery();
      cancelledAt = await env.currentTimeMs();
      await handle.signal(requestCancelledSignal, { requestId: 'request-1', by: 'requestor1@contoso.onmicrosoft.com' });
      const failure = await runFailure(handle.result());
      return { waiting, failure, progress: await handle.query(progressQuery) };
    });
    expect(seen.waiting.stage).toBe('Compensating');
    expect(seen.waiting.approval?.cancelHint).toMatch(
      /request request-1 is still pendingApproval, and only a signed-in person can cancel it: run `entra-saga cancel-request /,
    );
    expect(seen.progress.approval?.cancelHint).toBeUndefined();
    expect(seen.progress.undone.map((u) => [u.kind, u.outcome])).toEqual(
      expect.arrayContaining([
        ['assignment', 'alreadyGone'],
        ['assignmentPolicy', 'undone'],
      ]),
    );
    // Read on the people schedule while it waited (not every few seconds), and no removal of an assignment never made.
    expect(calls.filter((c) => c.name === 'getRequestState').length).toBeLessThan(20);
    expect(calls.some((c) => c.name === 'requestRemoval')).toBe(false);
  });
});

describe('the longest wait the input allows', () => {
  it("stays inside Temporal's history limit: 30 days to ask, three stages of 14 days, hourly reminders", async () => {
    let startMs = 0;
    const { activities, calls } = stubActivities({
      // The requestor asks an hour before the deadline; no approver ever decides, and Entra never denies.
      findRequestorRequest: () =>
        Promise.resolve(
          scheduledAt() - startMs >= 719 * HOUR_MS
            ? {
                request: {
                  requestId: 'user-request-1',
                  state: 'pendingApproval',
                  createdDateTime: new Date(scheduledAt()).toISOString(),
                },
              }
            : {},
        ),
      getRequestState: (i) => Promise.resolve({ requestId: i.requestId, state: 'pendingApproval' }),
    });
    const stage = (approver: string) => ({ approvers: [approver], denyAfterDays: 14 });
    const seen = await withWorkers(env, activities, async (taskQueue) => {
      startMs = await env.currentTimeMs();
      const handle = await start(
        taskQueue,
        input({
          requestedBy: 'requestor',
          requestTimeoutHours: 720,
          approval: {
            stages: [
              stage('alice@contoso.onmicrosoft.com'),
              stage('bob@contoso.onmicrosoft.com'),
              stage('carol@contoso.onmicrosoft.com'),
            ],
            remindEveryHours: 1,
          },
        }),
      );
      const failure = await runFailure(handle.result());
      return { cause: failure.cause as ApplicationFailure, events: (await handle.fetchHistory()).events?.length ?? 0 };
    });
    expect(seen.cause.type).toBe(FailureType.ApprovalDenied);
    expect(seen.cause.message).toMatch(/a day after its last stage was due to be denied automatically/);
    // 30 days of looking for the request and 43 of following it: hourly reads after each wait's first day.
    const reads = calls.filter((c) => c.name === 'findRequestorRequest' || c.name === 'getRequestState').length;
    expect(reads).toBeGreaterThan(72 * 24);
    expect(reads).toBeLessThan(2 * 48 + 72 * 24);
    expect(seen.events).toBeLessThan(40_000);
  }, 300_000);
});
