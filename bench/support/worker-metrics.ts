// The worker's Prometheus metrics (ENTRA_SAGA_METRICS_ADDRESS), summed per metric over its labels: the Temporal core
// counts every workflow and activity task the worker took, so two scrapes tell whether waiting runs did any work.

import { fetch } from 'undici';

/** The counters and gauges a waiting-run benchmark reads. */
const workerMetric = {
  /** Workflow tasks the worker polled (sticky and normal queues). */
  workflowTasks: 'temporal_workflow_task_queue_poll_succeed',
  activityTasks: 'temporal_activity_task_received',
  /** Workflows in the worker's cache now (a gauge). */
  cachedWorkflows: 'temporal_sticky_cache_size',
  /** Cached workflows evicted to make room for others. */
  forcedEvictions: 'temporal_sticky_cache_total_forced_eviction',
} as const;

export type WorkerMetrics = Record<keyof typeof workerMetric, number>;

export async function scrapeWorkerMetrics(address: string): Promise<WorkerMetrics> {
  const response = await fetch(`http://${address}/metrics`);
  if (!response.ok) throw new Error(`GET http://${address}/metrics: HTTP ${response.status}`);
  const sums = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match) sums.set(match[1] as string, (sums.get(match[1] as string) ?? 0) + Number(match[2]));
  }
  return Object.fromEntries(
    Object.entries(workerMetric).map(([key, name]) => [key, sums.get(name) ?? 0]),
  ) as WorkerMetrics;
}
