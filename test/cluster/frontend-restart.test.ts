// The failure that started the cluster work, on the kind of cluster where it was seen: `entra-saga run` follows a run
// while the frontend restarts (a deploy) — and, separately, while a history process is SIGKILLed and its shards move
// to the other one. The CLI and the worker reach the cluster through envconfig with mTLS; the CLI
// says on stderr that it lost and regained Temporal, reports the run's real outcome, and exits 0.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { connectionOptions, temporalSettingsFromEnv } from '../../config/temporal-settings.js';
import { type TemporalCluster, freeClusterPorts, startTemporalCluster } from '../../devstack/cluster.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { type CliResult, cli } from '../support/cli.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { uniqueId } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const codec = createTestCodec();
const taskQueue = uniqueId('frontend-restart');
let dir: string;
let cluster: TemporalCluster;
let emulator: TestEmulator;
let worker: ManagedProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'entra-saga-cluster-restart-'));
  cluster = await startTemporalCluster({ dir, ports: await freeClusterPorts(), taskQueues: [taskQueue] });
  // Delivery takes 4 s: the run waits in AwaitingDelivery while Temporal is disrupted under it.
  emulator = await startTestEmulator({ deliveryDelayMs: 4000 });
  worker = await startWorkerProcess({
    ...emulator.env,
    ...codec.env,
    ...cluster.env,
    ENTRA_SAGA_TASK_QUEUE: taskQueue,
  });
  env = {
    ...process.env,
    ...codec.env,
    ...cluster.env,
    ENTRA_SAGA_TASK_QUEUE: taskQueue,
    ENTRA_SAGA_DOMAIN: 'contoso.onmicrosoft.com',
    ENTRA_SAGA_RECONNECT_TIMEOUT: '',
  };
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function requestor(): string[] {
  const id = uniqueId('fr');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `Package ${id}`, '--group-name', id];
}

/** Runs `entra-saga run` and, once it shows the run waiting for delivery, disrupts the cluster. */
async function runThrough(disrupt: () => Promise<void>): Promise<CliResult> {
  let written = '';
  let waiting: () => void = () => undefined;
  const awaitingDelivery = new Promise<void>((resolve) => (waiting = resolve));
  const running = cli(['run', ...requestor()], env, {
    stdout(text) {
      written += text;
      if (/stage AwaitingDelivery/.test(written)) waiting();
    },
  });
  await awaitingDelivery;
  await disrupt();
  return running;
}

/** What Temporal holds agrees with the CLI: the run completed. */
async function expectCompletedInTemporal(result: CliResult): Promise<void> {
  const workflowId = /workflow (provision\/\S+)/.exec(result.stdout)?.[1] ?? '';
  const connection = await Connection.connect(connectionOptions(temporalSettingsFromEnv(cluster.env)));
  try {
    const client = new Client({ connection, namespace: cluster.namespace, dataConverter: codec.dataConverter });
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
  } finally {
    await connection.close();
  }
}

describe('the cluster disrupted under entra-saga run', () => {
  it('rides through a frontend restart and reports the real outcome with exit 0', async () => {
    const before = await emulator.control.objects();
    const result = await runThrough(() => cluster.restart('frontend'));

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: completed\n/);
    expect(result.stderr).toMatch(
      new RegExp(`lost the connection to Temporal at ${cluster.address.replace(/\./g, '\\.')}`),
    );
    expect(result.stderr).toMatch(new RegExp(`reconnected to Temporal at ${cluster.address.replace(/\./g, '\\.')}`));
    await expectCompletedInTemporal(result);
    expect(worker.running).toBe(true);
    expectNothingLeaked(before, await emulator.control.objects());
  }, 240_000);

  it('rides through a history process SIGKILLed, its shards taken over by the other, and reports the real outcome', async () => {
    const before = await emulator.control.objects();
    const result = await runThrough(async () => {
      await cluster.kill('history-1');
      await cluster.waitUntilServing(180_000);
      await cluster.start('history-1');
    });

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: completed\n/);
    await expectCompletedInTemporal(result);
    expectNothingLeaked(before, await emulator.control.objects());
  }, 240_000);
});
