// Stored histories of the workflows (provisioning, teardown, the object coordinator) must replay against today's
// workflow code without nondeterminism. When the workflow changes, keep these files (old runs must still replay: guard the change with
// `patched()`), and record new ones with `RECORD_HISTORIES=1 npx vitest run test/replay` (see README).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { sharedObjectWorkflowId } from '../../activities/shared-objects.js';
import { teardownWorkflowId } from '../../common/workflow-id.js';
import { defaultPermissions } from '../../emulator/index.js';
import { progressQuery, teardownSignal } from '../../workflows/messages.js';
import type { teardownProvisioning } from '../../workflows/teardown-provisioning.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { workflowBundle } from '../support/temporal.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const recording = process.env.RECORD_HISTORIES === '1';

describe.runIf(recording)('recording histories', () => {
  let saga: SagaFixture;
  beforeAll(async () => {
    saga = await startSagaFixture({
      permissions: [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All'],
    });
  });
  afterAll(async () => saga?.close());

  const save = async (name: string, handle: WorkflowHandle) =>
    writeFileSync(
      `${dir}${new Date().toISOString().slice(0, 16).replace(':', '')}-${name}.json`,
      `${historyToJSON(await handle.fetchHistory())}\n`,
    );

  /** Each scenario runs one provisioning to its end; `drive` acts on the run while it goes (a signal, a cancel). */
  const scenarios: {
    name: string;
    arrange?: () => Promise<unknown>;
    input: Record<string, unknown>;
    drive?: (handle: WorkflowHandle) => Promise<void>;
  }[] = [
    { name: 'completed-cleanup-now', input: { cleanup: 'now' } },
    { name: 'completed-keep', input: { cleanup: 'keep' } },
    {
      name: 'completed-hold-teardown',
      input: { cleanup: 'hold' },
      drive: async (handle) => {
        await untilHolding(handle);
        await handle.signal(teardownSignal);
      },
    },
    {
      name: 'cancelled-while-holding',
      input: { cleanup: 'hold' },
      drive: async (handle) => {
        await untilHolding(handle);
        await handle.cancel();
      },
    },
    {
      name: 'compensated-policy-denied',
      arrange: () =>
        saga.emulator.control.setFaults([
          { method: 'POST', path: 'assignmentPolicies$', status: 403, code: 'Authorization_RequestDenied', times: 1 },
        ]),
      input: {},
    },
    { name: 'invalid-input', input: { durationDays: 0 } },
    {
      name: 'completed-group-app-site',
      input: {
        cleanup: 'now',
        resources: [
          { kind: 'group', name: 'Campaign files', mailNickname: 'campaignfiles' },
          { kind: 'app', app: 'Contoso Expenses', role: 'Reader' },
          { kind: 'site', url: 'https://contoso.sharepoint.com/sites/Marketing', role: 'Members' },
        ],
      },
    },
  ];
  it.each(scenarios)('records $name', async ({ name, arrange, input, drive }) => {
    await arrange?.();
    const handle = await saga.start(input);
    await drive?.(handle);
    await handle.result().catch(() => undefined);
    await saga.emulator.control.clearFaults();
    await save(name, handle);
  });

  it('records a kept run torn down later, and the coordinator of the group it shared', async () => {
    const kept = await saga.execute({ cleanup: 'keep' });
    const teardown = await saga.temporal.client.workflow.start<typeof teardownProvisioning>('teardownProvisioning', {
      workflowId: teardownWorkflowId(kept.workflowId),
      taskQueue: saga.taskQueue,
      args: [{ workflowId: kept.workflowId, objects: kept.objects, catalogId: kept.catalogId }],
    });
    await teardown.result();
    await save('teardown-of-kept-run', teardown);
    const group = kept.objects.find((o) => o.kind === 'group');
    const coordinatorId = group?.key ? sharedObjectWorkflowId(saga.taskQueue, group.key) : '';
    const coordinator = saga.temporal.client.workflow.getHandle(coordinatorId);
    await coordinator.result();
    await save('shared-object-group', coordinator);
  });
});

async function untilHolding(handle: WorkflowHandle): Promise<void> {
  while ((await handle.query(progressQuery)).stage !== 'Holding')
    await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('replay of stored histories', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it.skipIf(recording)('has stored histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file),
    ).resolves.toBeUndefined();
  });
});
