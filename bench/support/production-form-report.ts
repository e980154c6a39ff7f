// The Markdown report of bench:production: each target measured in the build form and in today's tsx form, then
// where `run`'s overhead and the idle worker's memory go.

import { type CodeForm, formName } from './code-form-process.js';
import type { EmulatorProfile } from './emulator-process.js';
import { type Machine, machineLine } from './machine.js';
import type { MemoryBreakdown } from './memory-breakdown.js';
import { markdownTable, median, seconds } from './numbers.js';

export interface HelpSample {
  form: CodeForm;
  wallMs: number;
}

export interface StartSample {
  form: CodeForm;
  /** Spawn of bin/entra-saga-worker to its "worker ready" line. */
  readyMs: number;
  /** VmRSS of the worker's node process after it has been ready and idle for the report's idleSeconds. */
  rssMiB: number;
  memory: MemoryBreakdown;
}

export interface RunSample {
  form: CodeForm;
  /** `entra-saga run … --json`, spawn to exit. */
  wallMs: number;
  /** The workflow's own duration: its close time − its start time, as the Temporal server recorded them. */
  workflowMs: number;
  /** The CLI's spawn to the workflow's start (node, imports, connecting, the start call). */
  beforeStartMs: number;
  /** The workflow's close to the CLI's exit (the result reaching the CLI, its last look at the run, printing, exit). */
  afterCloseMs: number;
}

export interface ProductionFormReport {
  date: string;
  machine: Machine;
  profile: EmulatorProfile;
  idleSeconds: number;
  help: HelpSample[];
  starts: StartSample[];
  runs: RunSample[];
  benchSeconds: number;
}

/** The nearest-rank percentile (p in 0–100). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const of = <T extends { form: CodeForm }>(samples: readonly T[], form: CodeForm) =>
  samples.filter((s) => s.form === form);
const mib = (value: number) => value.toFixed(0);
const megabytes = (valueMiB: number) => (valueMiB * 1.048576).toFixed(0);
const verdict = (met: boolean) => (met ? '**met**' : '**missed**');
const forms: readonly CodeForm[] = ['build', 'source'];

/** The sample of median RSS (the lower middle one for an even count): its breakdown is the one shown. */
function medianStart(samples: readonly StartSample[]): StartSample | undefined {
  const sorted = [...samples].sort((a, b) => a.rssMiB - b.rssMiB);
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
    rss: of(r.starts, form).map((s) => s.rssMiB),
  });
  const build = figures('build');
  const tsx = figures('source');
  const out: string[] = [];
  out.push(`## Production form — ${r.date.slice(0, 10)}`, '');
  out.push(`Machine: ${machineLine(r.machine)}.`);
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
          `idle worker RSS after ${r.idleSeconds} s, MB: median (MiB)`,
          build.rss,
          tsx.rss,
          (v) => `${megabytes(median(v))} (${mib(median(v))})`,
          '≤ 150 MB',
          median(build.rss) * 1.048576 <= 150,
        ),
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

  const memoryRows: [string, (m: MemoryBreakdown) => number][] = [
    ['resident (smaps)', (m) => m.rssMiB],
    ['… node executable', (m) => m.nodeBinaryMiB],
    ['… native addons (Temporal core bridge)', (m) => m.addonsMiB],
    ['… other mapped files', (m) => m.otherFilesMiB],
    ['… anonymous', (m) => m.anonymousMiB],
    ['V8 heaps, resident (all threads)', (m) => m.v8HeapMiB],
    ['… main thread', (m) => m.threads.filter((t) => t.mainThread).reduce((sum, t) => sum + t.physicalMiB, 0)],
    [
      '… worker threads (workflows)',
      (m) => m.threads.filter((t) => !t.mainThread).reduce((sum, t) => sum + t.physicalMiB, 0),
    ],
    ['V8 heaps, in use', (m) => m.v8UsedMiB],
    ['native (resident − V8 heaps)', (m) => m.nativeMiB],
    ['… anonymous native (malloc, stacks)', (m) => m.nativeAnonymousMiB],
  ];
  const typical = Object.fromEntries(forms.map((form) => [form, medianStart(of(r.starts, form))?.memory]));
  out.push(
    markdownTable(
      ['idle worker of median RSS (MiB)', formName.build, formName.source],
      memoryRows.map(([label, value]) => [
        label,
        ...forms.map((form) => (typical[form] ? mib(value(typical[form])) : '—')),
      ]),
    ),
    '',
  );
  for (const form of forms) {
    const m = typical[form];
    if (!m) continue;
    out.push(
      `${formName[form]}: V8's heaps are ${mib(m.v8HeapMiB)} of ${mib(m.rssMiB)} MiB (${((m.v8HeapMiB / m.rssMiB) * 100).toFixed(0)} %): ` +
        `${m.v8HeapMiB > m.nativeMiB ? 'the V8 heap dominates' : 'native memory dominates'}.`,
    );
  }
  console.log(out.join('\n'));
}
