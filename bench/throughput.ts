// Throughput benchmark: bulk provisioning (one parent run fanning out child sagas, cleanup "now") under Graph's
// identity write limit, scaled down so the budget is a few writes per second, with the worker's write budget
// (ENTRA_SAGA_GRAPH_WRITES_PER_SECOND) set to the same figure. At each concurrency level it measures the writes per
// second Graph accepted against the budget, the 429s, the runs per second and the runs that failed.
//
// The emulator's bucket holds 150 s worth of writes. Each level starts by draining it (bench/support/write-budget.ts),
// so the only writes Graph accepts are the ones it refills: a burst cannot flatter the figures, and a worker that
// wrote faster than the budget would meet 429s at once. Rates are taken over the steady part of each level — from
// the first run to finish until the last item has started — and over the whole level.
//
// With --cluster-workers N, the same levels then run on the local multi-service cluster (devstack/cluster.ts) with N
// worker processes sharing the task queue: the write budget is enforced by the server on the write queue's one
// partition, so it must hold across the workers — no 429s at the budget — as it does on the dev server.
//
//   npm run bench:throughput -- [--concurrency 1,2,4,8,16] [--runs 0] [--throttle-scale 0.25] [--latency-ms 50]
//     [--cluster-workers 3]

import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { BulkProgress } from '../common/bulk.js';
import type { ProvisioningInput } from '../common/provisioning.js';
import { createGraphClient } from '../graph/client.js';
import { bulkProgressQuery } from '../workflows/messages.js';
import { tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { type CallCounts, countCalls } from './support/emulator-control.js';
import { describeMachine, machineLine } from './support/machine.js';
import { markdownTable, percent, sleep } from './support/numbers.js';
import { startBenchStackOnCluster } from './support/cluster-stack.js';
import { startBenchStack, type BenchStack } from './support/stack.js';
import { lineChartSvg } from './support/svg-plot.js';
import { drainWriteBudget, writeBudgetPerSecond, writeBurst } from './support/write-budget.js';

const flags = parseFlags('bench:throughput — bulk provisioning against the scaled identity write budget', {
  concurrency: { fallback: [1, 2, 4, 8, 16], help: 'concurrency levels of the bulk run, comma-separated' },
  runs: { fallback: 0, help: 'runs per level; 0 = max(8, 4 × concurrency)' },
  'throttle-scale': {
    fallback: 0.25,
    help: 'emulator throttling × the documented limits (0.25: 5 writes/s, a burst of 750)',
  },
  'graph-writes-per-second': {
    fallback: 0,
    help: "the worker's write budget; 0 = the emulator's budget at this scale",
  },
  'latency-ms': { fallback: 50, help: 'emulator latency added to every Graph call' },
  'delivery-delay-ms': { fallback: 1500, help: 'emulator time from request to delivered (its default)' },
  'consistency-lag-ms': { fallback: 0, help: 'emulator replication lag of new objects' },
  'cluster-workers': {
    fallback: 0,
    help: 'then the same levels on the local cluster with this many worker processes (0: the dev server only)',
  },
  drain: { fallback: true, help: "empty the emulator's write bucket before each level (false: start on a full one)" },
  out: { fallback: 'bench/results/throughput.json', help: 'where the raw figures are written' },
  svg: { fallback: 'bench/results/throughput.svg', help: 'where the plot is written' },
});

interface Sample {
  atMs: number;
  progress: BulkProgress['counts'];
  calls: CallCounts;
}

interface Rates {
  seconds: number;
  writesPerSecond: number;
  runsPerSecond: number;
}

interface LevelResult {
  concurrency: number;
  runs: number;
  drainedWrites: number;
  elapsedSeconds: number;
  whole: Rates;
  /** Every lane busy, until the last item started; undefined when too short to tell. */
  steady?: Rates;
  writes: number;
  writesPerRun: number;
  throttled: number;
  completed: number;
  failed: number;
  samples: Sample[];
}

const finished = (s: Sample) =>
  s.progress.completed + s.progress.compensated + s.progress.failed + s.progress.cancelled;

function rates(from: Sample, to: Sample): Rates {
  const seconds = (to.atMs - from.atMs) / 1000;
  return {
    seconds,
    writesPerSecond: (to.calls.writes - from.calls.writes) / seconds,
    runsPerSecond: (finished(to) - finished(from)) / seconds,
  };
}

async function runLevel(
  stack: Pick<BenchStack, 'client' | 'emulator' | 'taskQueue'>,
  concurrency: number,
  runs: number,
  drain: boolean,
): Promise<LevelResult> {
  const { control } = stack.emulator;
  const drainedWrites = drain ? await drainWriteBudget(createGraphClient(stack.emulator.graph)) : 0;
  const items: ProvisioningInput[] = Array.from({ length: runs }, () => ({
    ...tutorialNames(stack.emulator.info.domain),
    durationDays: 30,
    cleanup: 'now',
  }));
  const before = countCalls(await control.stats());
  const started = performance.now();
  const handle = await stack.client.workflow.start('bulkProvision', {
    workflowId: `bench-throughput-c${concurrency}-${randomUUID().slice(0, 8)}`,
    taskQueue: stack.taskQueue,
    args: [{ items, concurrency }],
  });
  let final: BulkProgress | undefined;
  const result = handle.result().then((progress: BulkProgress) => (final = progress));
  const samples: Sample[] = [];
  const sample = async (known?: BulkProgress) => {
    const [progress, stats] = await Promise.all([known ?? handle.query(bulkProgressQuery), control.stats()]);
    const calls = countCalls(stats);
    for (const key of Object.keys(calls) as (keyof CallCounts)[]) calls[key] -= before[key];
    samples.push({ atMs: performance.now() - started, progress: progress.counts, calls });
  };
  while (!final) {
    await Promise.race([result, sleep(1000)]);
    if (!final) await sample().catch(() => undefined);
  }
  const done = final;
  await sample(done);
  const last = samples[samples.length - 1] as Sample;
  // Steady state: from the first run to finish (the lanes, started together, no longer move in step) until the
  // last item has started (every lane still busy).
  const first = samples.find((s) => finished(s) > 0);
  const lastPending = samples.filter((s) => s.progress.pending > 0).pop();
  const steady =
    first && lastPending && lastPending.atMs - first.atMs >= 10_000 ? rates(first, lastPending) : undefined;
  const origin: Sample = {
    atMs: 0,
    progress: { pending: runs, running: 0, completed: 0, compensated: 0, failed: 0, cancelled: 0 },
    calls: { ...last.calls, writes: 0 },
  };
  return {
    concurrency,
    runs,
    drainedWrites,
    elapsedSeconds: last.atMs / 1000,
    whole: rates(origin, last),
    steady,
    writes: last.calls.writes,
    writesPerRun: last.calls.writes / runs,
    throttled: last.calls.throttled,
    completed: done.counts.completed,
    failed: done.total - done.counts.completed,
    samples,
  };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const scale = flags['throttle-scale'];
  if (scale <= 0) throw new Error('--throttle-scale must be above 0: the benchmark measures the write budget');
  const budget = writeBudgetPerSecond(scale);
  const workerBudget = flags['graph-writes-per-second'] || budget;
  const profile = {
    latencyMs: flags['latency-ms'],
    deliveryDelayMs: flags['delivery-delay-ms'],
    consistencyLagMs: flags['consistency-lag-ms'],
    throttleScale: scale,
  };
  const benchStarted = performance.now();
  const runLevels = async (stack: Pick<BenchStack, 'client' | 'emulator' | 'taskQueue' | 'stop'>) => {
    const levels: LevelResult[] = [];
    try {
      for (const concurrency of flags.concurrency) {
        const runs = flags.runs || Math.max(8, 4 * concurrency);
        console.error(`concurrency ${concurrency}: ${runs} runs…`);
        const level = await runLevel(stack, concurrency, runs, flags.drain);
        levels.push(level);
        const shown = level.steady ?? level.whole;
        console.error(
          `  ${shown.writesPerSecond.toFixed(2)} writes/s, ${shown.runsPerSecond.toFixed(3)} runs/s, ${level.throttled} × 429, ${level.failed} failed, ${level.elapsedSeconds.toFixed(0)} s`,
        );
      }
    } finally {
      await stack.stop();
    }
    return levels;
  };
  console.error(`starting the dev server, the Graph emulator and a worker process (budget ${budget} writes/s)…`);
  const levels = await runLevels(
    await startBenchStack({ emulator: profile, worker: { graphWritesPerSecond: workerBudget } }),
  );
  const clusterWorkers = flags['cluster-workers'];
  let clusterLevels: LevelResult[] = [];
  if (clusterWorkers > 0) {
    console.error(`starting the local cluster, the Graph emulator and ${clusterWorkers} worker processes…`);
    clusterLevels = await runLevels(
      await startBenchStackOnCluster({
        emulator: profile,
        worker: { graphWritesPerSecond: workerBudget },
        workers: clusterWorkers,
      }),
    );
  }

  const benchSeconds = (performance.now() - benchStarted) / 1000;
  const out: string[] = [];
  out.push(`## Throughput — ${new Date().toISOString().slice(0, 10)}`, '');
  out.push(`Machine: ${machineLine(machine)}.`);
  out.push(
    `Profile: throttling × ${scale} = **${budget} writes/s** sustained (burst ${writeBurst(scale)}, drained before each level: ${flags.drain}); ` +
      `worker budget ${workerBudget} writes/s; ${profile.latencyMs} ms per Graph call, delivery ${profile.deliveryDelayMs} ms, lag ${profile.consistencyLagMs} ms; ` +
      `cleanup "now", every run its own user, group and package. Benchmark took ${Math.round(benchSeconds)} s.`,
    '',
  );
  const levelTables = (of: LevelResult[]) => {
    const last = of[of.length - 1];
    const usedOf = last ? (last.steady ?? last.whole).writesPerSecond / budget : 0;
    const failedOf = of.reduce((sum, l) => sum + l.failed, 0);
    const throttledOf = of.reduce((sum, l) => sum + l.throttled, 0);
    out.push(
      markdownTable(
        [
          'concurrency',
          'runs',
          'steady writes/s',
          'budget used',
          'steady runs/s',
          'whole-level writes/s',
          'whole-level runs/s',
          'writes/run',
          '429s',
          'failed',
          'level took (s)',
        ],
        of.map((l) => [
          l.concurrency,
          l.runs,
          l.steady ? l.steady.writesPerSecond.toFixed(2) : '—',
          l.steady ? percent(l.steady.writesPerSecond / budget) : '—',
          l.steady ? l.steady.runsPerSecond.toFixed(3) : '—',
          l.whole.writesPerSecond.toFixed(2),
          l.whole.runsPerSecond.toFixed(3),
          l.writesPerRun.toFixed(1),
          l.throttled,
          l.failed,
          l.elapsedSeconds.toFixed(0),
        ]),
      ),
      '',
    );
    out.push(
      markdownTable(
        ['target', 'value', 'target', ''],
        [
          [
            `budget used at concurrency ${last?.concurrency ?? '—'}`,
            percent(usedOf),
            '≥ 90 %',
            usedOf >= 0.9 ? 'met' : '**missed**',
          ],
          ['runs failed (all levels)', failedOf, '0', failedOf === 0 ? 'met' : '**missed**'],
          ['429s seen (all levels)', throttledOf, '—', ''],
        ],
      ),
    );
  };
  out.push('### On the dev server, one worker', '');
  levelTables(levels);
  if (clusterLevels.length > 0) {
    out.push(
      '',
      `### On the local cluster (frontend, 2 history, 2 matching, PostgreSQL, mTLS), ${clusterWorkers} workers`,
      '',
    );
    levelTables(clusterLevels);
  }
  console.log(out.join('\n'));

  const shown = (l: LevelResult) => l.steady ?? l.whole;
  writeFileSync(
    flags.svg,
    lineChartSvg({
      title: `Bulk provisioning under a ${budget} writes/s Graph budget`,
      xLabel: 'concurrency (child runs in flight)',
      xValues: levels.map((l) => l.concurrency),
      left: {
        label: 'Graph writes/s accepted (steady state)',
        axisLabel: 'writes / s',
        values: levels.map((l) => shown(l).writesPerSecond),
        color: '#1f6fb2',
      },
      right: {
        label: 'runs/s completed (steady state)',
        axisLabel: 'runs / s',
        values: levels.map((l) => shown(l).runsPerSecond),
        color: '#2e8b57',
        dashed: true,
        digits: 3,
      },
      reference: { value: budget, label: `budget ${budget} writes/s` },
    }),
  );
  writeFileSync(
    flags.out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, profile, budget, workerBudget, benchSeconds, levels, clusterWorkers, clusterLevels }, null, 2)}\n`,
  );
  console.error(`raw figures written to ${flags.out}, plot to ${flags.svg}`);
}

await main();
