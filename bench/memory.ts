// Memory benchmark: many provisioning runs holding (cleanup "hold": provisioned, then waiting for a teardown signal or
// the expiry) on one worker process (bin/entra-saga-worker, default worker options). Reports the resident memory of
// the worker and of the Temporal dev server (/proc/<pid>/status) at idle, while the runs are provisioned, and every
// 5 s of the quiet period once every run holds; the workflows left open (runs and their object coordinators); and
// what the waiting runs cost over the quiet period — workflow and activity tasks (the worker's metrics), history
// events (a sample) and Graph calls (the emulator's counts), per waiting run per day.
//
// Throttling is off and the worker's write budget unlimited so that provisioning thousands of runs takes minutes, not
// the hours the documented budget would take; the delivery delay is short for the same reason. Neither changes what a
// holding run keeps in memory. Runs may share a group and an access package (`--requestors-per-package`), each with
// a requestor and a policy of its own, as requestors of one package do. `--temporal-db file` keeps the dev server's
// state in a SQLite file, as `npm run stack` does, and reports its size. `--cleanup now` runs the same number of runs
// that end instead, to tell what holding costs from what processing the runs leaves behind; `--worker-heap-mb` caps
// the worker's V8 heap and `--max-cached-workflows` sets its workflow cache.
//
//   npm run bench:memory -- [--runs 1000] [--requestors-per-package 1] [--temporal-db memory] [--settle-seconds 120] [--cleanup hold] [--teardown]

