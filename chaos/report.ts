// The chaos run's report: how every run ended, what was left behind or created twice, and what Graph went through.

import type { ObjectRecord } from '../common/provisioning.js';

export interface ChaosReport {
  runs: number;
  completed: number;
  compensated: number;
  failed: number;
  cancelled: number;
  /** Runs not in a terminal state when the deadline passed. */
  stuck: number;
  /** Objects in the directory at the end that were not there at the start (every run cleans up). */
  leaked: number;
  /** Objects created by Graph (201s) beyond the ones the runs say they created: creations nobody owns. */
  duplicated: number;
  workerKills: number;
  serverRestarts: number;
  graphCalls: number;
  graphStatusPolls: number;
  injectedFaults: number;
  throttled: number;
  durationSeconds: number;
  failures: string[];
}

/** The object kinds a run creates with a POST that answers 201, keyed by the emulator's route template. */
export const creationRoutes: Record<string, ObjectRecord['kind']> = {
  'POST /v1.0/users': 'user',
  'POST /v1.0/groups': 'group',
  'POST /v1.0/identityGovernance/entitlementManagement/accessPackages': 'accessPackage',
  'POST /v1.0/identityGovernance/entitlementManagement/accessPackages/{id}/resourceRoleScopes': 'roleScope',
  'POST /v1.0/identityGovernance/entitlementManagement/assignmentPolicies': 'assignmentPolicy',
};

/** Creations Graph answered 201 to, minus the creations the runs own up to. */
export function duplicatedCreations(routes: Record<string, Record<string, number>>, owned: ObjectRecord[]): number {
  let extra = 0;
  for (const [route, kind] of Object.entries(creationRoutes)) {
    const made = routes[route]?.['201'] ?? 0;
    const claimed = owned.filter((o) => o.kind === kind && o.created).length;
    extra += Math.max(0, made - claimed);
  }
  return extra;
}

export function formatReport(report: ChaosReport): string {
  const lines = [
    `chaos run: ${report.runs} runs in ${report.durationSeconds} s — ${report.workerKills} worker SIGKILLs, ${report.serverRestarts} Temporal restart(s)`,
    `  completed ${report.completed} · compensated ${report.compensated} · failed ${report.failed} · cancelled ${report.cancelled} · stuck ${report.stuck}`,
    `  objects leaked ${report.leaked} · duplicated ${report.duplicated}`,
    `  Graph calls ${report.graphCalls} (status polls ${report.graphStatusPolls}) · injected faults ${report.injectedFaults} · throttled ${report.throttled}`,
  ];
  for (const failure of report.failures.slice(0, 10)) lines.push(`  failure: ${failure}`);
  return lines.join('\n');
}
