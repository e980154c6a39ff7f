// Memory benchmark: many provisioning runs waiting on one worker process (bin/entra-saga-worker, default worker
// options) — holding (cleanup "hold": provisioned, then waiting for a teardown signal or the expiry), awaiting the
// approvers, or awaiting the requestor's own request (bench/support/waiting-runs.ts). Reports the resident memory of
// the worker, the Temporal dev server and the emulator (/proc/<pid>/status) at idle, while the runs are provisioned,
// and every 5 s of the quiet period once every run waits; where the worker's memory is then (V8's heaps against
// native memory); the workflows left open (runs and their object coordinators) and the dev server's SQLite file; and
// what the waiting runs cost over the quiet period — workflow and activity tasks (the worker's metrics), CPU, history
// events (a sample) and Graph calls (the emulator's counts) — with the reads of the people schedule per day.
//
// Throttling is off and the worker's write budget unlimited so that provisioning thousands of runs takes minutes, not
// the hours the documented budget would take; the delivery delay is short for the same reason. Neither changes what a
// waiting run keeps in memory. Runs may share a group and an access package (`--requestors-per-package`), each with
// a requestor and a policy of its own, as requestors of one package do. `--temporal-db file` keeps the dev server's
// state in a SQLite file, as `npm run stack` does, and reports its size. `--cleanup now` runs the same number of runs
// that end instead, to tell what waiting costs from what processing the runs leaves behind; `--worker-heap-mb` caps
// the worker's V8 heap and `--max-cached-workflows` sets its workflow cache.
//
//   npm run bench:memory -- [--runs 1000] [--waits hold] [--temporal-db memory] [--settle-seconds 120] [--teardown]
//   npm run bench:memory -- --runs 10000 --waits hold,approval --temporal-db file --settle-seconds 600

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CleanupMode, ProvisioningInput } from '../common/provisioning.js';
import { freePort } from '../devstack/ports.js';
import { createGraphClient } from '../graph/client.js';
import { teardownSignal } from '../workflows/messages.js';
import { tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { startBenchStackOnDevServer } from './support/dev-server-stack.js';
import { countCalls } from './support/emulator-control.js';
import { heapProbeDirVariable } from './support/heap-probe.mjs';
import { describeMachine } from './support/machine.js';
import { memoryBreakdown } from './support/memory-breakdown.js';
import { type MemoryResult, type Reading, memoryReport } from './support/memory-report.js';
import { sleep } from './support/numbers.js';
import { processCpuSeconds } from './support/process-cpu.js';
import { onlyChildOf, processMemory } from './support/process-memory.js';
import {
  countOpenWorkflows,
  pickSample,
  takeWaitingSnapshot,
  waitStarts,
  waitingCost,
} from './support/waiting-cost.js';
import { countWaiting, parseWaits, prepareForWaits, startWaitingRuns, waitingInput } from './support/waiting-runs.js';

const flags = parseFlags('bench:memory — waiting runs on one worker process, and its resident memory', {
  runs: { fallback: 1000, help: 'runs to start and leave waiting' },
  waits: {
    fallback: 'hold',
    help: 'what the runs wait for, a comma list dealt out in turn: hold (cleanup "hold"), approval (adminAdd on a policy with an approval stage), request (the requestor asks themself)',
  },
  'requestors-per-package': {
    fallback: 1,
    help: 'runs sharing one group and access package (each its own requestor and policy); 1 = every run its own',
  },
  cleanup: {
    fallback: 'hold',
    help: "hold (the benchmark), or now (runs that end, the tutorial's: what processing them leaves behind; ignores --waits)",
  },
  'temporal-db': { fallback: 'memory', help: "the dev server's state: memory, or file (a SQLite file, measured)" },
  'provisioning-in-flight': { fallback: 50, help: 'runs started but not yet waiting, at most' },
  'start-batch': { fallback: 25, help: 'start calls sent at once' },
  'delivery-delay-ms': { fallback: 200, help: 'emulator time from request to delivered' },
  'latency-ms': { fallback: 0, help: 'emulator latency added to every Graph call' },
  'graph-writes-per-second': {
    fallback: 0,
    help: "the worker's write budget (ENTRA_SAGA_GRAPH_WRITES_PER_SECOND); 0 = unlimited",
  },
  'idle-seconds': { fallback: 15, help: 'quiet time after the worker is ready, before the idle reading' },
  'settle-seconds': {
    fallback: 120,
    help: 'quiet time once every run waits, read every 5 s; the last reading is the steady state',
  },
  'progress-seconds': { fallback: 10, help: 'how often the start prints its progress' },
  'history-sample': {
    fallback: 25,
    help: 'runs of each kind, and as many coordinators, whose histories are read before and after the quiet time',
  },
  'timeout-minutes': {
    fallback: 0,
    help: 'give up if the runs are not all waiting by then; 0 = 30 min per 1,000 runs (a busy machine starts ~2 a second)',
  },
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
    help: 'signal teardown to every holding run at the end and wait for them (else stop the stack)',
  },
  out: { fallback: 'bench/results/memory.json', help: 'where the raw figures are written' },
});

