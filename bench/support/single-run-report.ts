// The one-run benchmark's report, per profile: the saga, the oracle and the sequential baseline against the strict
// critical path, with their targets; the cold-worker run apart; Graph calls per run and the model check; and where the
// median saga run's time went along the strict path. Printed as Markdown.

import type { BaselineResult } from '../sequential-baseline.js';
import type { CallCounts, EmulatorStats } from './emulator-control.js';
import type { EmulatorProfile } from './emulator-process.js';
import { type ResourceMarks, type RunTimeline, type StatusReads, type StepTiming, pathTimings } from './history.js';
import type { Machine } from './machine.js';
import { machineLine } from './machine.js';
import { markdownTable, median, ratio, seconds } from './numbers.js';
import type { OracleResult } from './oracle.js';
import { type CriticalPath, type PackageShape, type StepModel, modelledCalls, packageGraphs } from './saga-graph.js';

export interface SagaSample {
  elapsedMs: number;
  counts: CallCounts;
  reads: StatusReads;
  /** The emulator's counts and the run's timeline: kept in the results for the median run only (slimResults). */
  stats?: EmulatorStats;
  timeline?: RunTimeline;
}

export interface BaselineSample extends BaselineResult {
  counts: CallCounts;
}

export interface OracleSample extends Omit<OracleResult, 'calls'> {
  counts: CallCounts;
  /** Kept in the results for the median run only (slimResults). */
  stats?: EmulatorStats;
  calls?: OracleResult['calls'];
}

export interface ProfileReport {
  profile: EmulatorProfile;
  /** The package measured (figures from before packages of several resources: the tutorial's). */
  shape?: PackageShape;
  /** What tells one resource's activities from another's (a package of several). */
  marks?: ResourceMarks;
  date: string;
  /** The machine when this profile started (its load average then, the code measured). */
  machine: Machine;
  /** The strict critical path: the target's bound. */
  strict: CriticalPath;
  /** Release 1.0.0's model (its saga, a latency after every wait), for this release's comparison only (the tutorial). */
  previous?: CriticalPath;
  /** Saga runs between the cold-worker run and the measured ones. */
  warmUps: number;
  /** The worker's first run: it had seen no delivery. */
  cold: SagaSample;
  saga: SagaSample[];
  /** The tutorial's script: none for a package of several resources. */
  baseline: BaselineSample[];
  oracle: OracleSample[];
  benchSeconds: number;
}

export interface SingleRunReport {
  date: string;
  machine: Machine;
  graphWritesPerSecond: number;
  workerLogLevel: string;
  runs: number;
  profiles: ProfileReport[];
}

const sagaTarget = 1.1;
const oracleTarget = 1.03;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

const shapeNames: Record<PackageShape, string> = {
  tutorial: '',
  'three-resources': ' — a group, an app role and a site',
};

function profileName(r: Pick<ProfileReport, 'profile' | 'shape'>): string {
  const p = r.profile;
  return `${p.latencyMs} ms, delivery ${seconds(p.deliveryDelayMs, 1)} s, lag ${seconds(p.consistencyLagMs, 1)} s${shapeNames[r.shape ?? 'tutorial']}`;
}

const graphOf = (r: ProfileReport): readonly StepModel[] => packageGraphs[r.shape ?? 'tutorial'];

/** A ratio, or a dash when the figure was not measured (no baseline for a package of several resources). */
const ratioOr = (value: number, digits = 2) => (Number.isFinite(value) ? ratio(value, digits) : '—');

function describePath(path: CriticalPath, latencyMs: number): string {
  const parts = [`${path.calls} calls × ${latencyMs} ms`];
  if (path.lagWaitMs > 0) parts.push(`${seconds(path.lagWaitMs)} s replication`);
  if (path.deliveryWaitMs > 0) parts.push(`${seconds(path.deliveryWaitMs)} s delivery`);
  return `${parts.join(' + ')} = **${seconds(path.totalMs)} s**: ${path.steps.join(' → ')}`;
}

