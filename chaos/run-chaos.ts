// The chaos run: N concurrent sagas while the worker is SIGKILLed and restarted at random moments, the Temporal dev
// server is restarted once on its SQLite file, and the emulator answers with 429s, 503s and replication lag at stated
// rates. Every run cleans up after itself, so at the end the directory must hold exactly what it held before: no
// object leaked, none created twice, and no run stuck.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Agent, fetch } from 'undici';
import { dataConverterFor } from '../codec/aes-gcm-codec.js';
import { rotate, writeKeyFile } from '../codec/keys.js';
import type { ObjectRecord, ProvisioningResult } from '../common/provisioning.js';
import { freePort } from '../devstack/ports.js';
import { startTemporalDevServer, type TemporalDevServer } from '../devstack/temporal-server.js';
import { startWorkerCommand } from '../devstack/processes.js';
import { startEmulator } from '../emulator/index.js';
import { emulatorEnv } from '../graph/embedded-emulator.js';
import { type ChaosReport, duplicatedCreations } from './report.js';

export interface ChaosOptions {
  runs: number;
  /** Probability that a Graph call answers 429 (Retry-After 1 s), and 503. Default 0.05 each. */
  throttleRate?: number;
  unavailableRate?: number;
  /** Replication lag of new objects. Default 500 ms. */
  lagMs?: number;
  /** Worker SIGKILLs, at random moments while runs are in flight. Default 3. */
  workerKills?: number;
  /** Give up on runs not finished after this long. Default 10 min. */
  deadlineMs?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** A small seeded PRNG (mulberry32), so that a chaos run's timing choices are replayable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Unreferenced: a pending wait must not keep the process alive once the runs have settled.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const rand = random(options.seed ?? 1);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'entra-saga-chaos-'));
  const keys = rotate(undefined, 'chaos');
  const keyFile = join(dir, 'codec-keys.json');
  writeKeyFile(keyFile, keys);
  const port = await freePort();
  const dbFile = join(dir, 'temporal.db');
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let server: TemporalDevServer = await startTemporalDevServer({ port, dbFile });
    cleanups.push(() => server.stop());
    const emulator = await startEmulator({
      port: 0,
      stateDir: join(dir, 'emulator'),
      latencyMs: 30,
      deliveryDelayMs: 1500,
      consistencyLagMs: options.lagMs ?? 500,
      seed: options.seed ?? 1,
    });
    cleanups.push(() => emulator.close());
    const control = new Agent({ connect: { ca: readFileSync(emulator.info.caCertPath, 'utf8') } });
    cleanups.push(() => control.close());
    const emulatorCall = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${emulator.url}/_emulator/${path}`, {
        method,
        dispatcher: control,
        headers: body ? { 'content-type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
      });
      return (response.status === 204 ? undefined : await response.json()) as T;
    };
    type Objects = Record<string, { id: string }[]>;
    const liveIds = (objects: Objects) =>
      ['users', 'groups', 'catalogResources', 'accessPackages', 'resourceRoleScopes', 'assignmentPolicies']
        .flatMap((kind) => (objects[kind] ?? []).map((o) => `${kind}/${o.id}`))
        .concat(((objects.assignments ?? []) as { id: string; state: string }[]).filter((a) => a.state !== 'expired').map((a) => `assignments/${a.id}`));
    const before = new Set(liveIds(await emulatorCall<Objects>('GET', 'objects')));
    await emulatorCall('POST', 'faults', {
      rules: [
        { path: '^/v1\\.0/', status: 429, code: 'TooManyRequests', message: 'Throttled by the chaos run.', retryAfterSeconds: 1, probability: options.throttleRate ?? 0.05 },
        { path: '^/v1\\.0/', status: 503, code: 'serviceNotAvailable', message: 'Unavailable during the chaos run.', probability: options.unavailableRate ?? 0.05 },
      ],
    });

    const taskQueue = `chaos-${Date.now()}`;
    const workerEnv = {
      ...process.env,
      ...emulatorEnv(emulator.info),
      TEMPORAL_ADDRESS: server.address,
      ENTRA_SAGA_TASK_QUEUE: taskQueue,
      ENTRA_SAGA_CODEC_KEY_FILE: keyFile,
      ENTRA_SAGA_LOG_LEVEL: 'INFO',
    };
    const startWorker = async () => {
      const worker = startWorkerCommand({ env: workerEnv });
      await worker.waitForLine(/worker ready/, 120_000);
      return worker;
    };
    let worker = await startWorker();
    cleanups.push(() => worker.stop());

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: dataConverterFor(keys) });
    const handles: WorkflowHandle[] = [];
    for (let i = 0; i < options.runs; i += 1) {
      const id = `chaos-${i}-${Date.now().toString(36)}`;
      handles.push(
        await client.workflow.start('provisionAccessPackage', {
          workflowId: id,
          taskQueue,
          args: [{
            requestorUpn: `${id}@contoso.onmicrosoft.com`, groupName: `Group ${id}`, packageName: `Package ${id}`,
            catalogName: 'General', durationDays: 30, cleanup: 'now', deliveryTimeoutSeconds: 600,
          }],
        }),
      );
    }
    log(`started ${options.runs} runs`);

    const outcomes = new Map<string, { status: string; objects: ObjectRecord[]; error?: string }>();
    const settle = handles.map((handle) =>
      handle.result().then(
        (result: ProvisioningResult) => outcomes.set(handle.workflowId, { status: 'completed', objects: result.objects }),
        (error: unknown) => {
          const cause = error instanceof WorkflowFailedError ? error.cause : error;
          const details = (cause instanceof ApplicationFailure ? cause.details?.[0] : undefined) as { objects?: ObjectRecord[] } | undefined;
          const status = cause instanceof CancelledFailure ? 'cancelled' : cause instanceof ApplicationFailure && cause.type === 'ProvisioningFailed' ? 'compensated' : 'failed';
          outcomes.set(handle.workflowId, { status, objects: details?.objects ?? [], error: cause instanceof Error ? cause.message : String(cause) });
        },
      ),
    );
    const allSettled = Promise.all(settle);

    // The chaos: worker kills at random moments, one Temporal restart in the middle.
    let kills = 0;
    let restarts = 0;
    const plannedKills = options.workerKills ?? 3;
    for (let step = 0; step <= plannedKills; step += 1) {
      await Promise.race([allSettled, sleep(1500 + rand() * 3500)]);
      if (outcomes.size === handles.length) break;
      if (step === Math.floor(plannedKills / 2) && restarts === 0) {
        log('restarting the Temporal dev server on its SQLite file');
        await server.stop();
        server = await startTemporalDevServer({ port, dbFile });
        restarts += 1;
        continue;
      }
      if (kills < plannedKills) {
        log('SIGKILL the worker, start another');
        await worker.kill();
        kills += 1;
        worker = await startWorker();
      }
    }
    const deadline = options.deadlineMs ?? 10 * 60_000;
    await Promise.race([allSettled, sleep(Math.max(0, deadline - (Date.now() - started)))]);
    await emulatorCall('DELETE', 'faults');

    const stats = await emulatorCall<{ total: number; calls: Record<string, number>; routes: Record<string, Record<string, number>>; throttled: number; faultsInjected: number }>('GET', 'stats');
    const after = liveIds(await emulatorCall<Objects>('GET', 'objects'));
    const list = [...outcomes.values()];
    const count = (status: string) => list.filter((o) => o.status === status).length;
    return {
      runs: options.runs,
      completed: count('completed'),
      compensated: count('compensated'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      stuck: options.runs - outcomes.size,
      leaked: after.filter((id) => !before.has(id)).length,
      duplicated: duplicatedCreations(stats.routes, list.flatMap((o) => o.objects)),
      workerKills: kills,
      serverRestarts: restarts,
      graphCalls: stats.total,
      graphStatusPolls: Object.entries(stats.calls).filter(([route]) => /^GET .*assignmentRequests\/\{id\}$/.test(route)).reduce((sum, [, n]) => sum + n, 0),
      injectedFaults: stats.faultsInjected,
      throttled: stats.throttled,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      failures: list.filter((o) => o.status === 'failed').map((o) => o.error ?? ''),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
