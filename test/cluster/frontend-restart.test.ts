// A frontend restart — a deploy, a scale-down — while `entra-saga run` follows a run on the cluster: the CLI says it
// lost the connection and got it back, and reports the run's real outcome with exit 0; `result` rides through one
// too. A cluster of its own (devstack/cluster.ts), since the test restarts its frontend; the worker runs as its own
// process and reconnects by itself.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { type TemporalCluster, freeClusterPorts, startTemporalCluster } from '../../devstack/cluster.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { type CliResult, cli } from '../support/cli.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { uniqueId } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const codec = createTestCodec();
const taskQueue = uniqueId('frontend');
const dir = mkdtempSync(join(tmpdir(), 'entra-saga-frontend-restart-'));
let cluster: TemporalCluster;
let emulator: TestEmulator;
let worker: ManagedProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Under root, PostgreSQL runs as its own user and must reach its data here.
  chmodSync(dir, 0o755);
  cluster = await startTemporalCluster({
    dir: join(dir, 'cluster'),
    ports: await freeClusterPorts(),
    taskQueues: [taskQueue],
  });
  // Delivery takes 15 s: the run waits in AwaitingDelivery while the frontend restarts.
  emulator = await startTestEmulator({ deliveryDelayMs: 15_000 });
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
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

function requestor(): string[] {
  const id = uniqueId('fr');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `Package ${id}`, '--group-name', id];
}

/** Resolves once `pattern` has been written to the CLI's stdout (the non-terminal view prints "stage X" lines). */
function watchFor(pattern: RegExp): { stdout(text: string): void; seen: Promise<void> } {
  let written = '';
  let resolve: () => void = () => undefined;
  const seen = new Promise<void>((r) => (resolve = r));
  return {
    stdout(text) {
      written += text;
      if (pattern.test(written)) resolve();
    },
    seen,
  };
}

/** Each outage announced on stderr, and each return too. */
function expectLostAndRegained(result: CliResult): void {
  const address = cluster.address.replaceAll('.', '\\.');
  const lost = result.stderr.match(new RegExp(`lost the connection to Temporal at ${address}`, 'g'))?.length ?? 0;
  expect(lost, result.stderr).toBeGreaterThanOrEqual(1);
  const back = result.stderr.match(new RegExp(`reconnected to Temporal at ${address}`, 'g'))?.length ?? 0;
  expect(back, result.stderr).toBe(lost);
}

describe('the frontend restarted under the CLI', () => {
  it('run follows its run through the restart and reports the real outcome with exit 0', async () => {
    const before = await emulator.control.objects();
    const stage = watchFor(/stage AwaitingDelivery/);
    const running = cli(['run', ...requestor()], env, stage);
    await stage.seen;
    await cluster.restart('frontend');
    const result = await running;

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/: completed\n/);
    expect(result.stdout).toMatch(/✓ verify done/);
    expectLostAndRegained(result);
    // What Temporal holds agrees: the run completed, and the worker process, never restarted, finished it.
    const workflowId = /workflow (provision\/\S+)/.exec(result.stdout)?.[1] ?? '';
    const status = await cli(['result', workflowId, '--json'], env);
    expect(status.code, status.stderr).toBe(ExitCode.Ok);
    expect(status.json()).toMatchObject({ workflowId, status: 'completed' });
    expect(worker.running).toBe(true);
    expectNothingLeaked(before, await emulator.control.objects());
  }, 300_000);

  it('result rides through the restart too', async () => {
    const started = await cli(['start', ...requestor(), '--json'], env);
    expect(started.code, started.stderr).toBe(ExitCode.Ok);
    const workflowId = String(started.json().workflowId);
    const waiting = cli(['result', workflowId, '--json'], env);
    // Delivery takes 15 s: three seconds in, the run and `result` are both waiting when the frontend goes.
    await new Promise((r) => setTimeout(r, 3_000));
    await cluster.restart('frontend');
    const result = await waiting;

    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    expect(result.json()).toMatchObject({ workflowId, status: 'completed' });
    expectLostAndRegained(result);
  }, 300_000);
});
