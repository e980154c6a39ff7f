// The chaos run's report: the conditions it ran under, how every run ended, what was left behind or held twice, and
// what Graph went through.

import { type FaultRates, faultKinds, faultScope } from './faults.js';

interface ChaosConditions {
  /** Replication lag of new objects. */
  lagMs: number;
  /** How late the late writes land or are answered. */
  lateMs: number;
  /** Runs per share group (one group and one access package between them). */
  share: number;
  rates: FaultRates;
  seed: number;
}

export interface ChaosReport {
  conditions: ChaosConditions;
  runs: number;
  completed: number;
  compensated: number;
  failed: number;
  cancelled: number;
  /** Runs (or the teardowns of kept runs) not in a terminal state when the deadline passed. */
  stuck: number;
  /** Object coordinators still open after the runs ended (chaos/runs.ts, coordinatorsLeftOpen). */
  openCoordinators: string[];
  /** Objects in the directory at the end, faults cleared, that were not there at the start (every run cleans up). */
  leaked: number;
  /** `kind/id` of each object leaked. */
  leakedObjects: string[];
  /** Keys (a UPN, a mailNickname, a package name in a catalog…) ever held by two live objects at once. */
  duplicated: number;
  /** Each duplicated key with every object seen holding it. */
  duplicatedKeys: { key: string; objects: string[] }[];
  /** Directory snapshots taken while runs were in flight. */
  samples: number;
  workerKills: number;
  /** Temporal disruptions played (restarts, kills of a service, PostgreSQL restarts). */
  serverRestarts: number;
  /** What each of them was, in order. */
  disruptions: string[];
  graphCalls: number;
  graphStatusPolls: number;
  /** How many calls each kind of fault fired on. */
  faultsFired: FaultRates;
  throttled: number;
  durationSeconds: number;
  /** Where the run's state was left (ChaosOptions.keepState). */
  stateDir?: string;
  /** Runs that failed, were cancelled or are stuck, with why. */
  failures: string[];
}

/**
 * The chaos run passes when every run ended rolled forward or back, with nothing leaked, held twice or stuck — no run,
 * and no object coordinator that a later run would wait on forever.
 */
export function chaosPassed(report: ChaosReport): boolean {
  const settled = report.completed + report.compensated === report.runs;
  return settled && !report.stuck && !report.leaked && !report.duplicated && !report.openCoordinators.length;
}

const percent = (rate: number) => `${+(rate * 100).toFixed(2)} %`;

export function formatReport(report: ChaosReport): string {
  const { conditions: c } = report;
  const rates = (writesOnly: boolean) =>
    faultKinds
      .filter((kind) => faultScope(kind).writesOnly === writesOnly)
      .map((kind) => `${faultScope(kind).label} ${percent(c.rates[kind])}`)
      .join(' · ');
  const fired = faultKinds.map((kind) => `${faultScope(kind).label} ${report.faultsFired[kind]}`);
  const lines = [
    `chaos run: ${report.runs} runs in ${report.durationSeconds} s (seed ${c.seed}) — ${report.workerKills} worker SIGKILLs, ${report.serverRestarts} Temporal restart(s)`,
    ...(report.disruptions.length > 1 ? [`  Temporal: ${report.disruptions.join(' · ')}`] : []),
    `  conditions: replication lag ${c.lagMs} ms · runs share a group and a package ${c.share} at a time, started together`,
    `  Graph faults per call: ${rates(false)}; per write (POST, DELETE): ${rates(true)}; late = ${c.lateMs / 1000} s`,
    `  completed ${report.completed} · compensated ${report.compensated} · failed ${report.failed} · cancelled ${report.cancelled} · stuck ${report.stuck}`,
    `  objects leaked ${report.leaked} · duplicated ${report.duplicated} (${report.samples} snapshots while runs were in flight) · object coordinators left open ${report.openCoordinators.length}`,
    `  faults fired: ${fired.join(' · ')}`,
    `  Graph calls ${report.graphCalls} (status polls ${report.graphStatusPolls}) · throttled by the emulator ${report.throttled}`,
  ];
  for (const id of report.leakedObjects.slice(0, 10)) lines.push(`  leaked: ${id}`);
  for (const { key, objects } of report.duplicatedKeys.slice(0, 10))
    lines.push(`  duplicated: ${key} — ${objects.join(', ')}`);
  for (const id of report.openCoordinators.slice(0, 10)) lines.push(`  open coordinator: ${id}`);
  for (const failure of report.failures.slice(0, 10)) lines.push(`  failure: ${failure}`);
  if (report.stateDir) lines.push(`  state kept in ${report.stateDir}`);
  return lines.join('\n');
}
