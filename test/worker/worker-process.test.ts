// The worker as operators run it (`npm run worker`): JSON logs carrying the workflow id, the activity and each Graph
// call's request-id and no secret, Prometheus metrics behind a setting, graceful shutdown, and settings errors that
// name the setting.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { freePort } from '../../devstack/ports.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { tutorialInput } from '../support/saga.js';
import { type TestTemporal, connectTestTemporal, uniqueId } from '../support/temporal.js';
import { createTestCodec } from '../support/codec.js';
import { startWorkerProcess } from '../support/worker-process.js';

const entry = fileURLToPath(new URL('../../worker/main.ts', import.meta.url));
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
    expect(graphCalls.some((e) => e.activityType === 'createUser' && /POST \/v1\.0\/users → 201/.test(String(e.msg)))).toBe(true);
    expect(entries.some((e) => /worker stopped/.test(String(e.msg)))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(emulator.emulator.info.clientSecret);
    expect(all).not.toMatch(/"password"|passwordProfile|Bearer /);
  }, 120_000);

  it.each([
    [{ AZURE_CLIENT_ID: 'not-a-guid' }, /AZURE_CLIENT_ID must be the application \(client\) id/],
    [{ ENTRA_SAGA_METRICS_ADDRESS: 'nine' }, /ENTRA_SAGA_METRICS_ADDRESS must be host:port/],
    [{ TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS must be host:port/],
    [{ ENTRA_SAGA_LOG_LEVEL: 'LOUD' }, /ENTRA_SAGA_LOG_LEVEL must be one of/],
  ])('refuses %j at start with one line naming the setting', (patch, message) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: temporal.address, ...patch },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(emulator.emulator.info.clientSecret);
  });

  it('says it cannot reach Temporal', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, ...emulator.env, ...codec.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/TEMPORAL_ADDRESS 127\.0\.0\.1:1: cannot connect to Temporal/);
  });
});