/** The sample whose wall time is the median (the lower middle one for an even count). */
function medianSample<T extends { elapsedMs: number }>(samples: readonly T[]): T {
  const sorted = [...samples].sort((a, b) => a.elapsedMs - b.elapsedMs);
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

/** Routes where a run's calls differ from the model's. */
function modelCheck(graph: readonly StepModel[], stats: EmulatorStats): string[] {
  const model = modelledCalls(graph);
  const routes = new Set([...model.keys(), ...Object.keys(stats.calls).filter((k) => / \/v1\.0\//.test(k))]);
  const lines: string[] = [];
  for (const route of [...routes].sort()) {
    const expected = model.get(route) ?? 0;
    const measured = stats.calls[route] ?? 0;
    if (expected === measured) continue;
    const statuses = Object.entries(stats.routes[route] ?? {})
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ');
    lines.push(`- \`${route}\`: model ${expected}, measured ${measured} (${statuses})`);
  }
  return lines;
}

/**
 * The figures as written to bench/results/: the emulator's counts, the timeline and the oracle's calls only for the
 * median run of each side (the report reads no other), so that a profile's file stays small.
 */
export function slimResults(r: ProfileReport): ProfileReport {
  const keep = <T extends { elapsedMs: number }>(samples: T[], strip: (s: T) => T) => {
    const mid = medianSample(samples);
    return samples.map((s) => (s === mid ? s : strip(s)));
  };
  return {
    ...r,
    cold: { ...r.cold, stats: undefined, timeline: undefined },
    saga: keep(r.saga, (s) => ({ ...s, stats: undefined, timeline: undefined })),
    oracle: keep(r.oracle, (s) => ({ ...s, stats: undefined, calls: undefined })),
  };
}

/** Reads of each request until it was seen delivered: the add request (with any at clean-up), the removal. */
const readsPerRequest = (s: SagaSample) => Math.max(s.reads.delivery + s.reads.teardownCheck, s.reads.removal);

function breakdown(r: ProfileReport, sample: SagaSample): string[] {
  if (!sample.timeline?.graphCalls.length)
    return ['(no Graph calls in the worker log: run with --worker-log-level DEBUG)'];
  const onPath = r.strict.steps.filter((s) => !s.startsWith('('));
  const model = graphOf(r).filter((s) => onPath.includes(s.name));
  const steps = pathTimings(sample.timeline, model, r.profile.deliveryDelayMs, r.marks);
  const modelCalls = (step: string) => model.find((m) => m.name === step)?.calls.length ?? 0;
  let late = 0;
  const rows = steps.map((s) => {
    const modelMs = r.strict.finishMs[s.step] ?? Number.NaN;
    const lost = s.closedMs - modelMs - late;
    late = s.closedMs - modelMs;
    return [
      s.step,
      seconds(modelMs),
      seconds(s.closedMs),
      Math.round(lost),
      Math.round(s.workflowTaskMs),
      Math.round(s.activityMs),
      s.attempts,
      `${s.graphCalls} (${modelCalls(s.step)})`,
      Math.round(s.inCallsMs),
      Math.round(s.beforeCallsMs),
      Math.round(s.betweenCallsMs),
      Math.round(s.afterCallsMs),
      s.seenLateMs === undefined ? '' : `+${Math.round(s.seenLateMs)}`,
    ];
  });
  const writesAndLookups = steps.filter((s) => s.seenLateMs === undefined);
  const sum = (f: (s: StepTiming) => number) => Math.round(writesAndLookups.reduce((t, s) => t + f(s), 0));
  const endLate = (steps.at(-1)?.closedMs ?? 0) - r.strict.totalMs;
  return [
    markdownTable(
      [
        'step on the strict path',
        'model: done (s)',
        'saga: closed (s)',
        'lost here (ms)',
        'inputs closed → scheduled (ms)',
        'scheduled → closed (ms)',
        'attempts',
        'Graph calls (model)',
        'in Graph calls (ms)',
        'before the first (ms)',
        'between (ms)',
        'after the last (ms)',
        'delivery seen (ms)',
      ],
      rows,
    ),
    '',
    `The run's last step closed ${Math.round(endLate)} ms after the model's; the client had the result ` +
      `${Math.round(sample.elapsedMs - (steps.at(-1)?.closedMs ?? 0))} ms later. On the path, status reads apart: ` +
      `${sum((s) => s.workflowTaskMs)} ms of workflow tasks between steps; in the activities, ` +
      `${sum((s) => s.inCallsMs)} ms in ${sum((s) => s.graphCalls)} Graph calls (the model: ` +
      `${sum((s) => modelCalls(s.step))} calls), ${sum((s) => s.beforeCallsMs)} ms before the first call ` +
      `(dispatch; the coordinator's claim or release), ${sum((s) => s.betweenCallsMs)} ms between calls ` +
      `(the coordinator's "sending" report; visibility waits; retries) and ${sum((s) => s.afterCallsMs)} ms after ` +
      `the last (the coordinator's report). The status reads answered ` +
      `${steps
        .filter((s) => s.seenLateMs !== undefined)
        .map((s) => `${Math.round(s.seenLateMs ?? 0)} ms`)
        .join(' and ')} after their deliveries.`,
  ];
}

function profileSection(r: ProfileReport): string[] {
  const med = <T>(xs: readonly T[], f: (x: T) => number) => median(xs.map(f));
  const wall = (xs: readonly { elapsedMs: number }[]) => med(xs, (x) => x.elapsedMs);
  const range = (xs: readonly { elapsedMs: number }[]) =>
    xs.length
      ? `${seconds(Math.min(...xs.map((x) => x.elapsedMs)))} / ${seconds(Math.max(...xs.map((x) => x.elapsedMs)))}`
      : '—';
  const secondsOr = (ms: number) => (Number.isFinite(ms) ? seconds(ms) : '—');
  const hasBaseline = r.baseline.length > 0;
  const sagaMs = wall(r.saga);
  const oracleMs = wall(r.oracle);
  const baseMs = wall(r.baseline);
  const strictMs = r.strict.totalMs;
  const reads = med(r.saga, readsPerRequest);
  const out: string[] = [];
  out.push(`### ${profileName(r)}`, '');
  out.push(
    `${r.profile.latencyMs} ms per Graph call, delivery ${r.profile.deliveryDelayMs} ms (add and removal), replication ` +
      `lag ${r.profile.consistencyLagMs} ms, throttling at the documented limits. A fresh worker; its first run ` +
      `(cold) and ${r.warmUps} warm-up runs before ${r.saga.length} measured runs of each side; ` +
      `${Math.round(r.benchSeconds)} s, from ${r.date.slice(0, 16).replace('T', ' ')} UTC, load average ` +
      `${r.machine.load1} at the start, code ${r.machine.revision}.`,
    '',
  );
  const perSide = (f: (x: { counts: CallCounts }) => number) => [
    med(r.saga, f),
    med(r.oracle, f),
    hasBaseline ? med(r.baseline, f) : '—',
    '',
  ];
  out.push(
    markdownTable(
      [`per run (median of ${r.saga.length})`, 'saga', 'oracle', 'baseline', 'strict path'],
      [
        ['wall time (s)', seconds(sagaMs), seconds(oracleMs), secondsOr(baseMs), seconds(strictMs)],
        ['fastest / slowest (s)', range(r.saga), range(r.oracle), range(r.baseline), ''],
        ['Graph calls, status reads apart', ...perSide((x) => x.counts.other)],
        [
          'status reads (add request + removal)',
          `${med(r.saga, (s) => s.reads.delivery + s.reads.teardownCheck)} + ${med(r.saga, (s) => s.reads.removal)}`,
          '1 + 1',
          hasBaseline ? `${med(r.baseline, (b) => b.addPolls)} + ${med(r.baseline, (b) => b.removePolls)}` : '—',
          '1 + 1',
        ],
        ['writes', ...perSide((x) => x.counts.writes)],
        ['answers 4xx', ...perSide((x) => x.counts.clientErrors)],
      ],
    ),
    '',
  );
  out.push(
    markdownTable(
      ['ratio (medians)', 'value', 'target', ''],
      [
        [
          'saga / strict path',
          ratio(sagaMs / strictMs),
          `≤ ${sagaTarget.toFixed(2)}`,
          verdict(sagaMs / strictMs <= sagaTarget),
        ],
        [
          'oracle / strict path',
          ratio(oracleMs / strictMs, 3),
          `≤ ${oracleTarget.toFixed(2)}`,
          verdict(oracleMs / strictMs <= oracleTarget),
        ],
        ...(hasBaseline
          ? [
              ['saga / baseline', ratio(sagaMs / baseMs), `≥ ${ratio(strictMs / baseMs)} (strict path / baseline)`, ''],
              ['strict path / baseline', ratio(strictMs / baseMs), '', ''],
            ]
          : [['saga / baseline', '—', "(the tutorial's script has no apps or sites)", '']]),
        ...(r.previous
          ? [
              [
                `saga / release 1.0.0's model (${seconds(r.previous.totalMs)} s; this release only)`,
                ratio(sagaMs / r.previous.totalMs),
                '',
                '',
              ],
            ]
          : []),
        ['status reads per delivered request (saga)', reads, '', ''],
      ],
    ),
    '',
  );
  out.push(
    `Cold worker (its first run, no delivery seen yet: reads planned from Entra's usual 1–8 s; also the first run of ` +
      `the stack): ${seconds(r.cold.elapsedMs)} s, ${ratio(r.cold.elapsedMs / strictMs)} × the strict path, ` +
      `${r.cold.reads.delivery + r.cold.reads.teardownCheck} + ${r.cold.reads.removal} status reads.`,
    '',
  );
  out.push(`Strict critical path: ${describePath(r.strict, r.profile.latencyMs)}.`, '');
  const sample = medianSample(r.saga);
  const sagaDiff = sample.stats ? modelCheck(graphOf(r), sample.stats) : ['(not kept)'];
  const oracleStats = medianSample(r.oracle).stats;
  const oracleDiff = oracleStats ? modelCheck(graphOf(r), oracleStats) : ['(not kept)'];
  out.push(
    sagaDiff.length
      ? `Model check, median saga run (the model counts each call once; probes, retries and extra reads are extra):\n${sagaDiff.join('\n')}`
      : 'Model check: the median saga run made exactly the modelled calls.',
    '',
    oracleDiff.length
      ? `Model check, median oracle run — **it should make exactly the model's calls**:\n${oracleDiff.join('\n')}`
      : "Model check: the median oracle run made exactly the model's calls.",
    '',
    `Median saga run (${seconds(sample.elapsedMs)} s) along the strict path:`,
    '',
    ...breakdown(r, sample),
    '',
  );
  return out;
}

export function printSingleRunReport(r: SingleRunReport): void {
  const out: string[] = [];
  out.push(`## One run — ${r.date.slice(0, 10)}`, '');
  out.push(
    `Machine: ${machineLine(r.machine)}. Worker budget ${r.graphWritesPerSecond} writes/s, worker log level ` +
      `${r.workerLogLevel}. Saga, baseline and oracle in rotating order, ${r.runs} measured runs each per profile.`,
    '',
  );
  const rows = r.profiles.map((p) => {
    const strict = p.strict.totalMs;
    const saga = median(p.saga.map((s) => s.elapsedMs));
    const oracle = median(p.oracle.map((s) => s.elapsedMs));
    const base = median(p.baseline.map((s) => s.elapsedMs));
    return [
      profileName(p),
      seconds(strict),
      seconds(saga),
      `**${ratio(saga / strict)}**`,
      ratio(oracle / strict, 3),
      ratioOr(saga / base),
      ratioOr(strict / base),
      p.previous ? ratio(saga / p.previous.totalMs) : '—',
      median(p.saga.map(readsPerRequest)),
      ratio(p.cold.elapsedMs / strict),
    ];
  });
  out.push(
    markdownTable(
      [
        'profile',
        'strict path (s)',
        'saga (s)',
        'saga / strict',
        'oracle / strict',
        'saga / baseline',
        'strict / baseline',
        "saga / 1.0.0's model",
        'reads per delivery',
        'cold worker / strict',
      ],
      rows,
    ),
    '',
  );
  for (const profile of r.profiles) out.push(...profileSection(profile));
  console.log(out.join('\n'));
}
