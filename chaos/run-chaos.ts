// The chaos run: N concurrent sagas, in groups that share a group and an access package and start together, while
// the worker is SIGKILLed and restarted at random moments, Temporal is disrupted (by default the dev server is
// restarted once on its SQLite file; on the local cluster, chaos/cluster.ts, history and matching processes are
// killed, the frontend and PostgreSQL restarted), and Graph behaves as it does at its worst: replication lag, 429s
// and 503s, writes that land late, writes answered late, writes applied and answered 503. Every run cleans up after
// itself, so at the end the directory must hold exactly what it held before; no key may ever have been held by two
// objects at once; no run may be stuck.

import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from '../codec/aes-gcm-codec.js';
import { rotate, writeKeyFile } from '../codec/keys.js';
import { connectionOptions, temporalSettingsFromEnv } from '../config/temporal-settings.js';
import type { ManagedProcess } from '../devstack/managed-process.js';
import { freePort } from '../devstack/ports.js';
import { startTemporalDevServer } from '../devstack/temporal-server.js';
import { startWorkerCommand } from '../devstack/processes.js';
import { EmulatorControl } from '../emulator/control/client.js';
import { startEmulator } from '../emulator/index.js';
import type { FaultRuleInput } from '../emulator/server/faults.js';
import { emulatorEnv } from '../graph/local-emulator.js';
import { type DirectoryObjects, liveIds, sampleDuplicates } from './directory.js';
import { type FaultRates, checkRates, rotateFaults } from './faults.js';
import type { ChaosReport } from './report.js';
import { type RunEnd, coordinatorsLeftOpen, planRuns, runEnd, startRuns } from './runs.js';

export interface ChaosOptions {
  runs: number;
  /** Runs per share group: they ask for one group and one access package, and start together. Default 4. */
  share?: number;
  /** Probability that a Graph call answers 429 (Retry-After 1 s), and 503. Default 0.05 each. */
  throttleRate?: number;
  unavailableRate?: number;
  /** Probability that a write (POST, DELETE) lands `lateMs` late (and is answered then). Default 0.02. */
  lateWriteRate?: number;
  /** Probability that a write lands at once and is answered `lateMs` later. Default 0.02. */
  lateAnswerRate?: number;
  /** Probability that a write is applied and answered 503. Default 0.02. */
  appliedErrorRate?: number;
  /** How late the late writes land or are answered. Default 20 s. */
  lateMs?: number;
  /** Replication lag of new objects. Default 3 s. */
  lagMs?: number;
  /** Worker SIGKILLs, at random moments while runs are in flight. Default 3. */
  workerKills?: number;
  /** Give up on runs not finished after this long. Default 20 min. */
  deadlineMs?: number;
  seed?: number;
  /**
   * Leave the run's directory for an investigation: Temporal's SQLite file (`temporal server start-dev --db-filename`),
   * the codec keys, the workers' logs, and the emulator's objects and stats at the end. Default false.
   */
  keepState?: boolean;
  /** Starts the Temporal the runs use. Default: a dev server on a SQLite file in the run's folder, restarted once. */
  temporal?: (context: ChaosContext) => Promise<ChaosTemporal>;
  /** Provisioning worker processes side by side; each SIGKILL takes one of them. Default 1. */
  workers?: number;
  log?: (line: string) => void;
}

/** What a Temporal for the chaos run is given: the run's folder and its task queue. */
export interface ChaosContext {
  dir: string;
  taskQueue: string;
  log: (line: string) => void;
}

/** The Temporal a chaos run uses, and what it does to it while runs are in flight. */
export interface ChaosTemporal {
  /** The @temporalio/envconfig environment the workers and the run's client connect with. */
  env: Record<string, string>;
  /** Played once each, in this order, spread among the worker kills; each resolves once Temporal serves again. */
  disruptions: { label: string; play(): Promise<void> }[];
  stop(): Promise<void>;
}

