// The production form (`npm run build`: compiled JavaScript, a prebuilt workflow bundle) against today's tsx form (the
// TypeScript run through tsx, the workflows bundled at each worker start), side by side in one run: the CLI's
// `--help`, a worker's start to ready and its idle memory, and `run`'s overhead over the workflow's own duration.
// Each command is the one an operator runs (bin/entra-saga.mjs, bin/entra-saga-worker) with ENTRA_SAGA_CODE_FORM
// choosing the form; the two forms alternate, and who goes first swaps each round. `--help` is also timed as an
// operator runs it, without the variable (the command finds whether the build is current).
//
// Where `run`'s overhead goes: each run's CLI carries a preload (support/phase-probe.mjs) that notes node's start,
// its first connection and its 'exit' event, set against the workflow's start and close as the server recorded them;
// and fresh node processes import what `run` loads, all of it and in parts (support/import-cost.mjs).
//
//   npm run bench:production -- [--help-runs 15] [--worker-starts 5] [--idle-seconds 10] [--settled-seconds 30] [--runs 5]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../client/connect.js';
import { rotate, writeKeyFile } from '../codec/keys.js';
import { startTemporalDevServer } from '../devstack/temporal-server.js';
import { emulatorEnv } from '../graph/local-emulator.js';
import { parseFlags } from './support/args.js';
import { type CodeForm, formName, startFormWorker, timeCli } from './support/code-form-process.js';
import { startEmulatorProcess, repoRoot } from './support/emulator-process.js';
import { heapProbeDirVariable } from './support/heap-probe.mjs';
import { type CliPhases, phaseProbeFileVariable } from './support/phase-probe.mjs';
import { describeMachine } from './support/machine.js';
import { memoryBreakdown } from './support/memory-breakdown.js';
import { sleep } from './support/numbers.js';
import { processMemory } from './support/process-memory.js';
import {
  type HelpSample,
  type IdleReading,
  type ImportSample,
  printProductionFormReport,
  type ProductionFormReport,
  type RunSample,
  type StartSample,
  importSets,
} from './support/production-form-report.js';

const flags = parseFlags('bench:production — the production form against the tsx form, side by side', {
  'help-runs': { fallback: 15, help: '`entra-saga --help` runs per form, alternating' },
  'worker-starts': { fallback: 5, help: 'worker starts per form, alternating' },
  'idle-seconds': { fallback: 10, help: 'time a started worker stays ready and idle before its memory is read' },
  'settled-seconds': {
    fallback: 30,
    help: "time after ready of a second reading, once V8's memory reducer has given back the start's young generation",
  },
  runs: { fallback: 5, help: '`entra-saga run` runs per form, alternating (after one warm-up each)' },
  'import-runs': { fallback: 5, help: "fresh processes per set of modules `run` loads, in the build's form" },
  'latency-ms': { fallback: 0, help: 'emulator latency added to every Graph call' },
  'delivery-delay-ms': { fallback: 300, help: 'emulator time from request to delivered (add and removal)' },
  out: { fallback: 'bench/results/production-form.json', help: 'where the raw figures are written' },
});

const forms: readonly CodeForm[] = ['build', 'source'];
const probePath = fileURLToPath(new URL('./support/heap-probe.mjs', import.meta.url));
const phaseProbePath = fileURLToPath(new URL('./support/phase-probe.mjs', import.meta.url));
const importCostPath = fileURLToPath(new URL('./support/import-cost.mjs', import.meta.url));

/** Both forms once per round, the first of them swapped each round. */
async function alternate(rounds: number, measure: (form: CodeForm, round: number) => Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const form of round % 2 === 0 ? forms : [...forms].reverse()) await measure(form, round);
  }
}

function ensureBuild(): void {
  // The build skips itself when dist/ is newer than every source.
  const build = spawnSync('npx', ['tsx', 'scripts/build.ts'], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) throw new Error('npm run build failed (see above)');
}

async function measureHelp(): Promise<HelpSample[]> {
  const samples: HelpSample[] = [];
  await alternate(flags['help-runs'], async (form) => {
    // The operator's way (no ENTRA_SAGA_CODE_FORM) beside each build run: the same code, plus finding the form.
    for (const how of form === 'build' ? (['build', 'auto'] as const) : [form]) {
      const run = await timeCli(how, ['--help'], process.env);
      if (run.code !== 0) throw new Error(`entra-saga --help (${how}) exited ${run.code}:\n${run.stderr}`);
      samples.push({ form: how, wallMs: run.wallMs, cpuSeconds: run.cpuSeconds });
    }
  });
  return samples;
}