const probePath = fileURLToPath(new URL('./support/heap-probe.mjs', import.meta.url));

/** The worker's environment: a heap limit and a cache size (0: the defaults), its metrics, the heap probe. */
function workerEnv(
  heapMb: number,
  cachedWorkflows: number,
  metricsAddress: string,
  probeDir: string,
): Record<string, string> {
  const nodeOptions = [
    process.env.NODE_OPTIONS ?? '',
    ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
    `--import=${probePath}`,
  ];
  return {
    NODE_OPTIONS: nodeOptions.join(' ').trim(),
    [heapProbeDirVariable]: probeDir,
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
function tutorialInput(domain: string, tag: string, i: number, packages: number, cleanup: CleanupMode) {
  return {
    ...tutorialNames(domain, `${tag}-${i % packages}`),
    requestorUpn: `requestor-${tag}-${i}@${domain}`,
    durationDays: 30,
    cleanup,
  } satisfies ProvisioningInput;
}

/** Temporal's SQLite file with its write-ahead log and shared memory. */
function sqliteBytes(dbFile: string): number {
  return ['', '-wal', '-shm'].reduce((sum, suffix) => {
    const path = `${dbFile}${suffix}`;
    return sum + (existsSync(path) ? statSync(path).size : 0);
  }, 0);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  if (flags.cleanup !== 'hold' && flags.cleanup !== 'now') throw new Error('--cleanup must be hold or now');
  const temporalDb = flags['temporal-db'];
  if (temporalDb !== 'memory' && temporalDb !== 'file') throw new Error('--temporal-db must be memory or file');
  const cleanup: CleanupMode = flags.cleanup;
  const kinds = cleanup === 'now' ? (['hold'] as const) : parseWaits(flags.waits);
  const kindOf = (i: number) => kinds[i % kinds.length] as (typeof kinds)[number];
  const runs = flags.runs;
  const packages = Math.ceil(runs / Math.max(1, flags['requestors-per-package']));
  const benchStarted = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'entra-saga-bench-memory-'));
  const dbFile = temporalDb === 'file' ? join(scratch, 'temporal.db') : undefined;
  const probeDir = join(scratch, 'heap');
  mkdirSync(probeDir);
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
      env: workerEnv(flags['worker-heap-mb'], flags['max-cached-workflows'], metricsAddress, probeDir),
    },
  }).catch((error: unknown) => {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  });
  const readings: Reading[] = [];
  try {
    const pids = {
      worker: onlyChildOf(stack.worker.pid ?? -1),
      server: onlyChildOf(stack.temporal.process.pid ?? -1),
      emulator: onlyChildOf(stack.emulator.process.pid ?? -1),
    };
    // As the worker process sees it (glibc rewrites the variable in /proc/<pid>/environ while it parses it).
    const mallocTunables = /; malloc (\S+)$/.exec(stack.workerReady)?.[1];
    const read = (waiting: number): Reading => {
      const reading = {
        atSeconds: (performance.now() - benchStarted) / 1000,
        waiting,
        ...processMemory(pids.worker),
        serverRssMiB: processMemory(pids.server).rssMiB,
        emulatorRssMiB: processMemory(pids.emulator).rssMiB,
      };
      readings.push(reading);
      return reading;
    };
    const cpu = () => ({
      worker: processCpuSeconds(pids.worker),
      server: processCpuSeconds(pids.server),
      emulator: processCpuSeconds(pids.emulator),
    });
    await sleep(flags['idle-seconds'] * 1000);
    const idle = read(0);
    console.error(
      `worker ${pids.worker} idle: ${idle.rssMiB.toFixed(0)} MiB; dev server ${pids.server}: ${idle.serverRssMiB.toFixed(0)} MiB`,
    );

    const tag = randomUUID().slice(0, 8);
    const { domain } = stack.emulator.info;
    const approverUpn = await prepareForWaits(
      kinds,
      stack.emulator.control,
      createGraphClient(stack.emulator.graph),
      domain,
      tag,
    );
    const ids = Array.from({ length: runs }, (_, i) => `bench-memory-${tag}-${i}`);
    const input = (i: number) => {
      const base = tutorialInput(domain, tag, i, packages, cleanup);
      return cleanup === 'now' ? base : waitingInput(kindOf(i), base, approverUpn);
    };
    const cpuBefore = cpu();
    await stack.emulator.control.clearStats();
    const started = performance.now();
    const timeoutMinutes = flags['timeout-minutes'] || Math.max(30, (30 * runs) / 1000);
    const progress = await startWaitingRuns(
      {
        client: stack.client,
        taskQueue: stack.taskQueue,
        ids,
        input,
        inFlight: flags['provisioning-in-flight'],
        startBatch: flags['start-batch'],
        deadlineMs: started + timeoutMinutes * 60_000,
        progressSeconds: flags['progress-seconds'],
        onProgress: (p) => {
          const rate = (p.waiting + p.ended) / Math.max(1, p.seconds);
          const left = rate > 0 ? `~${((runs - p.waiting - p.ended) / rate / 60).toFixed(0)} min left` : 'none yet';
          const now = read(p.waiting);
          console.error(
            `${p.seconds.toFixed(0)} s: ${p.launched} started, ${p.waiting} waiting, ${p.ended} ended ` +
              `(${rate.toFixed(1)}/s, ${left}); worker ${now.rssMiB.toFixed(0)} MiB, ` +
              `dev server ${now.serverRssMiB.toFixed(0)} MiB, emulator ${now.emulatorRssMiB.toFixed(0)} MiB`,
          );
        },
      },
      cleanup === 'now' ? [] : kinds,
    );
    const provisionSeconds = (performance.now() - started) / 1000;
    const cpuAfter = cpu();
    const provisioningCalls = countCalls(await stack.emulator.control.stats());
    const open = await countOpenWorkflows(stack.client, stack.taskQueue);
    const waiting = cleanup === 'now' ? {} : await countWaiting(stack.client, stack.taskQueue, kinds);
    const sample = await pickSample(stack.client, ids, kindOf, stack.taskQueue, flags['history-sample']);
    const starts = await waitStarts(stack.client, stack.taskQueue, cleanup === 'now' ? [] : kinds);

    // V8 keeps the heap it grew to while runs were provisioned until its memory reducer notices the process is quiet
    // (and then gives pages back over several collections), so the quiet period is read as a curve; the last reading
    // is the steady state that waiting runs, which wait for days, live in. The same period measures what waiting
    // costs: the emulator's counts start from zero, the worker's metrics, CPU and sampled histories are compared.
    await stack.emulator.control.clearStats();
    const before = await takeWaitingSnapshot(stack.client, metricsAddress, pids, sample);
    const quietStart = performance.now();
    const quiet: { afterSeconds: number; reading: Reading }[] = [];
    for (let at = 5; at <= flags['settle-seconds']; at += 5) {
      await sleep(Math.max(0, quietStart + at * 1000 - performance.now()));
      quiet.push({ afterSeconds: at, reading: read(progress.waiting) });
      if (at % 60 === 0) console.error(`${at} s quiet: worker ${quiet.at(-1)?.reading.rssMiB.toFixed(0)} MiB`);
    }
    const after = await takeWaitingSnapshot(stack.client, metricsAddress, pids, sample);
    const cost = waitingCost(before, after, await stack.emulator.control.stats(), sample, waiting, starts);
    const held = quiet.at(-1)?.reading ?? read(progress.waiting);
    const beforeQuiet = readings.filter((r) => r.atSeconds * 1000 < quietStart - benchStarted);

    const result: MemoryResult = {
      machine,
      loadAtEnd: describeMachine().load1,
      runs,
      cleanup,
      waits: [...kinds],
      packages,
      worker: describeWorker(flags['worker-heap-mb'], flags['max-cached-workflows'], mallocTunables),
      provisioningInFlight: flags['provisioning-in-flight'],
      deliveryDelayMs: flags['delivery-delay-ms'],
      latencyMs: flags['latency-ms'],
      graphWritesPerSecond: flags['graph-writes-per-second'],
      temporalDb,
      waiting: progress.waiting,
      ended: progress.ended,
      provisionSeconds,
      idleSeconds: flags['idle-seconds'],
      settleSeconds: flags['settle-seconds'],
      idle,
      peak: {
        workerMiB: Math.max(...beforeQuiet.map((r) => r.rssMiB)),
        serverMiB: Math.max(...beforeQuiet.map((r) => r.serverRssMiB)),
        emulatorMiB: Math.max(...beforeQuiet.map((r) => r.emulatorRssMiB)),
      },
      quiet,
      held,
      heldBreakdown: memoryBreakdown(pids.worker, probeDir),
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
    // The readings while provisioning are kept every ~30 s: a curve, not thousands of lines.
    const keep = Math.max(1, Math.round(readings.length / 120));
    writeFileSync(
      flags.out,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          flags,
          pids,
          mallocTunables,
          ...result,
          quiet: quiet.map((q) => ({ afterSeconds: q.afterSeconds, ...q.reading })),
          readings: readings.filter((r, i) => i % keep === 0 || r === readings.at(-1)),
        },
        null,
        1,
      )}\n`,
    );

    if (flags.teardown && cleanup === 'hold') {
      console.error('signalling teardown to every holding run…');
      const holding = ids.filter((_, i) => kindOf(i) === 'hold');
      for (let i = 0; i < holding.length; i += 50) {
        await Promise.all(
          holding.slice(i, i + 50).map((id) => stack.client.workflow.getHandle(id).signal(teardownSignal)),
        );
      }
      const open = `ExecutionStatus = "Running" AND ProvisioningStage IN ("Holding", "TearingDown") AND TaskQueue = "${stack.taskQueue}"`;
      while ((await stack.client.workflow.count(open)).count > 0) await sleep(5000);
      console.error(`torn down; benchmark took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
    }
    console.error(`raw figures written to ${flags.out}`);
  } finally {
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
