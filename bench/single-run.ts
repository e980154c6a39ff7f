// One-run benchmark: on one emulator profile, the saga (cleanup "now", through a real dev server and worker process),
// the sequential baseline and the oracle (a client making the strict model's calls at the model's moments), in
// rotating order, against the strict critical path (bench/support/saga-graph.ts). The worker is fresh for each
// profile: its first run is the cold-worker run (it has seen no delivery, so it plans its reads from Entra's usual
// window), then warm-up runs teach it the tenant's delivery delay before the measured runs.
//
// `--package three-resources` measures a package of a new group, an app role (the emulator's Contoso Expenses, Reader)
// and a SharePoint site's Members instead of the tutorial's one group, against its own strict path. The sequential
// baseline is the tutorial's script, which has no apps or sites: it is left out there.
//
//   npm run bench:single -- [--runs 3] [--latency-ms 80] [--delivery-delay-ms 3000] [--consistency-lag-ms 1000]
//   npm run bench:profiles -- [--runs 3]              # the four profiles below, one after another
//   npm run bench:profiles -- --from-results          # their report again, from bench/results/
//   npm run bench:single -- --package three-resources # a group, an app role and a site

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ProvisioningInput, ResourceSpec } from '../common/provisioning.js';
import { defaultPermissions } from '../emulator/index.js';
import { createGraphClient } from '../graph/client.js';
import { type TutorialNames, runSequentialBaseline, tutorialNames } from './sequential-baseline.js';
import { parseFlags } from './support/args.js';
import { countCalls } from './support/emulator-control.js';
import type { EmulatorProfile } from './support/emulator-process.js';
import {
  type LoggedGraphCall,
  parseGraphCallLine,
  runTimeline,
  statusReads,
  withGraphCalls,
} from './support/history.js';
import { describeMachine } from './support/machine.js';
import { type PackageResources, createOracle } from './support/oracle.js';
import { type PackageShape, criticalPath, packageGraphs, previousSagaGraph } from './support/saga-graph.js';
import {
  type BaselineSample,
  type OracleSample,
  type ProfileReport,
  printSingleRunReport,
  type SagaSample,
  slimResults,
  type SingleRunReport,
} from './support/single-run-report.js';
import { startBenchStackOnCluster } from './support/cluster-stack.js';
import { startBenchStack, type BenchStack } from './support/stack.js';

const flags = parseFlags(
  'bench:single — one provisioning run: the saga, the sequential baseline and the oracle against the strict critical path',
  {
    runs: { fallback: 3, help: 'measured runs of each side per profile, in rotating order' },
    'warm-ups': {
      fallback: 2,
      help: 'saga runs after the cold-worker run, not measured: with 2, the worker has seen 3 deliveries of each kind',
    },
    profiles: {
      fallback: false,
      help: 'run the four profiles (default; 80 ms, 0.7 s, no lag; 120 ms, 2.5 s, 0.8 s; 60 ms, 7.3 s, 3 s), ignoring the three flags below',
    },
    'latency-ms': { fallback: 80, help: 'emulator latency added to every Graph call' },
    'delivery-delay-ms': { fallback: 3000, help: 'emulator time from request to delivered (add and removal)' },
    'consistency-lag-ms': { fallback: 1000, help: 'emulator replication lag of new objects' },
    cluster: {
      fallback: false,
      help: 'the saga on the local multi-service cluster (PostgreSQL, mTLS, one worker) instead of the dev server',
    },
    package: {
      fallback: 'tutorial',
      help: "the package: tutorial (one group, its Member role) or three-resources (a group, an app role and a site's Members)",
    },
    'graph-writes-per-second': { fallback: 19, help: "the worker's Graph write budget (its default)" },
    'worker-log-level': {
      fallback: 'DEBUG',
      help: "the worker's log level: at DEBUG it logs every Graph call, which the report's time breakdown reads",
    },
    only: {
      fallback: [] as number[],
      help: 'with --profiles: only these of the four, by number (1 is the default profile), e.g. 2,4 — to run them one at a time',
    },
    out: { fallback: '', help: "where the raw figures are written (default: the profile's file in bench/results/)" },
    'from-results': {
      fallback: false,
      help: "run nothing: print the report of the four profiles from their files in bench/results/ (each profile's last run)",
    },
  },
);

type Profile = Omit<EmulatorProfile, 'throttleScale'>;

/** The default profile first, then delivery delays that are no whole number of seconds and lags of 0–3 s. */
const benchProfiles: readonly Profile[] = [
  { latencyMs: 80, deliveryDelayMs: 3000, consistencyLagMs: 1000 },
  { latencyMs: 80, deliveryDelayMs: 700, consistencyLagMs: 0 },
  { latencyMs: 120, deliveryDelayMs: 2500, consistencyLagMs: 800 },
  { latencyMs: 60, deliveryDelayMs: 7300, consistencyLagMs: 3000 },
];

