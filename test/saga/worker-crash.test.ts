// The worker is SIGKILLed at several moments while runs are in flight and a new one is started each time: every
// run completes, and the directory holds no duplicate and nothing left behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { expectNoDuplicates, expectNothingLeaked } from '../support/leaks.js';
import { tutorialInput } from '../support/saga.js';
import { type TestTemporal, connectTestTemporal, uniqueId } from '../support/temporal.js';
import { createTestCodec } from '../support/codec.js';
import { startWorkerProcess } from '../support/worker-process.js';

// Workers run as processes with the default encryption, reading this key; the test's client decrypts with it.
const codec = createTestCodec();
let temporal: TestTemporal;
let emulator: TestEmulator;
let worker: ManagedProcess | undefined;
const taskQueue = uniqueId('crash');

beforeAll(async () => {
  temporal = await connectTestTemporal(codec.dataConverter);
  // Slow enough that kills land in the middle of runs: 150 ms a Graph call, 2 s to deliver.
  emulator = await startTestEmulator({ latencyMs: 150, deliveryDelayMs: 2000 });
});
afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await temporal?.close();
});

describe('worker crashes', () => {
  it('resumes every run after SIGKILLs, with no duplicate object and nothing leaked', async () => {
    const env = { ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: temporal.address, ENTRA_SAGA_TASK_QUEUE: taskQueue };
    const before = await emulator.control.objects();
    worker = await startWorkerProcess(env);
    const handles = await Promise.all(
      [0, 1, 2].map(() =>
        temporal.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
          workflowId: uniqueId('crash'),
          taskQueue,
          args: [tutorialInput({ cleanup: 'now' })],
        }),
      ),
    );
    const results = Promise.all(handles.map((h) => h.result()));
    let settled = false;
    void results.finally(() => (settled = true));

    // Kill at different depths of the runs: early (creates), middle (catalog, package), late (delivery, teardown).
    let kills = 0;
    for (const delayMs of [700, 1800, 2500]) {
      await new Promise((r) => setTimeout(r, delayMs));
      if (settled) break;
      await worker.kill();
      kills += 1;
      worker = await startWorkerProcess(env);
    }
    const outcomes = await results;
    expect(kills).toBeGreaterThanOrEqual(1);
    expect(outcomes.map((o) => o.outcome)).toEqual(['completed', 'completed', 'completed']);
    expect(outcomes.every((o) => o.request.state === 'delivered' && o.tornDown)).toBe(true);

    const after = await emulator.control.objects();
    expectNoDuplicates(after);
    expectNothingLeaked(before, after);
  }, 300_000);
});
