// Stored histories of the provisioning workflow must replay against today's workflow code without
// nondeterminism. When the workflow changes, keep these files (old runs must still replay: guard the change with
// `patched()`), and record new ones with `RECORD_HISTORIES=1 npx vitest run test/replay` (see README).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { workflowBundle } from '../support/temporal.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const recording = process.env.RECORD_HISTORIES === '1';

describe.runIf(recording)('recording histories', () => {
  let saga: SagaFixture;
  beforeAll(async () => {
    saga = await startSagaFixture();
  });
  afterAll(async () => saga?.close());

  const scenarios: { name: string; arrange?: () => Promise<unknown>; input: Record<string, unknown>; cancel?: boolean }[] = [
    { name: 'completed-cleanup-now', input: { cleanup: 'now' } },
    { name: 'completed-keep', input: { cleanup: 'keep' } },
    {
      name: 'compensated-policy-denied',
      arrange: () => saga.emulator.control.setFaults([{ method: 'POST', path: 'assignmentPolicies$', status: 403, code: 'Authorization_RequestDenied', times: 1 }]),
      input: {},
    },
    { name: 'invalid-input', input: { durationDays: 0 } },
  ];
  it.each(scenarios)('records $name', async ({ name, arrange, input }) => {
    await arrange?.();
    const handle = await saga.start(input);
    await handle.result().catch(() => undefined);
    await saga.emulator.control.clearFaults();
    writeFileSync(`${dir}${new Date().toISOString().slice(0, 16).replace(':', '')}-${name}.json`, `${historyToJSON(await handle.fetchHistory())}\n`);
  });
});

describe('replay of stored histories', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has stored histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
  });
});
