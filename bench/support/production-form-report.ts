// The Markdown report of bench:production: each target measured in the build form and in today's tsx form, then
// where `run`'s overhead and the idle worker's memory go.

import { type CodeForm, formName } from './code-form-process.js';
import type { EmulatorProfile } from './emulator-process.js';
import { type Machine, machineLine } from './machine.js';
import type { MemoryBreakdown } from './memory-breakdown.js';
import { markdownTable, median, seconds } from './numbers.js';

export interface HelpSample {
  /** `auto`: the build's form found by the command itself, as an operator runs it. */
  form: CodeForm | 'auto';
  wallMs: number;
  /** CPU seconds of the command (read every 10 ms: the last reading before it exited). */
  cpuSeconds: number;
}

/** The worker's node process, some time after its "worker ready" line, with nothing to do. */
export interface IdleReading {
  afterSeconds: number;
  /** VmRSS. */
  rssMiB: number;
  memory: MemoryBreakdown;
}

export interface StartSample {
  form: CodeForm;
  /** Spawn of bin/entra-saga-worker to its "worker ready" line. */
  readyMs: number;
  /** CPU seconds the worker process used (all its threads) from spawn to ready. */
  cpuSecondsToReady: number;
  /** The reading the target is judged on. */
  idle: IdleReading;
  /** A later one: V8's memory reducer has run by then. */
  settled: IdleReading;
}

/** Sets of modules `run` loads, each imported in a fresh process of the build's form. */
export const importSets = [
  { name: 'nothing (node starts and exits)', modules: [] },
  {
    name: 'what `run` loads: the Temporal connection and every command (client/main.ts)',
    modules: [
      'dist/client/connect.js',
      'dist/client/commands/run.js',
      'dist/client/commands/inspect.js',
      'dist/client/commands/teardown.js',
      'dist/client/commands/bulk.js',
      'dist/client/commands/people.js',
    ],
  },
  {
    name: '… less the people commands (Azure sign-in, the Graph client)',
    modules: [
      'dist/client/connect.js',
      'dist/client/commands/run.js',
      'dist/client/commands/inspect.js',
      'dist/client/commands/teardown.js',
      'dist/client/commands/bulk.js',
    ],
  },
  { name: 'the connection and `run` alone', modules: ['dist/client/connect.js', 'dist/client/commands/run.js'] },
  { name: '`@temporalio/client` alone', modules: ['@temporalio/client'] },
  { name: '`@azure/identity` alone', modules: ['@azure/identity'] },
] as const;

export interface ImportSample {
  set: (typeof importSets)[number]['name'];
  /** The imports, inside the process. */
  wallMs: number;
  cpuMs: number;
  /** From the process's start to the imports' end. */
  sinceStartMs: number;
  /** Spawn to exit, outside. */
  processMs: number;
}

/** Where a `run`'s time outside the workflow went, from its CLI's phase probe and the server's times. */
interface RunPhases {
  /** Spawn to the process's time origin. */
  spawnMs: number;
  /** Node's own start, to the preload (right before the entry module). */
  nodeStartMs: number;
  /** The CLI's code: finding its form, loading its modules, parsing flags and input, to its first connection. */
  loadMs: number;
  /** Connecting to Temporal (and its getSystemInfo), then the start call, to the workflow's start. */
  connectAndStartMs: number;
  /** The workflow's close to the 'exit' event: the result reaching the CLI, its last look, printing, closing. */
  closeToExitEventMs: number;
  /** The 'exit' event to the process's end. */
  exitMs: number;
}

export interface RunSample {
  form: CodeForm;
  /** `entra-saga run … --json`, spawn to exit. */
  wallMs: number;
  /** CPU seconds of the CLI (read every 10 ms: the last reading before it exited). */
  cpuSeconds: number;
  /** The workflow's own duration: its close time − its start time, as the Temporal server recorded them. */
  workflowMs: number;
  /** The CLI's spawn to the workflow's start (node, imports, connecting, the start call). */
  beforeStartMs: number;
  /** The workflow's close to the CLI's exit (the result reaching the CLI, its last look at the run, printing, exit). */
  afterCloseMs: number;
  phases?: RunPhases;
}

export interface ProductionFormReport {
  date: string;
  machine: Machine;
  /** 1-minute load average at the end: other work sharing the cores. */
  loadAtEnd: number;
  profile: EmulatorProfile;
  help: HelpSample[];
  /** What `run` imports, in fresh processes (absent from figures taken before it was measured). */
  imports?: ImportSample[];
  starts: StartSample[];
  runs: RunSample[];
  benchSeconds: number;
}

