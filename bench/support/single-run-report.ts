// The one-run benchmark's report: medians, ratios against the baseline and the critical path with their targets,
// Graph calls per run, the model check, and where the median saga run spent its time. Printed as Markdown.

import type { BaselineResult } from '../sequential-baseline.js';
import type { CallCounts, EmulatorStats } from './emulator-control.js';
import type { EmulatorProfile } from './emulator-process.js';
import type { RunTimeline, StatusReads } from './history.js';
import type { Machine } from './machine.js';
import { machineLine } from './machine.js';
import { markdownTable, median, ratio, seconds } from './numbers.js';
import { type CriticalPath, modelledCalls, sagaGraph } from './saga-graph.js';

export interface SagaSample {
  elapsedMs: number;
  counts: CallCounts;
  stats: EmulatorStats;
  reads: StatusReads;
  timeline: RunTimeline;
}

export interface BaselineSample extends BaselineResult {
  counts: CallCounts;
}

export interface SingleRunReport {
  date: string;
  machine: Machine;
  profile: EmulatorProfile;
  graphWritesPerSecond: number;
  /** Call latencies, replication lag and delivery along the graph: the target's critical path. */
  critical: CriticalPath;
  /** Call latencies and delivery only: shorter than any run at a profile with replication lag. */
  criticalWithoutLag: CriticalPath;
  saga: SagaSample[];
  baseline: BaselineSample[];
  benchSeconds: number;
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

function describePath(path: CriticalPath, latencyMs: number, deliveryMs: number): string {
  const parts = [`${path.calls} calls × ${latencyMs} ms`, `${path.deliveryWaits} × ${deliveryMs} ms delivery`];
  if (path.lagWaitMs > 0) parts.push(`${seconds(path.lagWaitMs)} s replication`);
  return `${parts.join(' + ')} = **${seconds(path.totalMs)} s**: ${path.steps.join(' → ')}`;
}

/** The sample whose wall time is the median (the lower middle one for an even count). */
function medianSample<T extends { elapsedMs: number }>(samples: readonly T[]): T {
  const sorted = [...samples].sort((a, b) => a.elapsedMs - b.elapsedMs);
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

function modelCheck(sample: SagaSample): string[] {
  const model = modelledCalls(sagaGraph);
  const routes = new Set([...model.keys(), ...Object.keys(sample.stats.calls).filter((k) => / \/v1\.0\//.test(k))]);
  const lines: string[] = [];
  for (const route of [...routes].sort()) {
    const expected = model.get(route) ?? 0;
    const measured = sample.stats.calls[route] ?? 0;
    if (expected === measured) continue;
    const statuses = Object.entries(sample.stats.routes[route] ?? {})
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ');
    lines.push(`- \`${route}\`: model ${expected}, measured ${measured} (${statuses})`);
  }
  return lines;
}

function timelineTable(sample: SagaSample): string {
  const rows = [...sample.timeline.activities]
    .sort((a, b) => a.scheduledMs - b.scheduledMs)
    .map((a) => [a.type, seconds(a.scheduledMs), seconds(a.closedMs - a.scheduledMs), a.attempt, a.ok ? '' : 'failed']);
  return markdownTable(['activity', 'scheduled at (s)', 'scheduled → closed (s)', 'attempts', ''], rows);
}

export function printSingleRunReport(r: SingleRunReport): void {
  const sagaMs = median(r.saga.map((s) => s.elapsedMs));
  const baseMs = median(r.baseline.map((b) => b.elapsedMs));
  const med = <T>(xs: readonly T[], f: (x: T) => number) => median(xs.map(f));
  const sagaPollsPerRequest = Math.max(
    med(r.saga, (s) => s.reads.delivery + s.reads.teardownCheck),
    med(r.saga, (s) => s.reads.removal),
  );
  const out: string[] = [];
  out.push(`## One run — ${r.date.slice(0, 10)}`, '');
  out.push(`Machine: ${machineLine(r.machine)}.`);
  out.push(
    `Profile: ${r.profile.latencyMs} ms per Graph call, delivery ${r.profile.deliveryDelayMs} ms (add and removal), ` +
      `replication lag ${r.profile.consistencyLagMs} ms, throttling at the documented limits; worker budget ${r.graphWritesPerSecond} writes/s. ` +
      `${r.saga.length} runs of each side, alternating, after one warm-up each; benchmark took ${Math.round(r.benchSeconds)} s.`,
    '',
  );
  out.push(
    markdownTable(
      ['per run (median)', 'saga', 'baseline'],
      [
        ['wall time (s)', seconds(sagaMs), seconds(baseMs)],
        [
          'fastest / slowest (s)',
          `${seconds(Math.min(...r.saga.map((s) => s.elapsedMs)))} / ${seconds(Math.max(...r.saga.map((s) => s.elapsedMs)))}`,
          `${seconds(Math.min(...r.baseline.map((s) => s.elapsedMs)))} / ${seconds(Math.max(...r.baseline.map((s) => s.elapsedMs)))}`,
        ],
        ['Graph calls, status polls apart', med(r.saga, (s) => s.counts.other), med(r.baseline, (b) => b.counts.other)],
        ['status polls', med(r.saga, (s) => s.counts.statusPolls), med(r.baseline, (b) => b.counts.statusPolls)],
        [
          '… reading the add request',
          `${med(r.saga, (s) => s.reads.delivery)} + ${med(r.saga, (s) => s.reads.teardownCheck)} at clean-up`,
          med(r.baseline, (b) => b.addPolls),
        ],
        ['… reading the removal request', med(r.saga, (s) => s.reads.removal), med(r.baseline, (b) => b.removePolls)],
        ['writes', med(r.saga, (s) => s.counts.writes), med(r.baseline, (b) => b.counts.writes)],
        [
          'answers 4xx (lookups of what is not there yet, replication lag)',
          med(r.saga, (s) => s.counts.clientErrors),
          med(r.baseline, (b) => b.counts.clientErrors),
        ],
      ],
    ),
    '',
  );
  const vsBaseline = sagaMs / baseMs;
  const vsCritical = sagaMs / r.critical.totalMs;
  out.push(
    markdownTable(
      ['ratio (medians)', 'value', 'target', ''],
      [
        ['saga / baseline', ratio(vsBaseline), '≤ 0.80', verdict(vsBaseline <= 0.8)],
        ['saga / critical path', ratio(vsCritical), '≤ 1.20', verdict(vsCritical <= 1.2)],
        [
          'saga / critical path without replication lag (calls and delivery only)',
          ratio(sagaMs / r.criticalWithoutLag.totalMs),
          '—',
          '',
        ],
        ['status polls per delivered request', sagaPollsPerRequest, '≤ 3', verdict(sagaPollsPerRequest <= 3)],
      ],
    ),
    '',
  );
  out.push(`Critical path: ${describePath(r.critical, r.profile.latencyMs, r.profile.deliveryDelayMs)}.`, '');
  out.push(
    `Without replication lag: ${describePath(r.criticalWithoutLag, r.profile.latencyMs, r.profile.deliveryDelayMs)}.`,
    '',
  );
  const typical = medianSample(r.saga);
  const differences = modelCheck(typical);
  out.push(
    differences.length
      ? `Model check (median saga run; the model counts each call once, retries are extra):\n${differences.join('\n')}`
      : 'Model check: the median saga run made exactly the modelled calls.',
    '',
  );
  const timerMs = typical.timeline.timers.reduce((sum, t) => sum + (t.firedMs - t.startedMs), 0);
  out.push(
    `Median saga run: ${seconds(typical.elapsedMs)} s at the client, ${seconds(typical.timeline.durationMs)} s in the history; ` +
      `${typical.timeline.activities.length} activity executions, ${typical.timeline.timers.length} timers (${seconds(timerMs)} s of waiting in them).`,
    '',
    timelineTable(typical),
  );
  console.log(out.join('\n'));
}
