// The worker as operators run it (`npm run worker`: bin/entra-saga-worker): JSON logs carrying the workflow id, the
// activity and each Graph call's request-id and no secret, Prometheus metrics behind a setting, graceful shutdown,
// glibc malloc settings that an operator's own replace, and settings errors that name the setting.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { freePort } from '../../devstack/ports.js';
import { workerCommand } from '../../devstack/processes.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { tutorialInput } from '../support/saga.js';
import { type TestTemporal, connectTestTemporal, uniqueId } from '../support/temporal.js';
import { createTestCodec } from '../support/codec.js';
import { startWorkerProcess } from '../support/worker-process.js';

// Workers run as processes with the default encryption, reading this key; the test's client decrypts with it.
const codec = createTestCodec();
let temporal: TestTemporal;
let emulator: TestEmulator;

beforeAll(async () => {
  temporal = await connectTestTemporal(codec.dataConverter);
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator?.close();
  await temporal?.close();
});

/**
 * Runs the worker to its exit. Asynchronously: the emulator lives in this process and must keep answering (a
 * synchronous spawn would block it while the worker asks it for a token).
 */
function runWorker(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(workerCommand, [], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe('worker process', () => {
  it('logs JSON with workflow id and Graph request-ids, serves metrics, and stops gracefully on SIGTERM', async () => {
    const lines: string[] = [];
    const metricsPort = await freePort();
    const taskQueue = uniqueId('worker');
    const worker: ManagedProcess = await startWorkerProcess(
      {
        ...emulator.env,
        ...codec.env,
        TEMPORAL_ADDRESS: temporal.address,
        ENTRA_SAGA_TASK_QUEUE: taskQueue,
        ENTRA_SAGA_LOG_LEVEL: 'DEBUG',
        ENTRA_SAGA_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        GLIBC_TUNABLES: undefined,
      },
      (line) => lines.push(line),
    );
    const workflowId = uniqueId('logged');
    await temporal.client.workflow.execute<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId,
      taskQueue,
      args: [tutorialInput({ cleanup: 'now' })],
    });

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/temporal_activity_execution_latency|temporal_workflow_completed|temporal_request/);

    await worker.stop();
    const { code } = await worker.exited;
    expect(code).toBe(0);

    const entries = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(10);
    const graphCalls = entries.filter((e) => e.workflowId === workflowId && typeof e.graphRequestId === 'string');
    expect(graphCalls.length).toBeGreaterThan(10);
    expect(
      graphCalls.some((e) => e.activityType === 'createUser' && /POST \/v1\.0\/users → 201/.test(String(e.msg))),
    ).toBe(true);
    expect(entries.some((e) => /worker stopped/.test(String(e.msg)))).toBe(true);
    // The launcher's malloc settings reached the process (the ready line reports its GLIBC_TUNABLES).
    const ready = entries.find((e) => /worker ready/.test(String(e.msg)));
    expect(String(ready?.msg)).toMatch(
      /; malloc glibc\.malloc\.mmap_threshold=65536:glibc\.malloc\.trim_threshold=131072$/,
    );
    const all = lines.join('\n');
    expect(all).not.toContain(emulator.emulator.info.clientSecret);
    expect(all).not.toMatch(/"password"|passwordProfile|Bearer /);
  }, 120_000);

  it("keeps an operator's own GLIBC_TUNABLES", async () => {
    const lines: string[] = [];
    const worker = await startWorkerProcess(
      { ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: temporal.address, GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' },
      (line) => lines.push(line),
    );
    await worker.stop();
    expect(lines.find((l) => l.includes('worker ready'))).toMatch(/; malloc glibc\.malloc\.arena_max=2"/);
  }, 120_000);

  it.each([
    [{ AZURE_CLIENT_ID: 'not-a-guid' }, /AZURE_CLIENT_ID must be the application \(client\) id/],
    [{ ENTRA_SAGA_METRICS_ADDRESS: 'nine' }, /ENTRA_SAGA_METRICS_ADDRESS must be host:port/],
    [{ TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS must be host:port/],
    [{ ENTRA_SAGA_LOG_LEVEL: 'LOUD' }, /ENTRA_SAGA_LOG_LEVEL must be one of/],
    [{ AZURE_CLIENT_SECRET: 'wrong-secret' }, /AZURE_CLIENT_SECRET was refused by Microsoft Entra \(AADSTS7000215\)/],
  ])('refuses %j at start with one line naming the setting', async (patch, message) => {
    const result = await runWorker({ ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: temporal.address, ...patch });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(emulator.emulator.info.clientSecret);
  });

  it('says it cannot reach Temporal', async () => {
    const result = await runWorker({ ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/TEMPORAL_ADDRESS 127\.0\.0\.1:1: cannot connect to Temporal/);
  });
});