import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanupMode, ProvisioningInput } from '../common/provisioning.js';
import { freePort } from '../devstack/ports.js';
import { teardownSignal } from '../workflows/messages.js';
import { tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { startBenchStackOnDevServer } from './support/dev-server-stack.js';
import { countCalls } from './support/emulator-control.js';
import { describeMachine } from './support/machine.js';
import { type MemoryResult, type Reading, memoryReport } from './support/memory-report.js';
import { sleep } from './support/numbers.js';
import { processCpuSeconds } from './support/process-cpu.js';
import { onlyChildOf, processMemory } from './support/process-memory.js';
import type { BenchStack } from './support/stack.js';
import { countOpenWorkflows, pickSample, takeWaitingSnapshot, waitingCost } from './support/waiting-cost.js';

const flags = parseFlags('bench:memory — holding runs on one worker process, and its resident memory', {
  runs: { fallback: 1000, help: 'runs to start and hold' },
  'requestors-per-package': {
    fallback: 1,
    help: 'runs sharing one group and access package (each its own requestor and policy); 1 = every run its own',
  },
  cleanup: {
    fallback: 'hold',
    help: "the runs' cleanup: hold (the benchmark), or now (runs that end: what processing them leaves behind)",
  },
  'temporal-db': { fallback: 'memory', help: "the dev server's state: memory, or file (a SQLite file, measured)" },
  'provisioning-in-flight': { fallback: 50, help: 'runs started but not yet holding, at most' },
  'delivery-delay-ms': { fallback: 200, help: 'emulator time from request to delivered' },
  'latency-ms': { fallback: 0, help: 'emulator latency added to every Graph call' },
  'graph-writes-per-second': {
    fallback: 0,
    help: "the worker's write budget (ENTRA_SAGA_GRAPH_WRITES_PER_SECOND); 0 = unlimited",
  },
  'idle-seconds': { fallback: 15, help: 'quiet time after the worker is ready, before the idle reading' },
  'settle-seconds': {
    fallback: 120,
    help: 'quiet time once every run holds, read every 5 s; the last reading is the steady state',
  },
  'history-sample': { fallback: 25, help: 'runs, and as many coordinators, whose histories are checked while waiting' },
  'timeout-minutes': { fallback: 30, help: 'give up if the runs are not all holding by then' },
  'worker-heap-mb': {
    fallback: 0,
    help: "the worker's V8 heap limit (NODE_OPTIONS=--max-old-space-size); 0 = Node's default",
  },
  'max-cached-workflows': {
    fallback: 0,
    help: "the worker's workflow cache (ENTRA_SAGA_MAX_CACHED_WORKFLOWS); 0 = the worker's default, 200",
  },
  teardown: {
    fallback: false,
    help: 'signal teardown to every run at the end and wait for them (else stop the stack)',
  },
  out: { fallback: 'bench/results/memory.json', help: 'where the raw figures are written' },
});

/** The worker's environment for a heap limit and a cache size (0: the defaults), and its metrics. */
function workerEnv(heapMb: number, cachedWorkflows: number, metricsAddress: string): Record<string, string> {
  return {
    ...(heapMb > 0 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapMb}`.trim() } : {}),
    ...(cachedWorkflows > 0 ? { ENTRA_SAGA_MAX_CACHED_WORKFLOWS: String(cachedWorkflows) } : {}),
    ENTRA_SAGA_METRICS_ADDRESS: metricsAddress,
  };
}

/** The worker options the report names, with the malloc settings the worker reported when ready. */
function describeWorker(heapMb: number, cachedWorkflows: number, mallocTunables: string | undefined): string {
  const settings = [
    mallocTunables ? `GLIBC_TUNABLES=${mallocTunables}` : "glibc's malloc defaults",
    ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
    ...(cachedWorkflows > 0 ? [`ENTRA_SAGA_MAX_CACHED_WORKFLOWS=${cachedWorkflows}`] : []),
  ];
  return settings.join(', ');
}

/**
 * Run `i` of a benchmark whose runs share `packages` groups and access packages: a requestor of its own, and the
 * package `i mod packages`, so that requests for one package come spread over the whole start, as they do in use.
 */
function runInput(domain: string, tag: string, i: number, packages: number, cleanup: CleanupMode): ProvisioningInput {
  return {
    ...tutorialNames(domain, `${tag}-${i % packages}`),
    requestorUpn: `requestor-${tag}-${i}@${domain}`,
    durationDays: 30,
    cleanup,
  };
}

/** Temporal's SQLite file with its write-ahead log and shared memory. */
function sqliteBytes(dbFile: string): number {
  return ['', '-wal', '-shm'].reduce((sum, suffix) => {
    const path = `${dbFile}${suffix}`;
    return sum + (existsSync(path) ? statSync(path).size : 0);
  }, 0);
}

const holdingQuery = (taskQueue: string) => `ProvisioningStage = "Holding" AND TaskQueue = "${taskQueue}"`;

async function count(stack: BenchStack, query: string): Promise<number> {
  return (await stack.client.workflow.count(query)).count;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  if (flags.cleanup !== 'hold' && flags.cleanup !== 'now') throw new Error('--cleanup must be hold or now');
  const temporalDb = flags['temporal-db'];
  if (temporalDb !== 'memory' && temporalDb !== 'file') throw new Error('--temporal-db must be memory or file');
  const cleanup: CleanupMode = flags.cleanup;
  const runs = flags.runs;
  const packages = Math.ceil(runs / Math.max(1, flags['requestors-per-package']));
  const benchStarted = performance.now();
  const dbDir = temporalDb === 'file' ? mkdtempSync(join(tmpdir(), 'entra-saga-bench-temporal-')) : undefined;
  const dbFile = dbDir && join(dbDir, 'temporal.db');
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  console.error('starting the dev server, the Graph emulator and a worker process…');
  const stack = await startBenchStackOnDevServer({
    server: { dbFile },
    emulator: {
      latencyMs: flags['latency-ms'],
      deliveryDelayMs: flags['delivery-delay-ms'],
      consistencyLagMs: 0,
      throttleScale: 0,
    },
    worker: {
      graphWritesPerSecond: flags['graph-writes-per-second'],
      env: workerEnv(flags['worker-heap-mb'], flags['max-cached-workflows'], metricsAddress),
    },
  }).catch((error: unknown) => {
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
    throw error;
  });
  const readings: Reading[] = [];
  try {
    const workerPid = onlyChildOf(stack.worker.pid ?? -1);
    const serverPid = onlyChildOf(stack.temporal.process.pid ?? -1);
    const emulatorPid = onlyChildOf(stack.emulator.process.pid ?? -1);
    // As the worker process sees it (glibc rewrites the variable in /proc/<pid>/environ while it parses it).
    const mallocTunables = /; malloc (\S+)$/.exec(stack.workerReady)?.[1];
    const read = (holding: number): Reading => {
      const reading = {
        atSeconds: (performance.now() - benchStarted) / 1000,
        holding,
        ...processMemory(workerPid),
        serverRssMiB: processMemory(serverPid).rssMiB,
      };
      readings.push(reading);
      return reading;
    };
    const cpu = () => ({
      worker: processCpuSeconds(workerPid),
      server: processCpuSeconds(serverPid),
      emulator: processCpuSeconds(emulatorPid),
    });
    await sleep(flags['idle-seconds'] * 1000);
    const idle = read(0);
    console.error(
      `worker ${workerPid} idle: ${idle.rssMiB.toFixed(0)} MiB; dev server ${serverPid}: ${idle.serverRssMiB.toFixed(0)} MiB`,
    );

    const tag = randomUUID().slice(0, 8);
    const ids = Array.from({ length: runs }, (_, i) => `bench-memory-${tag}-${i}`);
    const cpuBefore = cpu();
    await stack.emulator.control.clearStats();
    const started = performance.now();
    const deadline = started + flags['timeout-minutes'] * 60_000;
    let launched = 0;
    let holding = 0;
    let ended = 0;
    const refresh = async () => {
      [holding, ended] = await Promise.all([
        count(stack, holdingQuery(stack.taskQueue)),
        count(
          stack,
          `WorkflowType = "provisionAccessPackage" AND ExecutionStatus != "Running" AND TaskQueue = "${stack.taskQueue}"`,
        ),
      ]);
    };
    // Runs start while fewer than `provisioning-in-flight` are still provisioning (started, not yet holding), the way
    // holding runs pile up in use; the memory read at the end is then that of the holding runs, not of a start-up
    // stampede.
    let lastReading = 0;
    while (performance.now() < deadline) {
      const room = Math.min(flags['provisioning-in-flight'] - (launched - holding - ended), ids.length - launched);
      await Promise.all(
        Array.from({ length: Math.max(0, room) }, () => {
          const i = launched++;
          return stack.client.workflow.start('provisionAccessPackage', {
            workflowId: ids[i] as string,
            taskQueue: stack.taskQueue,
            args: [runInput(stack.emulator.info.domain, tag, i, packages, cleanup)],
          });
        }),
      );
      await sleep(1000);
      await refresh();
      if (performance.now() - lastReading >= 5000 || holding + ended >= ids.length) {
        lastReading = performance.now();
        const now = read(holding);
        console.error(
          `${((performance.now() - started) / 1000).toFixed(0)} s: ${launched} started, ${holding} holding, ${ended} ended, ` +
            `worker ${now.rssMiB.toFixed(0)} MiB, dev server ${now.serverRssMiB.toFixed(0)} MiB`,
        );
      }
      if (holding + ended >= ids.length) break;
    }
    const provisionSeconds = (performance.now() - started) / 1000;
    const cpuAfter = cpu();
    const provisioningCalls = countCalls(await stack.emulator.control.stats());
    const open = await countOpenWorkflows(stack.client, stack.taskQueue);
    const sample = await pickSample(stack.client, ids, stack.taskQueue, flags['history-sample']);

    // V8 keeps the heap it grew to while runs were provisioned until its memory reducer notices the process is quiet
    // (and then gives pages back over several collections), so the quiet period is read as a curve; the last reading
    // is the steady state that holding runs, which hold for days, live in. The same period measures what waiting
    // costs: the emulator's counts start from zero, the worker's metrics and the sampled histories are compared.
    await stack.emulator.control.clearStats();
    const before = await takeWaitingSnapshot(stack.client, metricsAddress, sample);
    const quietStart = performance.now();
    const quiet: { afterSeconds: number; reading: Reading }[] = [];
    for (let at = 5; at <= flags['settle-seconds']; at += 5) {
      await sleep(Math.max(0, quietStart + at * 1000 - performance.now()));
      quiet.push({ afterSeconds: at, reading: read(holding) });
      if (at % 60 === 0) console.error(`${at} s quiet: worker ${quiet.at(-1)?.reading.rssMiB.toFixed(0)} MiB`);
    }
    const after = await takeWaitingSnapshot(stack.client, metricsAddress, sample);
    const cost = waitingCost(before, after, countCalls(await stack.emulator.control.stats()), holding);
    const held = quiet.at(-1)?.reading ?? read(holding);
    const beforeQuiet = readings.filter((r) => r.atSeconds * 1000 < quietStart - benchStarted);

    const result: MemoryResult = {
      machine,
      runs,
      cleanup,
      packages,
      worker: describeWorker(flags['worker-heap-mb'], flags['max-cached-workflows'], mallocTunables),
      provisioningInFlight: flags['provisioning-in-flight'],
      deliveryDelayMs: flags['delivery-delay-ms'],
      latencyMs: flags['latency-ms'],
      graphWritesPerSecond: flags['graph-writes-per-second'],
      temporalDb,
      holding,
      ended,
      provisionSeconds,
      idleSeconds: flags['idle-seconds'],
      settleSeconds: flags['settle-seconds'],
      idle,
      peak: {
        workerMiB: Math.max(...beforeQuiet.map((r) => r.rssMiB)),
        serverMiB: Math.max(...beforeQuiet.map((r) => r.serverRssMiB)),
      },
      quiet,
      held,
      perRunKiB: ((held.rssMiB - idle.rssMiB) * 1024) / runs,
      provisioningCpuSeconds: {
        worker: cpuAfter.worker - cpuBefore.worker,
        server: cpuAfter.server - cpuBefore.server,
        emulator: cpuAfter.emulator - cpuBefore.emulator,
      },
      provisioningCalls,
      open,
      cachedWorkflows: after.worker.cachedWorkflows,
      sqliteBytes: dbFile ? sqliteBytes(dbFile) : undefined,
      cost,
    };
    console.log(memoryReport(result));
    writeFileSync(
      flags.out,
      `${JSON.stringify({ date: new Date().toISOString(), flags, workerPid, serverPid, mallocTunables, ...result, quiet: quiet.map((q) => ({ afterSeconds: q.afterSeconds, rssMiB: q.reading.rssMiB, serverRssMiB: q.reading.serverRssMiB })), readings }, null, 2)}\n`,
    );

    if (flags.teardown && cleanup === 'hold') {
      console.error('signalling teardown to every run…');
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(ids.slice(i, i + 50).map((id) => stack.client.workflow.getHandle(id).signal(teardownSignal)));
      }
      while ((await count(stack, `ExecutionStatus = "Running" AND TaskQueue = "${stack.taskQueue}"`)) > 0)
        await sleep(5000);
      console.error(`torn down; benchmark took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
    }
    console.error(`raw figures written to ${flags.out}`);
  } finally {
    await stack.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  }
}

await main();