/** The nearest-rank percentile (p in 0–100). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const of = <T extends { form: CodeForm | 'auto' }>(samples: readonly T[], form: CodeForm | 'auto') =>
  samples.filter((s) => s.form === form);
const mib = (value: number) => value.toFixed(0);
const megabytes = (valueMiB: number) => (valueMiB * 1.048576).toFixed(0);
const verdict = (met: boolean) => (met ? '**met**' : '**missed**');
const forms: readonly CodeForm[] = ['build', 'source'];

/** The reading of median RSS (the lower middle one for an even count): its breakdown is the one shown. */
function medianReading(readings: readonly IdleReading[]): IdleReading | undefined {
  const sorted = [...readings].sort((a, b) => a.rssMiB - b.rssMiB);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function overhead(run: RunSample): number {
  return run.wallMs - run.workflowMs;
}

export function printProductionFormReport(r: ProductionFormReport): void {
  const figures = (form: CodeForm) => ({
    help: of(r.help, form).map((s) => s.wallMs),
    overhead: of(r.runs, form).map(overhead),
    ready: of(r.starts, form).map((s) => s.readyMs),
    rss: of(r.starts, form).map((s) => s.idle.rssMiB),
    settledRss: of(r.starts, form).map((s) => s.settled.rssMiB),
  });
  const idleSeconds = r.starts[0]?.idle.afterSeconds ?? Number.NaN;
  const settledSeconds = r.starts[0]?.settled.afterSeconds ?? Number.NaN;
  const mbMiB = (v: number[]) => `${megabytes(median(v))} (${mib(median(v))})`;
  const build = figures('build');
  const tsx = figures('source');
  const out: string[] = [];
  out.push(`## Production form — ${r.date.slice(0, 10)}`, '');
  out.push(`Machine: ${machineLine(r.machine)}; load average ${r.loadAtEnd} at the end.`);
  out.push(
    `${of(r.help, 'build').length} \`--help\` runs, ${of(r.starts, 'build').length} worker starts and ` +
      `${of(r.runs, 'build').length} \`run\`s per form, the forms alternating; emulator latency ${r.profile.latencyMs} ms, ` +
      `delivery ${r.profile.deliveryDelayMs} ms, no replication lag, no throttling; benchmark took ${Math.round(r.benchSeconds)} s.`,
    '',
  );
  const row = (
    measure: string,
    b: number[],
    t: number[],
    format: (v: number[]) => string,
    target: string,
    met: boolean,
  ) => [measure, format(b), format(t), target, verdict(met)];
  const medianP90 = (v: number[]) => `${seconds(median(v))} (${seconds(percentile(v, 90))})`;
  out.push(
    markdownTable(
      ['measure', formName.build, formName.source, 'target', 'met? (build)'],
      [
        row(
          '`entra-saga --help`, s: median (p90)',
          build.help,
          tsx.help,
          medianP90,
          '≤ 0.25 s',
          median(build.help) <= 250,
        ),
        [
          '… without ENTRA_SAGA_CODE_FORM (the command finds the build current), s',
          medianP90(of(r.help, 'auto').map((s) => s.wallMs)),
          '',
          '(≤ 0.25 s)',
          of(r.help, 'auto').length
            ? `(${median(of(r.help, 'auto').map((s) => s.wallMs)) <= 250 ? 'met' : 'missed'})`
            : '',
        ],
        row(
          '`run` overhead over the workflow, s: median (p90)',
          build.overhead,
          tsx.overhead,
          medianP90,
          '≤ 0.3 s',
          median(build.overhead) <= 300,
        ),
        row(
          'worker start to ready, s: median (p90)',
          build.ready,
          tsx.ready,
          medianP90,
          '≤ 1.5 s',
          median(build.ready) <= 1500,
        ),
        row(
          `idle worker RSS ${idleSeconds} s after ready, MB: median (MiB)`,
          build.rss,
          tsx.rss,
          mbMiB,
          '≤ 150 MB',
          median(build.rss) * 1.048576 <= 150,
        ),
        [
          `… ${settledSeconds} s after ready, MB: median (MiB)`,
          mbMiB(build.settledRss),
          mbMiB(tsx.settledRss),
          '(≤ 150 MB)',
          `(${median(build.settledRss) * 1.048576 <= 150 ? 'under' : 'over'})`,
        ],
      ],
    ),
    '',
  );

  const cpu = (form: CodeForm) => ({
    help: of(r.help, form).map((s) => s.cpuSeconds * 1000),
    ready: of(r.starts, form).map((s) => s.cpuSecondsToReady * 1000),
    run: of(r.runs, form).map((s) => s.cpuSeconds * 1000),
  });
  const cpuBuild = cpu('build');
  const cpuTsx = cpu('source');
  out.push(
    markdownTable(
      ['CPU time, s: median (a measure other work on the machine hardly moves)', formName.build, formName.source],
      [
        ['`entra-saga --help`', seconds(median(cpuBuild.help)), seconds(median(cpuTsx.help))],
        ['… without ENTRA_SAGA_CODE_FORM', seconds(median(of(r.help, 'auto').map((s) => s.cpuSeconds * 1000))), ''],
        ['worker, spawn to ready (all its threads)', seconds(median(cpuBuild.ready)), seconds(median(cpuTsx.ready))],
        ['`entra-saga run` (the CLI process)', seconds(median(cpuBuild.run)), seconds(median(cpuTsx.run))],
      ],
    ),
    '',
  );

  const runRows = forms.map((form) => {
    const runs = of(r.runs, form);
    const o = runs.map(overhead);
    return [
      formName[form],
      seconds(median(runs.map((s) => s.wallMs))),
      seconds(median(runs.map((s) => s.workflowMs))),
      `${seconds(median(o))} (${seconds(Math.min(...o))}–${seconds(Math.max(...o))})`,
      seconds(median(runs.map((s) => s.beforeStartMs))),
      seconds(median(runs.map((s) => s.afterCloseMs))),
    ];
  });
  out.push(
    markdownTable(
      [
        '`run`, medians (s)',
        'CLI spawn to exit',
        'workflow start to close',
        'overhead (fastest–slowest)',
        'spawn → workflow start',
        'workflow close → exit',
      ],
      runRows,
    ),
    '',
  );

  out.push(...overheadBreakdown(r));

  const memoryRows: [string, (m: MemoryBreakdown) => number][] = [
    ['resident (smaps)', (m) => m.rssMiB],
    ['… node executable', (m) => m.nodeBinaryMiB],
    ['… native addons (`*.node`)', (m) => m.addonsMiB],
    ['… other mapped files', (m) => m.otherFilesMiB],
    ['… anonymous', (m) => m.anonymousMiB],
    ['V8 heaps, resident (all threads)', (m) => m.v8HeapMiB],
    ['… main thread', (m) => m.threads.filter((t) => t.mainThread).reduce((sum, t) => sum + t.physicalMiB, 0)],
    [
      '… worker threads (workflows)',
      (m) => m.threads.filter((t) => !t.mainThread).reduce((sum, t) => sum + t.physicalMiB, 0),
    ],
    ['… young generation (all threads)', (m) => m.v8YoungMiB],
    ['V8 heaps, in use (live and not yet collected)', (m) => m.v8UsedMiB],
    ['native (resident − V8 heaps)', (m) => m.nativeMiB],
    ['… anonymous native (malloc, stacks)', (m) => m.nativeAnonymousMiB],
  ];
  const columns = forms.flatMap((form) =>
    (['idle', 'settled'] as const).map((when) => ({
      label: `${formName[form]}, ${when === 'idle' ? idleSeconds : settledSeconds} s`,
      reading: medianReading(of(r.starts, form).map((s) => s[when])),
    })),
  );
  out.push(
    markdownTable(
      ['idle worker of median RSS (MiB)', ...columns.map((c) => c.label)],
      memoryRows.map(([label, value]) => [
        label,
        ...columns.map((c) => (c.reading ? mib(value(c.reading.memory)) : '—')),
      ]),
    ),
    '',
  );
  for (const { label, reading } of columns) {
    if (!reading) continue;
    const m = reading.memory;
    out.push(
      `${label}: V8's heaps are ${mib(m.v8HeapMiB)} of ${mib(m.rssMiB)} MiB (${((m.v8HeapMiB / m.rssMiB) * 100).toFixed(0)} %): ` +
        `${m.v8HeapMiB > m.nativeMiB ? 'the V8 heap dominates' : 'native memory dominates'}.`,
    );
  }
  console.log(out.join('\n'));
}

/** Where `run`'s overhead goes: its phases outside the workflow, and what loading its modules costs. */
function overheadBreakdown(r: ProductionFormReport): string[] {
  const out: string[] = [];
  const phased = (form: CodeForm) => of(r.runs, form).flatMap((s) => (s.phases ? [s.phases] : []));
  const phaseRows: [string, keyof RunPhases][] = [
    ['spawn → the process starts', 'spawnMs'],
    ["node's own start, to the entry module", 'nodeStartMs'],
    ['the CLI: finding its form, loading its modules, parsing, to its first connection', 'loadMs'],
    ['connecting to Temporal, then starting the workflow', 'connectAndStartMs'],
    [
      "workflow close → the 'exit' event: the result reaching the CLI, its last look, printing, closing",
      'closeToExitEventMs',
    ],
    ["the 'exit' event → the process ends", 'exitMs'],
  ];
  if (phased('build').length) {
    out.push(
      markdownTable(
        ['`run` outside the workflow, ms: median', formName.build, formName.source],
        phaseRows.map(([label, key]) => [
          label,
          median(phased('build').map((p) => p[key])).toFixed(0),
          median(phased('source').map((p) => p[key])).toFixed(0),
        ]),
      ),
      '',
    );
  }
  if (r.imports?.length) {
    const imports = r.imports;
    out.push(
      markdownTable(
        [
          "what `run` loads, imported in a fresh process of the build's form: median ms",
          'imports, wall',
          'imports, CPU',
          'process start → imports done',
          'spawn → exit',
        ],
        importSets.map(({ name }) => {
          const ofSet = imports.filter((s) => s.set === name);
          const m = (f: (s: ImportSample) => number) => median(ofSet.map(f)).toFixed(0);
          return [name, m((s) => s.wallMs), m((s) => s.cpuMs), m((s) => s.sinceStartMs), m((s) => s.processMs)];
        }),
      ),
      '',
    );
  }
  return out;
}
