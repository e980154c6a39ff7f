// Exactly once under Graph's real behaviour: nothing left behind and nothing made twice when a rollback falls inside
// the replication lag, when a create is applied but answered with an error or answered late, and when runs that
// share a group and an access package start at the same moment. The emulator is sampled while the runs go, so a
// duplicate that exists for a moment counts.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisioningResult, TeardownInput, UndoRecord } from '../../common/provisioning.js';
import { teardownWorkflowId } from '../../common/workflow-id.js';
import { progressQuery, teardownSignal } from '../../workflows/messages.js';
import type { teardownProvisioning } from '../../workflows/teardown-provisioning.js';
import { expectNothingLeaked, watchForDuplicates } from '../support/leaks.js';
import { runApplicationFailure } from '../support/failures.js';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture();
});
afterAll(async () => saga?.close());
beforeEach(async () => {
  await saga.emulator.control.clearFaults();
  await saga.emulator.control.configure({ consistencyLagMs: 0 });
  await saga.emulator.control.clearStats();
});

describe('exactly once', () => {
  it('rolls back a group made moments ago: its delete, answered 404 inside the replication lag, is sent again until it lands', async () => {
    await saga.emulator.control.configure({ consistencyLagMs: 2500 });
    const before = await saga.emulator.control.objects();
    // The user fails for good at once; the group beside it is made, and rolled back while it is still replicating.
    await saga.emulator.control.setFaults([
      { method: 'POST', path: '/v1.0/users$', status: 400, code: 'Request_BadRequest', message: 'Injected.', times: 1 },
    ]);
    const cause = await runApplicationFailure(saga.execute({}));

    const { undone } = cause.details?.[0] as { undone: UndoRecord[] };
    expect(undone.find((u) => u.kind === 'group')?.outcome).toBe('undone');
    const stats = await saga.emulator.control.stats();
    expect(stats.routes['DELETE /v1.0/groups/{id}']?.['404']).toBeGreaterThanOrEqual(1);
    expect(stats.routes['DELETE /v1.0/groups/{id}']?.['204']).toBe(1);
    await saga.emulator.control.configure({ consistencyLagMs: 0 });
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('does not make a group twice when Graph applied its create but answered 503', async () => {
    await saga.emulator.control.configure({ consistencyLagMs: 1500 });
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setFaults([
      {
        method: 'POST',
        path: '/v1.0/groups$',
        status: 503,
        code: 'serviceNotAvailable',
        message: 'Applied, then failed.',
        applied: true,
        times: 1,
      },
    ]);
    const watch = watchForDuplicates(saga.emulator.control);
    const result = await saga.execute({ cleanup: 'keep' });
    expect(await watch.stop()).toEqual([]);

    const group = result.objects.find((o) => o.kind === 'group');
    expect(group?.created).toBe(true);
    const after = await saga.emulator.control.objects();
    expect(after.groups.filter((g) => !before.groups.some((b) => b.id === g.id)).map((g) => g.id)).toEqual([group?.id]);
    expect((await saga.emulator.control.stats()).routes['POST /v1.0/groups']).toEqual({ '503': 1 });
  });

  it('waits for a create that lands after 18 s instead of making a second one', async () => {
    const before = await saga.emulator.control.objects();
    // Graph holds the create for 18 s and then applies it (longer than a 15 s attempt timeout would allow).
    await saga.emulator.control.setFaults([
      { method: 'POST', path: '/v1.0/groups$', status: 200, delayMs: 18_000, times: 1 },
    ]);
    const watch = watchForDuplicates(saga.emulator.control);
    const result = await saga.execute({});
    expect(await watch.stop()).toEqual([]);
    expect(result.objects.find((o) => o.kind === 'group')?.created).toBe(true);
    expect((await saga.emulator.control.stats()).routes['POST /v1.0/groups']).toEqual({ '201': 1 });
    expectNothingLeaked(before, await saga.emulator.control.objects());
  }, 60_000);

  it('two runs started together that share a group and a package create each once, and leave nothing behind', async () => {
    await saga.emulator.control.configure({ consistencyLagMs: 1000 });
    const before = await saga.emulator.control.objects();
    const shared = {
      groupName: 'Shared resources',
      groupMailNickname: uniqueId('shared'),
      packageName: uniqueId('Shared package'),
    };
    const watch = watchForDuplicates(saga.emulator.control);
    const results = await Promise.all([saga.execute(tutorialInput(shared)), saga.execute(tutorialInput(shared))]);
    expect(await watch.stop()).toEqual([]);

    for (const kind of ['group', 'accessPackage', 'catalogResource', 'roleScope'] as const) {
      const records = results.map((r) => r.objects.find((o) => o.kind === kind));
      expect(new Set(records.map((r) => r?.id)).size, kind).toBe(1);
      expect(records.filter((r) => r?.created).length, kind).toBe(1);
    }
    expect((await saga.emulator.control.stats()).routes['POST /v1.0/groups']).toEqual({ '201': 1 });
    await saga.emulator.control.configure({ consistencyLagMs: 0 });
    expectNothingLeaked(before, await saga.emulator.control.objects());
  }, 60_000);

  it('does not remove a group and package under another run that still holds them; the last holder removes them', async () => {
    const before = await saga.emulator.control.objects();
    const shared = {
      groupName: 'Held resources',
      groupMailNickname: uniqueId('held'),
      packageName: uniqueId('Held package'),
    };
    // The first run makes the group and the package and holds its access; a second run uses them and keeps its own.
    const first = await saga.start(tutorialInput({ ...shared, cleanup: 'hold' }));
    await waitFor(async () => (await first.query(progressQuery)).stage === 'Holding');
    const second: ProvisioningResult = await saga.execute(tutorialInput({ ...shared, cleanup: 'keep' }));
    expect(second.objects.find((o) => o.kind === 'group')?.created).toBe(false);

    // The maker tears down first: what the second run still relies on stays, with the second requestor in the group.
    await first.signal(teardownSignal);
    const made = await first.result();
    const outcome = (kind: string) => made.undone.find((u) => u.kind === kind)?.outcome;
    expect([outcome('group'), outcome('accessPackage'), outcome('catalogResource'), outcome('roleScope')]).toEqual([
      'leftInUse',
      'leftInUse',
      'leftInUse',
      'leftInUse',
    ]);
    expect([outcome('user'), outcome('assignmentPolicy'), outcome('assignment')]).toEqual([
      'undone',
      'undone',
      'undone',
    ]);
    const middle = await saga.emulator.control.objects();
    const groupId = second.objects.find((o) => o.kind === 'group')?.id as string;
    expect(middle.accessPackages.map((p) => p.id)).toContain(
      second.objects.find((o) => o.kind === 'accessPackage')?.id,
    );
    expect(middle.groupMembers?.[groupId]).toEqual([second.objects.find((o) => o.kind === 'user')?.id]);

    // The second run, torn down later, is the last holder: it removes what the first made.
    const input: TeardownInput = {
      workflowId: second.workflowId,
      objects: second.objects,
      catalogId: second.catalogId,
    };
    const { undone } = await saga.temporal.client.workflow.execute<typeof teardownProvisioning>(
      'teardownProvisioning',
      {
        workflowId: teardownWorkflowId(second.workflowId),
        taskQueue: saga.taskQueue,
        args: [input],
      },
    );
    expect(undone.find((u) => u.kind === 'group')?.outcome).toBe('undone');
    expect(undone.find((u) => u.kind === 'accessPackage')?.outcome).toBe('undone');
    expectNothingLeaked(before, await saga.emulator.control.objects());
  }, 60_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
