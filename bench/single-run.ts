// One-run benchmark: the saga (cleanup "now", through a real dev server and worker process) and the sequential
// baseline, alternately, in the same process against the same emulator latency profile. Reports the medians, the
// ratios saga / baseline and saga / critical path (bench/support/saga-graph.ts), and the Graph calls per run with
// status polls counted apart (from the emulator's statistics, cleared before each run).
//
//   npm run bench:single -- [--runs 5] [--latency-ms 80] [--delivery-delay-ms 3000] [--consistency-lag-ms 1000]

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ProvisioningInput } from '../common/provisioning.js';
import { createGraphClient } from '../graph/client.js';
import { runSequentialBaseline, tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { countCalls } from './support/emulator-control.js';
import { runTimeline, statusReads } from './support/history.js';
import { describeMachine } from './support/machine.js';
import { criticalPath, sagaGraph } from './support/saga-graph.js';
import {
  type BaselineSample,
  printSingleRunReport,
  type SagaSample,
  type SingleRunReport,
} from './support/single-run-report.js';
import { startBenchStack, type BenchStack } from './support/stack.js';

const flags = parseFlags('bench:single — one provisioning run: the saga against the sequential baseline', {
  runs: { fallback: 5, help: 'measured runs of each side, alternating (after one warm-up each)' },
  'latency-ms': { fallback: 80, help: 'emulator latency added to every Graph call' },
  'delivery-delay-ms': { fallback: 3000, help: 'emulator time from request to delivered (add and remove)' },
  'consistency-lag-ms': { fallback: 1000, help: 'emulator replication lag of new objects' },
  'graph-writes-per-second': { fallback: 19, help: "the worker's Graph write budget (its default)" },
  out: { fallback: 'bench/results/single-run.json', help: 'where the raw figures are written' },
});

async function runSaga(stack: BenchStack): Promise<Omit<SagaSample, 'counts' | 'stats'>> {
  const names = tutorialNames(stack.emulator.info.domain);
  const input: ProvisioningInput = { ...names, durationDays: 30, cleanup: 'now' };
  const started = performance.now();
  const handle = await stack.client.workflow.start('provisionAccessPackage', {
    workflowId: `bench-single-${randomUUID().slice(0, 8)}`,
    taskQueue: stack.taskQueue,
    args: [input],
  });
  await handle.result();
  const elapsedMs = performance.now() - started;
  const timeline = await runTimeline(handle);
  return { elapsedMs, timeline, reads: statusReads(timeline) };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const profile = {
    latencyMs: flags['latency-ms'],
    deliveryDelayMs: flags['delivery-delay-ms'],
    consistencyLagMs: flags['consistency-lag-ms'],
    throttleScale: 1,
  };
  const benchStarted = performance.now();
  console.error('starting the dev server, the Graph emulator and a worker process…');
  const stack = await startBenchStack({
    emulator: profile,
    worker: { graphWritesPerSecond: flags['graph-writes-per-second'] },
  });
  try {
    const graph = createGraphClient(stack.emulator.graph);
    const { control } = stack.emulator;
    // Warm-up (not measured): tokens, connections, the worker's workflow cache and JIT on both sides.
    await runSaga(stack);
    await runSequentialBaseline(graph, tutorialNames(stack.emulator.info.domain));

    const saga: SagaSample[] = [];
    const baseline: BaselineSample[] = [];
    const measureSaga = async () => {
      await control.clearStats();
      const run = await runSaga(stack);
      const stats = await control.stats();
      saga.push({ ...run, stats, counts: countCalls(stats) });
      console.error(`saga ${saga.length}: ${(run.elapsedMs / 1000).toFixed(2)} s`);
    };
    const measureBaseline = async () => {
      await control.clearStats();
      const run = await runSequentialBaseline(graph, tutorialNames(stack.emulator.info.domain));
      baseline.push({ ...run, counts: countCalls(await control.stats()) });
      console.error(`baseline ${baseline.length}: ${(run.elapsedMs / 1000).toFixed(2)} s`);
    };
    // Alternate, and swap who goes first each round, so that drift in the machine's load hits both sides alike.
    for (let i = 0; i < flags.runs; i++) {
      if (i % 2 === 0) {
        await measureSaga();
        await measureBaseline();
      } else {
        await measureBaseline();
        await measureSaga();
      }
    }

    const timing = { latencyMs: profile.latencyMs, deliveryDelayMs: profile.deliveryDelayMs };
    const report: SingleRunReport = {
      date: new Date().toISOString(),
      machine,
      profile,
      graphWritesPerSecond: flags['graph-writes-per-second'],
      critical: criticalPath(sagaGraph, { ...timing, lagMs: profile.consistencyLagMs }),
      criticalWithoutLag: criticalPath(sagaGraph, { ...timing, lagMs: 0 }),
      saga,
      baseline,
      benchSeconds: (performance.now() - benchStarted) / 1000,
    };
    printSingleRunReport(report);
    writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`raw figures written to ${flags.out}`);
  } finally {
    await stack.stop();
  }
}

await main();
