// People in the loop, end to end on the real dev server against the emulator, through the operator's CLI: the
// requestor signs in with the device code and asks; approvers sign in and decide each stage; a denial, Entra's
// automatic denial and a cancellation roll back; an approver who is not in the stage gets Graph's refusal and the run
// keeps waiting.

import { readFileSync } from 'node:fs';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../../common/failure-types.js';
import type { ApprovalSettings } from '../../common/approvals.js';
import { ExitCode } from '../../client/exit-codes.js';
import { createGraphClient } from '../../graph/client.js';
import { progressQuery, refreshSignal } from '../../workflows/messages.js';
import { cli, cliSignedInAs } from '../support/cli.js';
import { runApplicationFailure } from '../support/failures.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const domain = 'contoso.onmicrosoft.com';

let saga: SagaFixture;
let alice = '';
let bob = '';
beforeAll(async () => {
  saga = await startSagaFixture();
  // Two approvers, made as an admin would (the run only finds them).
  const graph = createGraphClient(saga.emulator.graph);
  [alice = '', bob = ''] = await Promise.all(
    ['alice', 'bob'].map(async (name) => {
      const upn = `${uniqueId(name)}@${domain}`;
      await graph.api('/users').post({
        accountEnabled: true,
        displayName: name,
        mailNickname: upn.split('@')[0],
        userPrincipalName: upn,
        passwordProfile: { password: `Pw-${uniqueId('x')}!A1`, forceChangePasswordNextSignIn: false },
      });
      return upn;
    }),
  );
});
afterAll(async () => saga?.close());

async function waitForStage(workflowId: string, stage: string) {
  const handle = saga.temporal.client.workflow.getHandle(workflowId);
  await expect
    .poll(async () => (await handle.query(progressQuery)).stage, { timeout: 60_000, interval: 200 })
    .toBe(stage);
  return handle.query(progressQuery);
}

/** A run the requestor asks for; approval as given. */
async function startAsked(approval?: ApprovalSettings) {
  const input = tutorialInput({ requestedBy: 'requestor', ...(approval ? { approval } : {}) });
  const handle = await saga.start(input);
  await waitForStage(handle.workflowId, 'AwaitingRequest');
  const asked = await cliSignedInAs(
    ['request', handle.workflowId, '--justification', 'For the spring campaign'],
    saga.cliEnv,
    saga.emulator.control,
    input.requestorUpn,
  );
  expect(asked.code, asked.stderr).toBe(ExitCode.Ok);
  expect(asked.prompt).toMatch(/To sign in, use a web browser to open the page https:\/\/\S+ and enter the code/);
  return { handle, input };
}

const twoStages = (): ApprovalSettings => ({ stages: [{ approvers: [alice] }, { approvers: [bob] }] });