/** One fresh node process importing `modules` (paths under dist/, or packages): wall and CPU of the imports. */
function importOnce(modules: readonly string[]): Omit<ImportSample, 'set'> {
  const started = performance.now();
  const child = spawnSync(process.execPath, [importCostPath, ...modules], { cwd: repoRoot, encoding: 'utf8' });
  const processMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`importing ${modules.join(', ')} failed:\n${child.stderr}`);
  const measured = JSON.parse(child.stdout) as { wallMs: number; cpuMs: number; sinceStartMs: number };
  return { ...measured, processMs };
}

/** What `run` loads before it connects, all of it and in parts, in fresh processes of the build's form. */
function measureImports(): ImportSample[] {
  const samples: ImportSample[] = [];
  for (let round = 0; round < flags['import-runs']; round++) {
    for (const set of importSets) {
      const modules = set.modules.map((m) => (m.startsWith('dist/') ? `${repoRoot}${m}` : m));
      samples.push({ set: set.name, ...importOnce(modules) });
    }
  }
  return samples;
}

async function measureStarts(workerEnv: NodeJS.ProcessEnv): Promise<StartSample[]> {
  const probeDir = mkdtempSync(join(tmpdir(), 'entra-saga-bench-heap-'));
  const env = {
    ...workerEnv,
    NODE_OPTIONS: `${workerEnv.NODE_OPTIONS ?? ''} --import=${probePath}`.trim(),
    [heapProbeDirVariable]: probeDir,
  };
  const samples: StartSample[] = [];
  try {
    await alternate(flags['worker-starts'], async (form) => {
      const worker = await startFormWorker(form, { ...env, ENTRA_SAGA_TASK_QUEUE: 'entra-saga-bench-start' });
      try {
        const read = async (afterSeconds: number): Promise<IdleReading> => {
          await sleep(Math.max(0, worker.readyAt + afterSeconds * 1000 - performance.now()));
          const { rssMiB } = processMemory(worker.pid);
          return { afterSeconds, rssMiB, memory: memoryBreakdown(worker.pid, probeDir) };
        };
        const idle = await read(flags['idle-seconds']);
        const settled = await read(flags['settled-seconds']);
        samples.push({ form, readyMs: worker.readyMs, cpuSecondsToReady: worker.cpuSecondsToReady, idle, settled });
        console.error(
          `${formName[form]} worker: ready in ${worker.readyMs.toFixed(0)} ms; ` +
            `${idle.rssMiB.toFixed(0)} MiB after ${idle.afterSeconds} s idle, ${settled.rssMiB.toFixed(0)} MiB after ${settled.afterSeconds} s`,
        );
      } finally {
        await worker.stop();
      }
    });
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
  return samples;
}

async function measureRuns(workerEnv: NodeJS.ProcessEnv, domain: string): Promise<RunSample[]> {
  const queue = (form: CodeForm) => `entra-saga-bench-${form}`;
  // One worker of each form, each on its own task queue; a run's CLI has the form of the worker serving it.
  const workers = await Promise.all(
    forms.map((form) => startFormWorker(form, { ...workerEnv, ENTRA_SAGA_TASK_QUEUE: queue(form) })),
  );
  const connected = await connect(workerEnv);
  const samples: RunSample[] = [];
  const tag = Date.now().toString(36);
  const probeDir = mkdtempSync(join(tmpdir(), 'entra-saga-bench-phases-'));
  try {
    const run = async (form: CodeForm, label: string): Promise<RunSample> => {
      const upn = `bench-${tag}-${form}-${label}@${domain}`;
      const probeFile = join(probeDir, `${form}-${label}.json`);
      const env = {
        ...workerEnv,
        ENTRA_SAGA_TASK_QUEUE: queue(form),
        NODE_OPTIONS: `${workerEnv.NODE_OPTIONS ?? ''} --import=${phaseProbePath}`.trim(),
        [phaseProbeFileVariable]: probeFile,
      };
      const cli = await timeCli(form, ['run', '--requestor-upn', upn, '--json'], env);
      const outcome = JSON.parse(cli.stdout || '{}') as { workflowId?: string; status?: string };
      if (cli.code !== 0 || outcome.status !== 'completed' || !outcome.workflowId)
        throw new Error(`entra-saga run (${formName[form]}) exited ${cli.code}: ${cli.stdout}\n${cli.stderr}`);
      const described = await connected.client.workflow.getHandle(outcome.workflowId).describe();
      const startMs = described.startTime.getTime();
      const closeMs = described.closeTime?.getTime() ?? Number.NaN;
      const probe = existsSync(probeFile) ? (JSON.parse(readFileSync(probeFile, 'utf8')) as CliPhases) : undefined;
      const at = (ms: number | null | undefined) => (probe && ms != null ? probe.timeOriginMs + ms : Number.NaN);
      return {
        form,
        wallMs: cli.wallMs,
        cpuSeconds: cli.cpuSeconds,
        workflowMs: closeMs - startMs,
        beforeStartMs: startMs - cli.spawnedAtMs,
        afterCloseMs: cli.exitedAtMs - closeMs,
        ...(probe && {
          phases: {
            spawnMs: probe.timeOriginMs - cli.spawnedAtMs,
            nodeStartMs: probe.preloadMs,
            loadMs: at(probe.firstConnectMs) - at(probe.preloadMs),
            connectAndStartMs: startMs - at(probe.firstConnectMs),
            closeToExitEventMs: at(probe.exitEventMs) - closeMs,
            exitMs: cli.exitedAtMs - at(probe.exitEventMs),
          },
        }),
      };
    };
    // Warm-up (not measured): each worker's first run, the emulator's first token.
    for (const form of forms) await run(form, 'warm-up');
    await alternate(flags.runs, async (form, round) => {
      const sample = await run(form, String(round));
      samples.push(sample);
      console.error(
        `${formName[form]} run: ${(sample.wallMs / 1000).toFixed(2)} s at the CLI, workflow ${(sample.workflowMs / 1000).toFixed(2)} s`,
      );
    });
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
    await connected.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
  return samples;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  console.error('making sure the build is current…');
  ensureBuild();
  const machine = describeMachine();
  console.error(`entra-saga --help, ${flags['help-runs']} times per form…`);
  const help = await measureHelp();
  console.error(`what \`run\` imports, ${flags['import-runs']} fresh processes per set…`);
  const imports = measureImports();

  console.error('starting the dev server and the Graph emulator…');
  const profile = {
    latencyMs: flags['latency-ms'],
    deliveryDelayMs: flags['delivery-delay-ms'],
    consistencyLagMs: 0,
    throttleScale: 0,
  };
  // Both start side by side; whichever started is stopped even if the other failed.
  const [server, graph] = await Promise.allSettled([
    startTemporalDevServer({ port: 0 }),
    startEmulatorProcess(profile),
  ]);
  if (server.status === 'rejected' || graph.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.stop();
    if (graph.status === 'fulfilled') await graph.value.stop();
    throw server.status === 'rejected' ? server.reason : (graph as PromiseRejectedResult).reason;
  }
  const temporal = server.value;
  const emulator = graph.value;
  const keyDir = mkdtempSync(join(tmpdir(), 'entra-saga-bench-keys-'));
  try {
    // The CLI and the workers share one key file, as every worker and CLI of a deployment must.
    const keyFile = join(keyDir, 'codec-keys.json');
    writeKeyFile(keyFile, rotate(undefined, 'bench-1'));
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...emulatorEnv(emulator.info),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ENTRA_SAGA_CODEC_KEY_FILE: keyFile,
      ENTRA_SAGA_DOMAIN: emulator.info.domain,
      ENTRA_SAGA_GRAPH_WRITES_PER_SECOND: '0',
      ENTRA_SAGA_LOG_LEVEL: 'INFO',
      ENTRA_SAGA_LOG_FORMAT: 'json',
    };
    for (const name of ['TEMPORAL_PROFILE', 'TEMPORAL_CONFIG_FILE', 'TEMPORAL_API_KEY', 'ENTRA_SAGA_CODEC_KEYS'])
      delete workerEnv[name];

    console.error(`worker start to ready and idle memory, ${flags['worker-starts']} starts per form…`);
    const starts = await measureStarts(workerEnv);
    console.error(`entra-saga run, ${flags.runs} runs per form…`);
    const runs = await measureRuns(workerEnv, emulator.info.domain);

    const report: ProductionFormReport = {
      date: new Date().toISOString(),
      machine,
      loadAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      profile,
      help,
      imports,
      starts,
      runs,
      benchSeconds: (performance.now() - benchStarted) / 1000,
    };
    printProductionFormReport(report);
    writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`raw figures written to ${flags.out}`);
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
    await emulator.stop();
    await temporal.stop();
  }
}

await main();