/** The default: the Temporal dev server on a SQLite file, stopped and started again on it once. */
async function devServerTemporal({ dir }: ChaosContext): Promise<ChaosTemporal> {
  const port = await freePort();
  const dbFile = join(dir, 'temporal.db');
  let server = await startTemporalDevServer({ port, dbFile });
  return {
    env: { TEMPORAL_ADDRESS: server.address },
    disruptions: [
      {
        label: 'restarting the Temporal dev server on its SQLite file',
        play: async () => {
          await server.stop();
          server = await startTemporalDevServer({ port, dbFile });
        },
      },
    ],
    stop: () => server.stop(),
  };
}

/**
 * The order of the chaos: `kills` worker kills and `disruptions` Temporal disruptions (their indexes), the
 * disruptions spread among the kills — with one, after the first half of the kills.
 */
function chaosSchedule(kills: number, disruptions: number): ('kill' | number)[] {
  const schedule: ('kill' | number)[] = Array.from({ length: kills }, () => 'kill' as const);
  for (let i = 0; i < disruptions; i += 1) schedule.splice(Math.floor((kills * (i + 1)) / (disruptions + 1)) + i, 0, i);
  return schedule;
}

/** How often the directory is read for keys held twice, and how long one draw of the fault rules lasts. */
const sampleIntervalMs = 250;
const faultSliceMs = 1_000;

