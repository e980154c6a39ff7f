// Transient trouble is absorbed (throttling with Retry-After, outages, replication lag), cancelling a run mid-way
// compensates it to the end, and starting the same provisioning twice cannot duplicate anything.

import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { progressQuery } from '../../workflows/messages.js';
import { expectNoDuplicates, expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';

const EM = '/v1.0/identityGovernance/entitlementManagement';

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture();
});
afterAll(async () => saga?.close());
beforeEach(async () => {
  await saga.emulator.control.clearFaults();
  await saga.emulator.control.configure({ consistencyLagMs: 0, deliveryDelayMs: 300 });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
}

describe('transient faults', () => {
  it('absorbs 429 with Retry-After, 503s and replication lag, and completes', async () => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.configure({ consistencyLagMs: 1500 });
    await saga.emulator.control.setFaults([
      { method: 'POST', path: '/v1.0/users$', status: 429, code: 'TooManyRequests', retryAfterSeconds: 1, times: 2 },
      { method: 'POST', path: '/v1.0/groups$', status: 503, code: 'serviceNotAvailable', times: 2 },
      { method: 'POST', path: `${EM}/accessPackages$`, status: 504, code: 'GatewayTimeout', times: 1 },
    ]);
    const started = Date.now();
    const handle = await saga.start({ cleanup: 'now' });
    const result = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.request.state).toBe('delivered');
    // The 429 asked for 1 s twice: the user step cannot have finished sooner.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);

    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => Number(e.activityTaskStartedEventAttributes?.attempt ?? 1));
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(3);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

describe('cancellation', () => {
  it('compensates a run cancelled while it waits for delivery', async () => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.configure({ deliveryDelayMs: 3000 });
    const handle = await saga.start({ cleanup: 'keep' });
    await waitFor(async () => ((await handle.query(progressQuery)).stage === 'AwaitingDelivery' ? true : undefined));
    await handle.cancel();
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const progress = await handle.query(progressQuery);
    expect(progress.stage).toBe('Done');
    expect(progress.undone.length).toBeGreaterThan(0);
    expect(progress.undone.some((u) => u.outcome === 'failed')).toBe(false);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  }, 90_000);

  it('compensates a run cancelled while it holds its access', async () => {
    const before = await saga.emulator.control.objects();
    const handle = await saga.start({ cleanup: 'hold', durationDays: 1 });
    await waitFor(async () => ((await handle.query(progressQuery)).stage === 'Holding' ? true : undefined));
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('ends a hold on the teardown signal and cleans up', async () => {
    const before = await saga.emulator.control.objects();
    const handle = await saga.start({ cleanup: 'hold' });
    await waitFor(async () => ((await handle.query(progressQuery)).stage === 'Holding' ? true : undefined));
    await handle.signal('teardown');
    const result = await handle.result();
    expect(result.tornDown).toBe(true);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

describe('idempotency', () => {
  it('a second run of the same provisioning adopts what the first kept instead of duplicating it', async () => {
    const input = tutorialInput({ cleanup: 'keep' });
    const first = await saga.execute(input);
    const second = await saga.execute(input);
    expect(first.objects.every((o) => o.created)).toBe(true);
    expect(second.objects.filter((o) => o.kind !== 'assignment').every((o) => !o.created)).toBe(true);
    for (const kind of ['user', 'group', 'accessPackage', 'assignmentPolicy']) {
      expect(second.objects.find((o) => o.kind === kind)?.id).toBe(first.objects.find((o) => o.kind === kind)?.id);
    }
    expectNoDuplicates(await saga.emulator.control.objects());
  });
});
