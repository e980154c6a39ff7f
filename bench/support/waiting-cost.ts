// What waiting runs cost while nothing happens: the workflows they keep open, the work the worker does for them, the
// events their histories gain and the Graph calls they make, over a quiet period, scaled to a day per waiting run.
// A holding run waits on one timer (its expiry) and a signal; its object coordinators wait on nothing but messages.
// So all of these should be 0; the window only bounds how close to 0 they were measured.

import type { Client } from '@temporalio/client';
import type { CallCounts } from './emulator-control.js';
import { type WorkerMetrics, scrapeWorkerMetrics } from './worker-metrics.js';

export interface OpenWorkflows {
  runs: number;
  coordinators: number;
}

export async function countOpenWorkflows(client: Client, taskQueue: string): Promise<OpenWorkflows> {
  const open = (type: string) =>
    client.workflow
      .count(`WorkflowType = "${type}" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`)
      .then((c) => c.count);
  const [runs, coordinators] = await Promise.all([open('provisionAccessPackage'), open('sharedObject')]);
  return { runs, coordinators };
}

/** Some waiting runs and coordinators, whose history lengths are compared across the quiet period. */
export async function pickSample(client: Client, runIds: readonly string[], taskQueue: string, size: number) {
  const step = Math.max(1, Math.floor(runIds.length / size));
  const runs = runIds.filter((_, i) => i % step === 0).slice(0, size);
  const coordinators: string[] = [];
  const query = `WorkflowType = "sharedObject" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
  for await (const execution of client.workflow.list({ query, pageSize: size })) {
    coordinators.push(execution.workflowId);
    if (coordinators.length >= size) break;
  }
  return [...runs, ...coordinators];
}

export interface WaitingSnapshot {
  atMs: number;
  worker: WorkerMetrics;
  /** History length of each sampled workflow. */
  histories: Record<string, number>;
}

export async function takeWaitingSnapshot(
  client: Client,
  metricsAddress: string,
  sample: readonly string[],
): Promise<WaitingSnapshot> {
  const histories: Record<string, number> = {};
  for (let i = 0; i < sample.length; i += 20) {
    await Promise.all(
      sample.slice(i, i + 20).map(async (id) => {
        histories[id] = (await client.workflow.getHandle(id).describe()).historyLength;
      }),
    );
  }
  return { atMs: performance.now(), worker: await scrapeWorkerMetrics(metricsAddress), histories };
}

export interface WaitingCost {
  seconds: number;
  waitingRuns: number;
  workflowTasks: number;
  activityTasks: number;
  sampledWorkflows: number;
  /** Events added to the sampled histories. */
  historyEvents: number;
  graphReads: number;
  graphWrites: number;
  readsPerRunPerDay: number;
  writesPerRunPerDay: number;
  /** One call in the whole window, per waiting run per day: the smallest non-zero rate the window can show. */
  resolutionPerRunPerDay: number;
}

const daySeconds = 86_400;

/** The cost between two snapshots; `graph` counts the emulator's calls over the same window (stats cleared at its start). */
export function waitingCost(
  before: WaitingSnapshot,
  after: WaitingSnapshot,
  graph: CallCounts,
  waitingRuns: number,
): WaitingCost {
  const seconds = (after.atMs - before.atMs) / 1000;
  const perRunPerDay = (n: number) => (n / waitingRuns) * (daySeconds / seconds);
  const sampled = Object.keys(before.histories);
  return {
    seconds,
    waitingRuns,
    workflowTasks: after.worker.workflowTasks - before.worker.workflowTasks,
    activityTasks: after.worker.activityTasks - before.worker.activityTasks,
    sampledWorkflows: sampled.length,
    historyEvents: sampled.reduce((sum, id) => sum + ((after.histories[id] ?? 0) - (before.histories[id] ?? 0)), 0),
    graphReads: graph.reads,
    graphWrites: graph.writes,
    readsPerRunPerDay: perRunPerDay(graph.reads),
    writesPerRunPerDay: perRunPerDay(graph.writes),
    resolutionPerRunPerDay: perRunPerDay(1),
  };
}