/** The Graph calls the worker logs, kept until the run they were made for has been read. */
class GraphCallLog {
  #calls: LoggedGraphCall[] = [];

  readonly onLine = (line: string): void => {
    if (!line.startsWith('[worker] ')) return;
    const call = parseGraphCallLine(line);
    if (call) this.#calls.push(call);
  };

  /** Takes the calls of one run out of the log. */
  take(workflowId: string): LoggedGraphCall[] {
    const taken = this.#calls.filter((c) => c.workflowId === workflowId);
    this.#calls = this.#calls.filter((c) => c.workflowId !== workflowId);
    return taken;
  }
}

/** The app and the site of a package of three resources: the emulator's seeded ones (emulator/store/seed.ts). */
function packageResources(domain: string): PackageResources {
  return {
    app: { displayName: 'Contoso Expenses', role: 'Reader' },
    site: { url: `https://${domain.split('.')[0]}.sharepoint.com/sites/Marketing`, role: 'Members' },
  };
}

/** The saga's resources for a package of three: the run's new group, the app's role, the site's role. */
function resourceSpecs(names: TutorialNames, resources: PackageResources): ResourceSpec[] {
  return [
    { kind: 'group', name: names.groupName, mailNickname: names.groupMailNickname },
    { kind: 'app', app: resources.app.displayName, role: resources.app.role },
    { kind: 'site', url: resources.site.url, role: resources.site.role },
  ];
}

