// The readings the benchmarks take from the Graph emulator's call statistics.

import type { StatsSnapshot } from '../../emulator/server/stats.js';

/** GET /_emulator/stats. `calls` is keyed "METHOD route-template", e.g. "GET /v1.0/users/{id}". */
export type EmulatorStats = StatsSnapshot;

/** The route of an assignment request's status: what the saga and the baseline poll. */
const statusPollRoute = 'GET /v1.0/identityGovernance/entitlementManagement/assignmentRequests/{id}';

const isGraphRoute = (key: string) => / \/v1\.0\//.test(key);
const isWrite = (key: string) => isGraphRoute(key) && !key.startsWith('GET ');

/** Graph calls in a stats reading, split the way the reports show them. Token requests are not Graph calls. */
export interface CallCounts {
  /** Every Graph call, status polls included. */
  graph: number;
  statusPolls: number;
  /** Graph calls other than status polls. */
  other: number;
  /** POST, PATCH, PUT and DELETE calls that Graph charged to the write budget (429s are not charged). */
  writes: number;
  reads: number;
  throttled: number;
  /** Graph calls answered 4xx other than 429 (replication-lag 404s and the like). */
  clientErrors: number;
}

export function countCalls(stats: EmulatorStats): CallCounts {
  let graph = 0;
  let writes = 0;
  let clientErrors = 0;
  for (const [route, byStatus] of Object.entries(stats.routes)) {
    if (!isGraphRoute(route)) continue;
    for (const [status, n] of Object.entries(byStatus)) {
      graph += n;
      if (isWrite(route) && status !== '429') writes += n;
      if (status.startsWith('4') && status !== '429') clientErrors += n;
    }
  }
  const statusPolls = stats.calls[statusPollRoute] ?? 0;
  return {
    graph,
    statusPolls,
    other: graph - statusPolls,
    writes,
    reads: Object.entries(stats.calls)
      .filter(([k]) => isGraphRoute(k) && k.startsWith('GET '))
      .reduce((s, [, n]) => s + n, 0),
    throttled: stats.throttled,
    clientErrors,
  };
}
