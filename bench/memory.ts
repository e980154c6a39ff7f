// Memory benchmark: many provisioning runs holding (cleanup "hold": provisioned, then waiting for a teardown signal or
// the expiry) on one worker process (bin/entra-saga-worker, default worker options). Reports the worker's resident memory
// from /proc/<pid>/status at idle, while the runs are provisioned, every 5 s of the quiet period once every run holds,
// and per run.
//
// Throttling is off and the worker's write budget unlimited so that provisioning 1,000 runs takes minutes, not the
// hour the documented budget would take; the delivery delay is short for the same reason. Neither changes what a
// holding run keeps in memory. `--cleanup now` runs the same number of runs that end instead, to tell what holding
// costs from what processing the runs leaves behind; `--worker-heap-mb` caps the worker's V8 heap and
// `--max-cached-workflows` sets its workflow cache.
//
//   npm run bench:memory -- [--runs 1000] [--provisioning-in-flight 50] [--settle-seconds 120] [--worker-heap-mb 0] [--max-cached-workflows 0] [--cleanup hold] [--teardown]

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { CleanupMode, ProvisioningInput } from '../common/provisioning.js';
import { teardownSignal } from '../workflows/messages.js';
import { tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { describeMachine, machineLine } from './support/machine.js';
import { markdownTable, sleep } from './support/numbers.js';
import { onlyChildOf, processMemory, type ProcessMemory } from './support/process-memory.js';
import { startBenchStack, type BenchStack } from './support/stack.js';

const flags = parseFlags('bench:memory — holding runs on one worker process, and its resident memory', {
  runs: { fallback: 1000, help: 'runs to start and hold' },
  cleanup: {
    fallback: 'hold',
    help: "the runs' cleanup: hold (the benchmark), or now (runs that end: what processing them leaves behind)",
  },
  'provisioning-in-flight': { fallback: 50, help: 'runs started but not yet holding, at most' },
  'delivery-delay-ms': { fallback: 200, help: 'emulator time from request to delivered' },
  'latency-ms': { fallback: 0, help: 'emulator latency added to every Graph call' },
  'idle-seconds': { fallback: 15, help: 'quiet time after the worker is ready, before the idle reading' },
  'settle-seconds': {
    fallback: 120,
    help: 'quiet time once every run holds, read every 5 s; the last reading is the steady state',
  },
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

interface Reading extends ProcessMemory {
  atSeconds: number;
  holding: number;
}

/** The worker's environment for a heap limit and a cache size (0: the defaults). */
function workerEnv(heapMb: number, cachedWorkflows: number): Record<string, string> {
  return {
    ...(heapMb > 0 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapMb}`.trim() } : {}),
    ...(cachedWorkflows > 0 ? { ENTRA_SAGA_MAX_CACHED_WORKFLOWS: String(cachedWorkflows) } : {}),
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

const holdingQuery = (taskQueue: string) => `ProvisioningStage = "Holding" AND TaskQueue = "${taskQueue}"`;

async function count(stack: BenchStack, query: string): Promise<number> {
  return (await stack.client.workflow.count(query)).count;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  if (flags.cleanup !== 'hold' && flags.cleanup !== 'now') throw new Error('--cleanup must be hold or now');
  const cleanup: CleanupMode = flags.cleanup;
  const benchStarted = performance.now();
  console.error('starting the dev server, the Graph emulator and a worker process…');
  const stack = await startBenchStack({
    emulator: {
      latencyMs: flags['latency-ms'],
      deliveryDelayMs: flags['delivery-delay-ms'],
      consistencyLagMs: 0,
      throttleScale: 0,
    },
    worker: { graphWritesPerSecond: 0, env: workerEnv(flags['worker-heap-mb'], flags['max-cached-workflows']) },
  });
  const readings: Reading[] = [];
  try {
    const workerPid = onlyChildOf(stack.worker.pid ?? -1);
    // As the worker process sees it (glibc rewrites the variable in /proc/<pid>/environ while it parses it).
    const mallocTunables = /; malloc (\S+)$/.exec(stack.workerReady)?.[1];
    const read = (holding: number): Reading => {
      const reading = { atSeconds: (performance.now() - benchStarted) / 1000, holding, ...processMemory(workerPid) };
      readings.push(reading);
      return reading;
    };
    await sleep(flags['idle-seconds'] * 1000);
    const idle = read(0);
    console.error(`worker ${workerPid} idle: ${idle.rssMiB.toFixed(0)} MiB`);

    const tag = randomUUID().slice(0, 8);
    const ids = Array.from({ length: flags.runs }, (_, i) => `bench-memory-${tag}-${i}`);
    const started = performance.now();
    const deadline = started + flags['timeout-minutes'] * 60_000;
    let launched = 0;
    let holding = 0;
    let ended = 0;
    const refresh = async () => {
      [holding, ended] = await Promise.all([
        count(stack, holdingQuery(stack.taskQueue)),
        count(stack, `ExecutionStatus != "Running" AND TaskQueue = "${stack.taskQueue}"`),
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
          const workflowId = ids[launched++] as string;
          const input: ProvisioningInput = { ...tutorialNames(stack.emulator.info.domain), durationDays: 30, cleanup };
          return stack.client.workflow.start('provisionAccessPackage', {
            workflowId,
            taskQueue: stack.taskQueue,
            args: [input],
          });
        }),
      );
      await sleep(1000);
      await refresh();
      if (performance.now() - lastReading >= 5000 || holding + ended >= ids.length) {
        lastReading = performance.now();
        const now = read(holding);
        console.error(
          `${((performance.now() - started) / 1000).toFixed(0)} s: ${launched} started, ${holding} holding, ${ended} ended, worker ${now.rssMiB.toFixed(0)} MiB`,
        );
      }
      if (holding + ended >= ids.length) break;
    }
    const provisionSeconds = (performance.now() - started) / 1000;
    // V8 keeps the heap it grew to while runs were provisioned until its memory reducer notices the process is quiet
    // (and then gives pages back over several collections), so the quiet period is read as a curve; the last reading
    // is the steady state that holding runs, which hold for days, live in.
    const quietStart = performance.now();
    const quiet: { afterSeconds: number; reading: Reading }[] = [];
    for (let at = 5; at <= flags['settle-seconds']; at += 5) {
      await sleep(Math.max(0, quietStart + at * 1000 - performance.now()));
      quiet.push({ afterSeconds: at, reading: read(holding) });
    }
    const held = quiet.at(-1)?.reading ?? read(holding);
    const perRunKiB = ((held.rssMiB - idle.rssMiB) * 1024) / ids.length;
    const curve = quiet.filter((q) => [15, 30, 60].includes(q.afterSeconds) || q === quiet.at(-1));

    const peak = Math.max(
      ...readings.filter((r) => r.atSeconds * 1000 < quietStart - benchStarted).map((r) => r.rssMiB),
    );
    const out: string[] = [];
    out.push(`## Memory — ${new Date().toISOString().slice(0, 10)}`, '');
    out.push(`Machine: ${machineLine(machine)}.`);
    out.push(
      `${ids.length} runs with cleanup "${cleanup}" on one worker process (${describeWorker(flags['worker-heap-mb'], flags['max-cached-workflows'], mallocTunables)}), at most ${flags['provisioning-in-flight']} provisioning at a time; ` +
        `emulator delivery ${flags['delivery-delay-ms']} ms, latency ${flags['latency-ms']} ms, throttling off, worker write budget unlimited. ` +
        `${holding} holding and ${ended} ended after ${provisionSeconds.toFixed(0)} s.`,
      '',
    );
    out.push(
      markdownTable(
        ['worker process (VmRSS)', 'MiB'],
        [
          [`idle (ready, no runs; after ${flags['idle-seconds']} s quiet)`, idle.rssMiB.toFixed(0)],
          ['highest reading while provisioning', peak.toFixed(0)],
          ...curve.map((q) => [
            `${holding} runs holding, ${ended} ended: ${q.afterSeconds} s quiet`,
            q.reading.rssMiB.toFixed(0),
          ]),
          ['peak (VmHWM, includes start-up bundling)', held.peakRssMiB.toFixed(0)],
          ['per run (KiB): (steady state − idle) / runs', perRunKiB.toFixed(0)],
        ],
      ),
      '',
    );
    if (cleanup === 'hold') {
      // The target is in MB (10^6 bytes); /proc reports KiB.
      const heldMB = (held.rssMiB * 1024 * 1024) / 1e6;
      const verdict = heldMB < 600 && holding === ids.length ? 'met' : '**missed**';
      out.push(
        markdownTable(
          ['target', 'value', 'target', ''],
          [
            [
              `${ids.length} holding runs on one worker, steady state (${flags['settle-seconds']} s quiet)`,
              `${held.rssMiB.toFixed(0)} MiB = ${heldMB.toFixed(0)} MB`,
              '< 600 MB',
              verdict,
            ],
          ],
        ),
      );
    }
    console.log(out.join('\n'));
    writeFileSync(
      flags.out,
      `${JSON.stringify({ date: new Date().toISOString(), machine, flags, workerPid, mallocTunables, provisionSeconds, holding, ended, perRunKiB, quiet: quiet.map((q) => ({ afterSeconds: q.afterSeconds, rssMiB: q.reading.rssMiB })), readings }, null, 2)}\n`,
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
  }
}

await main();