/** A small seeded PRNG (mulberry32), so that a chaos run's timing and fault choices are replayable. */
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
  const seed = options.seed ?? 1;
  const rand = random(seed);
  const rates: FaultRates = {
    throttled: options.throttleRate ?? 0.05,
    unavailable: options.unavailableRate ?? 0.05,
    lateWrite: options.lateWriteRate ?? 0.02,
    lateAnswer: options.lateAnswerRate ?? 0.02,
    appliedError: options.appliedErrorRate ?? 0.02,
  };
  const badRates = checkRates(rates);
  if (badRates) throw new RangeError(badRates);
  const conditions = {
    lagMs: options.lagMs ?? 3_000,
    lateMs: options.lateMs ?? 20_000,
    share: options.share ?? 4,
    rates,
    seed,
  };
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'entra-saga-chaos-'));
  const keys = rotate(undefined, 'chaos');
  const keyFile = join(dir, 'codec-keys.json');
  writeKeyFile(keyFile, keys);
  const cleanups: (() => Promise<void>)[] = [];
  const taskQueue = `chaos-${Date.now()}`;
  try {
    const temporal = await (options.temporal ?? devServerTemporal)({ dir, taskQueue, log });
    cleanups.push(() => temporal.stop());
    const emulator = await startEmulator({
      port: 0,
      stateDir: join(dir, 'emulator'),
      latencyMs: 30,
      deliveryDelayMs: 1500,
      consistencyLagMs: conditions.lagMs,
      seed,
    });
    cleanups.push(() => emulator.close());
    const control = new EmulatorControl<DirectoryObjects>(emulator.url, readFileSync(emulator.info.caCertPath, 'utf8'));
    cleanups.push(() => control.close());
    const readDirectory = () => control.objects();
    const before = new Set(liveIds(await readDirectory()));

    const workerEnv = {
      ...process.env,
      ...emulatorEnv(emulator.info),
      ...temporal.env,
      ENTRA_SAGA_TASK_QUEUE: taskQueue,
      ENTRA_SAGA_CODEC_KEY_FILE: keyFile,
      ENTRA_SAGA_LOG_LEVEL: 'INFO',
    };
    const startWorker = async (index: number) => {
      const worker = startWorkerCommand({
        env: workerEnv,
        onLine: options.keepState
          ? (line) => appendFileSync(join(dir, `worker-${index + 1}.log`), `${line}\n`)
          : undefined,
      });
      await worker.waitForLine(/worker ready/, 120_000);
      return worker;
    };
    const workers: ManagedProcess[] = [];
    for (let i = 0; i < (options.workers ?? 1); i += 1) workers.push(await startWorker(i));
    cleanups.push(async () => void (await Promise.all(workers.map((worker) => worker.stop()))));

    const settings = temporalSettingsFromEnv(temporal.env);
    const connection = await Connection.connect(connectionOptions(settings));
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: settings.namespace, dataConverter: dataConverterFor(keys) });

    const duplicates = sampleDuplicates(readDirectory, before, sampleIntervalMs);
    const faults = rotateFaults(
      {
        installed: async () => (await control.faults()).rules,
        install: async (rules: FaultRuleInput[]) => void (await control.setFaults(rules)),
        clear: () => control.clearFaults(),
      },
      { rates, lateMs: conditions.lateMs, sliceMs: faultSliceMs, rand },
    );
    const runs = planRuns(options.runs, conditions.share, Date.now().toString(36));
    await startRuns(client, taskQueue, runs);
    log(`started ${runs.length} runs, ${conditions.share} to a shared group and package`);
    const ends = new Map<string, RunEnd>();
    const allSettled = Promise.all(
      runs.map(async (run) => ends.set(run.workflowId, await runEnd(client, taskQueue, run))),
    );

    // The chaos: worker kills at random moments, Temporal's disruptions among them.
    let kills = 0;
    const played: string[] = [];
    for (const event of chaosSchedule(options.workerKills ?? 3, temporal.disruptions.length)) {
      await Promise.race([allSettled, sleep(1500 + rand() * 3500)]);
      if (ends.size === runs.length) break;
      if (event === 'kill') {
        // One worker draws nothing: the seeded sequence of a one-worker run stays what it was.
        const index = workers.length > 1 ? Math.floor(rand() * workers.length) : 0;
        log(`SIGKILL worker ${index + 1}, start another`);
        await workers[index]!.kill();
        kills += 1;
        workers[index] = await startWorker(index);
      } else {
        const disruption = temporal.disruptions[event]!;
        log(disruption.label);
        await disruption.play();
        played.push(disruption.label);
      }
    }
    const deadline = options.deadlineMs ?? 20 * 60_000;
    await Promise.race([allSettled, sleep(Math.max(0, deadline - (Date.now() - started)))]);
    const faultsFired = await faults.stop();
    const { samples, duplicates: held } = await duplicates.stop();
    const openCoordinators = await coordinatorsLeftOpen(client, taskQueue);

    const stats = await control.stats();
    const directory = await readDirectory();
    const after = liveIds(directory);
    if (options.keepState) {
      writeFileSync(join(dir, 'emulator-objects.json'), JSON.stringify(directory, null, 2));
      writeFileSync(join(dir, 'emulator-stats.json'), JSON.stringify(stats, null, 2));
    }
    const leaked = after.filter((id) => !before.has(id));
    const list = [...ends.values()];
    const count = (status: string) => list.filter((o) => o.status === status).length;
    return {
      conditions,
      runs: runs.length,
      completed: count('completed'),
      compensated: count('compensated'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      stuck: runs.length - ends.size,
      openCoordinators,
      leaked: leaked.length,
      leakedObjects: leaked,
      duplicated: held.size,
      duplicatedKeys: [...held].map(([key, objects]) => ({ key, objects: [...objects] })),
      samples,
      workerKills: kills,
      serverRestarts: played.length,
      disruptions: played,
      graphCalls: stats.total,
      graphStatusPolls: Object.entries(stats.calls)
        .filter(([route]) => /^GET .*assignmentRequests\/\{id\}$/.test(route))
        .reduce((sum, [, n]) => sum + n, 0),
      faultsFired,
      throttled: stats.throttled,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      stateDir: options.keepState ? dir : undefined,
      failures: runs.flatMap(({ workflowId }) => {
        const end = ends.get(workflowId);
        if (!end) return [`${workflowId} stuck`];
        return end.status === 'completed' || end.status === 'compensated'
          ? []
          : [`${workflowId} ${end.status}: ${end.error ?? ''}`];
      }),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!options.keepState) rmSync(dir, { recursive: true, force: true });
  }
}