/** An app or a site in the catalog needs these beside the defaults (README, Security). */
const resourcePermissions = [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All'];

async function measureProfile(profile: Profile, shape: PackageShape): Promise<ProfileReport> {
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = describeMachine();
  const timing = {
    latencyMs: profile.latencyMs,
    deliveryDelayMs: profile.deliveryDelayMs,
    lagMs: profile.consistencyLagMs,
  };
  const log = new GraphCallLog();
  const three = shape === 'three-resources';
  console.error(
    `profile ${profile.latencyMs} ms, delivery ${profile.deliveryDelayMs} ms, lag ${profile.consistencyLagMs} ms, ` +
      `package ${shape}: starting ${flags.cluster ? 'the local cluster' : 'the dev server'}, the Graph emulator and a worker process…`,
  );
  const options = {
    emulator: { ...profile, throttleScale: 1, ...(three ? { permissions: resourcePermissions } : {}) },
    worker: { graphWritesPerSecond: flags['graph-writes-per-second'], logLevel: flags['worker-log-level'] },
    onLine: log.onLine,
  };
  const stack = flags.cluster
    ? await startBenchStackOnCluster({ ...options, workers: 1 })
    : await startBenchStack(options);
  try {
    const graph = createGraphClient(stack.emulator.graph);
    const resources = three ? packageResources(stack.emulator.info.domain) : undefined;
    const oracleClient = createOracle(stack.emulator.graph, shape, resources);
    const { control } = stack.emulator;
    const servicePrincipals = (await control.objects()).servicePrincipals as { id: string; displayName?: string }[];
    const marks = resources && {
      app: servicePrincipals.find((sp) => sp.displayName === resources.app.displayName)?.id,
      site: resources.site.url,
    };
    const names = () => tutorialNames(stack.emulator.info.domain);

    const saga = async (): Promise<SagaSample> => {
      await control.clearStats();
      const tutorial = names();
      // A package of resources names its group among them (the tutorial's group fields are refused beside them).
      const { groupName: _name, groupMailNickname: _nickname, ...rest } = tutorial;
      const run = await runSaga(
        stack,
        resources ? { ...rest, resources: resourceSpecs(tutorial, resources) } : tutorial,
      );
      const stats = await control.stats();
      const timeline = withGraphCalls(await runTimeline(run.handle), log.take(run.handle.workflowId));
      return { elapsedMs: run.elapsedMs, stats, counts: countCalls(stats), timeline, reads: statusReads(timeline) };
    };
    const baseline = async (): Promise<BaselineSample> => {
      await control.clearStats();
      const run = await runSequentialBaseline(graph, names());
      return { ...run, counts: countCalls(await control.stats()) };
    };
    const oracle = async (): Promise<OracleSample> => {
      const tutorial = names();
      await oracleClient.openConnections(tutorial);
      await control.clearStats();
      const run = await oracleClient.run(tutorial, timing);
      const stats = await control.stats();
      return { ...run, stats, counts: countCalls(stats) };
    };

    // The worker's first run: it knows no delivery yet. Then warm-ups (not measured) teach it the tenant's delays,
    // and warm tokens, connections and the JIT on every side.
    const cold = await saga();
    console.error(`  cold-worker saga: ${(cold.elapsedMs / 1000).toFixed(2)} s`);
    for (let i = 0; i < flags['warm-ups']; i++) await saga();
    if (!three) await baseline();
    await oracle();

    const report: ProfileReport = {
      profile: { ...profile, throttleScale: 1 },
      shape,
      ...(marks ? { marks } : {}),
      date,
      machine,
      strict: criticalPath(packageGraphs[shape], timing),
      ...(three ? {} : { previous: criticalPath(previousSagaGraph, timing, 'previous') }),
      warmUps: flags['warm-ups'],
      cold,
      saga: [],
      baseline: [],
      oracle: [],
      benchSeconds: 0,
    };
    const sides = [
      async () => void report.saga.push(await saga()),
      ...(three ? [] : [async () => void report.baseline.push(await baseline())]),
      async () => void report.oracle.push(await oracle()),
    ];
    // Rotate who goes first each round, so that drift in the machine's load hits every side alike.
    for (let round = 0; round < flags.runs; round++) {
      for (let i = 0; i < sides.length; i++) await sides[(round + i) % sides.length]?.();
      const last = (xs: { elapsedMs: number }[]) => (xs.length ? (xs.at(-1)!.elapsedMs / 1000).toFixed(2) : '—');
      console.error(
        `  round ${round + 1}: saga ${last(report.saga)} s, baseline ${last(report.baseline)} s, oracle ${last(report.oracle)} s`,
      );
    }
    report.benchSeconds = (performance.now() - started) / 1000;
    await oracleClient.close();
    return report;
  } finally {
    await stack.stop();
  }
}

async function runSaga(
  stack: Pick<BenchStack, 'client' | 'taskQueue'>,
  names: Omit<ProvisioningInput, 'durationDays' | 'cleanup'>,
) {
  const input: ProvisioningInput = { ...names, durationDays: 30, cleanup: 'now' };
  const started = performance.now();
  const handle = await stack.client.workflow.start('provisionAccessPackage', {
    workflowId: `bench-single-${randomUUID().slice(0, 8)}`,
    taskQueue: stack.taskQueue,
    args: [input],
  });
  await handle.result();
  return { handle, elapsedMs: performance.now() - started };
}

/** Each profile's figures go to a file of their own, so that profiles can be run one at a time on a busy machine. */
function resultFile(p: Profile, shape: PackageShape): string {
  const isDefault = JSON.stringify(p) === JSON.stringify(benchProfiles[0]);
  const what = shape === 'tutorial' ? '' : `-${shape}`;
  return isDefault
    ? `bench/results/single-run${what}.json`
    : `bench/results/single-run${what}-${p.latencyMs}ms-delivery-${p.deliveryDelayMs}ms-lag-${p.consistencyLagMs}ms.json`;
}

async function main(): Promise<void> {
  const shape = flags.package;
  if (shape !== 'tutorial' && shape !== 'three-resources')
    throw new Error('--package must be tutorial or three-resources');
  if (flags['from-results']) {
    // The four profiles of the tutorial's package, then the default profile of three resources when it was measured.
    const files = [
      ...benchProfiles.map((p) => resultFile(p, 'tutorial')),
      resultFile(benchProfiles[0]!, 'three-resources'),
    ];
    const runs = files
      .filter((f, i) => i < benchProfiles.length || existsSync(f))
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as SingleRunReport);
    const [first] = runs;
    if (first) printSingleRunReport({ ...first, profiles: runs.flatMap((r) => r.profiles) });
    return;
  }
  const profiles: readonly Profile[] = flags.profiles
    ? benchProfiles.filter((_, i) => !flags.only.length || flags.only.includes(i + 1))
    : [
        {
          latencyMs: flags['latency-ms'],
          deliveryDelayMs: flags['delivery-delay-ms'],
          consistencyLagMs: flags['consistency-lag-ms'],
        },
      ];
  const all: SingleRunReport[] = [];
  for (const profile of profiles) {
    const report: SingleRunReport = {
      date: new Date().toISOString(),
      machine: describeMachine(),
      graphWritesPerSecond: flags['graph-writes-per-second'],
      workerLogLevel: flags['worker-log-level'],
      runs: flags.runs,
      profiles: [slimResults(await measureProfile(profile, shape))],
    };
    const out = (!flags.profiles && flags.out) || resultFile(profile, shape);
    writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
    console.error(`raw figures written to ${out}`);
    all.push(report);
  }
  const [first] = all;
  if (first) printSingleRunReport({ ...first, profiles: all.flatMap((r) => r.profiles) });
}

await main();