describe('the requestor asks themself', () => {
  it('signs in with the device code, asks, and the run delivers, verifies and cleans up', async () => {
    const before = await saga.emulator.control.objects();
    const { handle } = await startAsked();
    const result = await handle.result();
    expect(result.request.state).toBe('delivered');
    const requests = (await saga.emulator.control.objects()).assignmentRequests;
    expect(requests.find((r) => r.id === result.request.id)?.requestType).toBe('userAdd');
    const activities = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    expect(activities).toContain('findRequestorRequest');
    expect(activities).not.toContain('requestAssignment');
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

describe('approval', () => {
  it('two stages approved by the right people deliver; an approver of another stage is refused meanwhile', async () => {
    const before = await saga.emulator.control.objects();
    const { handle } = await startAsked(twoStages());
    await waitForStage(handle.workflowId, 'AwaitingApproval');

    // Bob decides stage 2, not stage 1: Graph refuses him, and the run keeps waiting.
    const early = await cliSignedInAs(
      ['approve', handle.workflowId, '--justification', 'ok'],
      saga.cliEnv,
      saga.emulator.control,
      bob,
    );
    expect(early.code).toBe(ExitCode.RunFailed);
    expect(early.stderr).toMatch(/Graph answered 403/);
    expect((await handle.query(progressQuery)).stage).toBe('AwaitingApproval');

    for (const [approver, why] of [
      [alice, 'Campaign team'],
      [bob, 'Budget approved'],
    ] as const) {
      const decided = await cliSignedInAs(
        ['approve', handle.workflowId, '--justification', why, '--json'],
        saga.cliEnv,
        saga.emulator.control,
        approver,
      );
      expect(decided.code, decided.stderr).toBe(ExitCode.Ok);
      expect(decided.json()).toMatchObject({ status: 'approved', by: approver, justification: why });
    }
    const result = await handle.result();
    expect(result.request.state).toBe('delivered');
    const history = JSON.stringify((await handle.fetchHistory()).events);
    expect(history).toContain('approvalDecided');
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('a denial at stage 2 rolls back, naming who denied', async () => {
    const before = await saga.emulator.control.objects();
    const { handle } = await startAsked(twoStages());
    await waitForStage(handle.workflowId, 'AwaitingApproval');
    const approve = ['approve', handle.workflowId, '--justification', 'ok'];
    expect((await cliSignedInAs(approve, saga.cliEnv, saga.emulator.control, alice)).code).toBe(ExitCode.Ok);
    const deny = ['deny', handle.workflowId, '--justification', 'No budget left'];
    expect((await cliSignedInAs(deny, saga.cliEnv, saga.emulator.control, bob)).code).toBe(ExitCode.Ok);
    const cause = await runApplicationFailure(handle.result());
    const denied = cause.cause as ApplicationFailure;
    expect(denied.type).toBe(FailureType.ApprovalDenied);
    expect(cause.message).toMatch(new RegExp(`denied at approval stage 2 by ${bob} \\(“No budget left”\\)`));
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('Entra denies a stage left undecided past its time (emulator clock), and the run rolls back', async () => {
    const before = await saga.emulator.control.objects();
    const { handle } = await startAsked({ stages: [{ approvers: [alice], denyAfterDays: 1 }] });
    await waitForStage(handle.workflowId, 'AwaitingApproval');
    await saga.emulator.control.advanceClock(DAY_MS + 60_000);
    // The run would see it at its next read; the operator asks it to look now.
    await handle.signal(refreshSignal);
    const cause = await runApplicationFailure(handle.result());
    expect((cause.cause as ApplicationFailure).type).toBe(FailureType.ApprovalDenied);
    expect(cause.message).toMatch(/denied/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('cancel while awaiting approval: the rollback waits for the requestor to cancel the request, then finishes', async () => {
    const before = await saga.emulator.control.objects();
    const { handle, input } = await startAsked(twoStages());
    await waitForStage(handle.workflowId, 'AwaitingApproval');
    expect((await cli(['cancel', handle.workflowId, '--no-wait'], saga.cliEnv)).code).toBe(ExitCode.Ok);
    // Graph lets only a person cancel the pending request: the run says so, and how.
    await expect
      .poll(async () => (await handle.query(progressQuery)).approval?.cancelHint, { timeout: 30_000 })
      .toMatch(new RegExp(`entra-saga cancel-request ${handle.workflowId}`));
    const status = await cli(['status', handle.workflowId], saga.cliEnv);
    expect(status.stdout).toMatch(/to finish the rollback: the request \S+ is still pendingApproval/);
    const cancelled = await cliSignedInAs(
      ['cancel-request', handle.workflowId],
      saga.cliEnv,
      saga.emulator.control,
      input.requestorUpn,
    );
    expect(cancelled.code, cancelled.stderr).toBe(ExitCode.Ok);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('lists the runs waiting for approval, and those the signed-in approver may decide', async () => {
    const { handle, input } = await startAsked(twoStages());
    await waitForStage(handle.workflowId, 'AwaitingApproval');
    const all = await cli(['approvals', '--json'], saga.cliEnv);
    const listed = (all.json().approvals as { workflowId: string; approvers: string[]; stage: number }[]).find(
      (a) => a.workflowId === handle.workflowId,
    );
    expect(listed).toMatchObject({ stage: 1, approvers: [alice] });
    const mine = await cliSignedInAs(['approvals', '--mine', '--json'], saga.cliEnv, saga.emulator.control, alice);
    expect((mine.json().approvals as { workflowId: string }[]).map((a) => a.workflowId)).toContain(handle.workflowId);
    const notBobs = await cliSignedInAs(['approvals', '--mine', '--json'], saga.cliEnv, saga.emulator.control, bob);
    expect((notBobs.json().approvals as { workflowId: string }[]).map((a) => a.workflowId)).not.toContain(
      handle.workflowId,
    );
    // The on-call queries of the README: by stage, and by how long the run has waited (AwaitingSince).
    const listedBy = async (query: string) => {
      const runs = (await cli(['list', '--query', query, '--json'], saga.cliEnv)).json().runs as {
        workflowId: string;
      }[];
      return runs.map((r) => r.workflowId);
    };
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    for (const query of [
      'ProvisioningStage = "AwaitingApproval"',
      `ProvisioningStage IN ("AwaitingRequest", "AwaitingApproval") AND AwaitingSince < "${inAMinute}"`,
    ]) {
      // Visibility is eventually consistent: the stage's upsert may land a moment after the query answered.
      await expect.poll(() => listedBy(query), { timeout: 30_000, interval: 500 }).toContain(handle.workflowId);
    }
    const waitingAnHour = `AwaitingSince < "${new Date(Date.now() - 3_600_000).toISOString()}"`;
    expect(await listedBy(waitingAnHour)).not.toContain(handle.workflowId);
    // Clean up: the requestor withdraws, and the run rolls back.
    await handle.cancel();
    await cliSignedInAs(['cancel-request', handle.workflowId], saga.cliEnv, saga.emulator.control, input.requestorUpn);
    await expect(handle.result()).rejects.toThrow();
  });
});

/** The README's table of the people's commands: each command, and the delegated permission it asks for. */
function readmeSignInPermissions(): Record<string, string> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### People in the loop'));
  const table = section.slice(section.indexOf('| command | who signs in | the command asks for |'));
  const asks: Record<string, string> = {};
  for (const row of table.split('\n').slice(2)) {
    if (!row.startsWith('|')) break;
    const [commands = '', , permission = ''] = row.split('|').slice(1, 4);
    for (const [, command] of commands.matchAll(/`([^`]+)`/g))
      asks[command ?? ''] = permission.trim().replace(/`/g, '');
  }
  return asks;
}

describe('signing people in', () => {
  it('each command asks for the delegated permission the README names; the requestor withdrawing rolls back', async () => {
    const asked: Record<string, string[]> = {};
    // Signs the person in as cliSignedInAs does, after noting the Graph permissions the pending code asks for.
    const noting = (command: string) => ({
      async deviceSignIn(userCode: string, userPrincipalName: string) {
        const code = (await saga.emulator.control.deviceCodes()).deviceCodes.find((c) => c.userCode === userCode);
        asked[command] = (code?.scopes ?? [])
          .filter((s) => s.startsWith('https://graph.microsoft.com/'))
          .map((s) => s.slice('https://graph.microsoft.com/'.length));
        return saga.emulator.control.deviceSignIn(userCode, userPrincipalName);
      },
    });
    const before = await saga.emulator.control.objects();
    const input = tutorialInput({ requestedBy: 'requestor', approval: { stages: [{ approvers: [alice] }] } });
    const handle = await saga.start(input);
    const id = handle.workflowId;
    await waitForStage(id, 'AwaitingRequest');
    const asks = (argv: string[], command: string, upn: string) =>
      cliSignedInAs(argv, saga.cliEnv, noting(command), upn);

    expect((await asks(['request', id], 'request', input.requestorUpn)).code).toBe(ExitCode.Ok);
    await waitForStage(id, 'AwaitingApproval');
    expect((await asks(['approvals', '--mine'], 'approvals --mine', alice)).code).toBe(ExitCode.Ok);
    // Bob is no approver of this request, and Alice may not cancel another's request: Graph refuses both after
    // they signed in, and the run keeps waiting.
    for (const command of ['approve', 'deny'])
      expect((await asks([command, id, '--justification', 'no'], command, bob)).stderr).toMatch(/Graph answered 403/);
    expect((await asks(['cancel-request', id, '--admin'], 'cancel-request --admin', alice)).stderr).toMatch(
      /Graph answered 403/,
    );
    expect((await handle.query(progressQuery)).stage).toBe('AwaitingApproval');
    expect((await asks(['cancel-request', id], 'cancel-request', input.requestorUpn)).code).toBe(ExitCode.Ok);

    expect(asked).toEqual(
      Object.fromEntries(Object.entries(readmeSignInPermissions()).map(([command, p]) => [command, [p]])),
    );
    // The requestor withdrew the request: the run ends RequestCanceled and leaves nothing behind.
    const cause = await runApplicationFailure(handle.result());
    expect((cause.cause as ApplicationFailure).type).toBe(FailureType.RequestCanceled);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});
