// A run waiting for approval outlives its worker: the worker process is SIGKILLed while the run waits, a fresh one is
// started, the approver decides, and the new worker carries the run through delivery, verification and clean-up,
// leaving nothing behind in the directory.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { ExitCode } from '../../client/exit-codes.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { createGraphClient } from '../../graph/client.js';
import { progressQuery } from '../../workflows/messages.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { cliSignedInAs } from '../support/cli.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { expectNoDuplicates, expectNothingLeaked } from '../support/leaks.js';
import { tutorialInput } from '../support/saga.js';
import { type TestTemporal, connectTestTemporal, uniqueId } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const domain = 'contoso.onmicrosoft.com';
// Workers run as processes with the default encryption, reading this key; the test's client and CLI use it too.
const codec = createTestCodec();
let temporal: TestTemporal;
let emulator: TestEmulator;
let worker: ManagedProcess | undefined;
const taskQueue = uniqueId('people-crash');

beforeAll(async () => {
  temporal = await connectTestTemporal(codec.dataConverter);
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await temporal?.close();
});

type Run = WorkflowHandle<typeof provisionAccessPackage>;

async function waitForStage(handle: Run, stage: string) {
  await expect
    .poll(async () => (await handle.query(progressQuery)).stage, { timeout: 90_000, interval: 250 })
    .toBe(stage);
  return handle.query(progressQuery);
}

/** The identities of the workers that ran the run's workflow tasks, in history order. */
async function workflowTaskWorkers(handle: Run): Promise<string[]> {
  return ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
    e.workflowTaskStartedEventAttributes?.identity ? [e.workflowTaskStartedEventAttributes.identity] : [],
  );
}

describe('a worker crash while a run waits for approval', () => {
  it('a fresh worker resumes the wait; the approval delivers, verifies and cleans up, nothing leaked', async () => {
    const workerEnv = {
      ...emulator.env,
      ...codec.env,
      TEMPORAL_ADDRESS: temporal.address,
      ENTRA_SAGA_TASK_QUEUE: taskQueue,
    };
    const cliEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...workerEnv,
      ENTRA_SAGA_DOMAIN: domain,
      ENTRA_SAGA_SIGN_IN_CLIENT_ID: emulator.env.AZURE_CLIENT_ID,
    };
    // The approver exists before the run, as an admin made them.
    const approver = `${uniqueId('approver')}@${domain}`;
    await createGraphClient(emulator.graph)
      .api('/users')
      .post({
        accountEnabled: true,
        displayName: 'Approver',
        mailNickname: approver.split('@')[0],
        userPrincipalName: approver,
        passwordProfile: { password: `Pw-${uniqueId('x')}!A1`, forceChangePasswordNextSignIn: false },
      });
    const before = await emulator.control.objects();

    worker = await startWorkerProcess(workerEnv);
    const input = tutorialInput({ requestedBy: 'requestor', approval: { stages: [{ approvers: [approver] }] } });
    const handle = await temporal.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId: uniqueId('people-crash'),
      taskQueue,
      args: [input],
    });
    await waitForStage(handle, 'AwaitingRequest');
    const asked = await cliSignedInAs(['request', handle.workflowId], cliEnv, emulator.control, input.requestorUpn);
    expect(asked.code, asked.stderr).toBe(ExitCode.Ok);
    const waiting = await waitForStage(handle, 'AwaitingApproval');
    const requestId = waiting.approval?.requestId;
    expect(requestId).toBeDefined();
    const killedWorkers = new Set(await workflowTaskWorkers(handle));
    expect(killedWorkers.size).toBe(1);

    // The crash: the run is a timer on the server now, and the worker that had it cached is gone.
    await worker.kill();
    worker = await startWorkerProcess(workerEnv);

    // The new worker rebuilds the wait from history: the same request, the same stage and approver.
    const resumed = await waitForStage(handle, 'AwaitingApproval');
    expect(resumed.approval).toMatchObject({ requestId, currentStage: 1, stages: [{ approvers: [approver] }] });
    expect((await emulator.control.objects()).assignmentRequests.find((r) => r.id === requestId)?.state).toBe(
      'pendingApproval',
    );

    const approved = await cliSignedInAs(
      ['approve', handle.workflowId, '--justification', 'Campaign team', '--json'],
      cliEnv,
      emulator.control,
      approver,
    );
    expect(approved.code, approved.stderr).toBe(ExitCode.Ok);
    expect(approved.json()).toMatchObject({ status: 'approved', by: approver, stage: 1, requestId });

    const result = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.request).toMatchObject({ id: requestId, state: 'delivered' });
    expect(result.tornDown).toBe(true);

    // The run was finished by the new worker, not by the one that was killed.
    const workers = await workflowTaskWorkers(handle);
    expect(killedWorkers.has(workers.at(-1) ?? '')).toBe(false);

    const after = await emulator.control.objects();
    expectNoDuplicates(after);
    expectNothingLeaked(before, after);
  }, 300_000);
});
