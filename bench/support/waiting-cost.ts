// What waiting runs cost while nobody acts: the workflows they keep open, the work the worker does for them, the CPU
// of each process, the events their histories gain and the Graph calls they make, over a quiet period. A holding run
// waits on one timer (its expiry) and a signal, its object coordinators on nothing but messages: all 0. A run waiting
// for people reads Graph on the people schedule (bench/support/people-reads.ts): the window's reads are compared
// with what the schedule expects for the waits it saw, and the schedule gives the cost per day.

import type { Client } from '@temporalio/client';
import { AwaitingSince } from '../../common/search-attributes.js';
import type { EmulatorStats } from './emulator-control.js';
import { expectedReadsInWindow } from './people-reads.js';
import { processCpuSeconds } from './process-cpu.js';
import { type WaitKind, waitingQuery } from './waiting-runs.js';
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

/** Sampled workflows by what they are: a kind of waiting run, or an object coordinator. */
export type SampleKind = WaitKind | 'coordinator';

/** Up to `size` waiting runs of each kind (spread over the start order) and as many coordinators. */
export async function pickSample(
  client: Client,
  runIds: readonly string[],
  kindOf: (i: number) => WaitKind,
  taskQueue: string,
  size: number,
): Promise<Record<string, SampleKind>> {
  const sample: Record<string, SampleKind> = {};
  const kinds = [...new Set(runIds.map((_, i) => kindOf(i)))];
  for (const kind of kinds) {
    const ofKind = runIds.filter((_, i) => kindOf(i) === kind);
    const step = Math.max(1, Math.floor(ofKind.length / size));
    for (const id of ofKind.filter((_, i) => i % step === 0).slice(0, size)) sample[id] = kind;
  }
  const query = `WorkflowType = "sharedObject" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
  let coordinators = 0;
  for await (const execution of client.workflow.list({ query, pageSize: size })) {
    sample[execution.workflowId] = 'coordinator';
    if (++coordinators >= size) break;
  }
  return sample;
}

/** When each run waiting for people began its wait (AwaitingSince), by kind. */
export async function waitStarts(
  client: Client,
  taskQueue: string,
  kinds: readonly WaitKind[],
): Promise<Partial<Record<WaitKind, number[]>>> {
  const starts: Partial<Record<WaitKind, number[]>> = {};
  for (const kind of kinds.filter((k) => k !== 'hold')) {
    const list: number[] = [];
    for await (const run of client.workflow.list({ query: waitingQuery(taskQueue, [kind]), pageSize: 1000 })) {
      const since = run.typedSearchAttributes.get(AwaitingSince);
      if (since) list.push(since.getTime());
    }
    starts[kind] = list;
  }
  return starts;
}

interface HistoryReading {
  events: number;
  bytes: number;
}

export interface WaitingSnapshot {
  atMs: number;
  atEpochMs: number;
  worker: WorkerMetrics;
  cpu: { worker: number; server: number; emulator: number };
  histories: Record<string, HistoryReading>;
}

export interface StackPids {
  worker: number;
  server: number;
  emulator: number;
}

export async function takeWaitingSnapshot(
  client: Client,
  metricsAddress: string,
  pids: StackPids,
  sample: Record<string, SampleKind>,
): Promise<WaitingSnapshot> {
  const histories: Record<string, HistoryReading> = {};
  const ids = Object.keys(sample);
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (id) => {
        const { historyLength, raw } = await client.workflow.getHandle(id).describe();
        histories[id] = { events: historyLength, bytes: Number(raw.workflowExecutionInfo?.historySizeBytes ?? 0) };
      }),
    );
  }
  return {
    atMs: performance.now(),
    atEpochMs: Date.now(),
    worker: await scrapeWorkerMetrics(metricsAddress),
    cpu: {
      worker: processCpuSeconds(pids.worker),
      server: processCpuSeconds(pids.server),
      emulator: processCpuSeconds(pids.emulator),
    },
    histories,
  };
}

/** The Graph routes a waiting run reads: a request's state (AwaitingApproval), the requestor's requests (AwaitingRequest). */
const requestStateRoute = 'GET /v1.0/identityGovernance/entitlementManagement/assignmentRequests/{id}';
const requestListRoute = 'GET /v1.0/identityGovernance/entitlementManagement/assignmentRequests';

interface HistoryGrowth {
  sampled: number;
  /** Mean history length and size at the end of the window. */
  meanEvents: number;
  meanBytes: number;
  /** Events added over the window, summed over the sample. */
  eventsAdded: number;
}

export interface WaitingCost {
  seconds: number;
  waiting: Partial<Record<WaitKind, number>>;
  workflowTasks: number;
  activityTasks: number;
  /** Cached workflows evicted to make room for others: each comes back by replaying its history. */
  forcedEvictions: number;
  cpuSeconds: { worker: number; server: number; emulator: number };
  graphReads: number;
  graphWrites: number;
  /** Reads of a request's state, and lists of the requestor's requests. */
  requestStateReads: number;
  requestListReads: number;
  /** What the people schedule expects in the window, for the waits that began when they did. */
  expectedReads: Partial<Record<WaitKind, number>>;
  histories: Partial<Record<SampleKind, HistoryGrowth>>;
}

/** The cost between two snapshots; `graph` counts the emulator's calls over the same window (cleared at its start). */
export function waitingCost(
  before: WaitingSnapshot,
  after: WaitingSnapshot,
  graph: EmulatorStats,
  sample: Record<string, SampleKind>,
  waiting: Partial<Record<WaitKind, number>>,
  starts: Partial<Record<WaitKind, number[]>>,
): WaitingCost {
  let graphReads = 0;
  let graphWrites = 0;
  for (const [route, n] of Object.entries(graph.calls)) {
    if (!/ \/v1\.0\//.test(route)) continue;
    if (route.startsWith('GET ')) graphReads += n;
    else graphWrites += n;
  }
  const histories: Partial<Record<SampleKind, HistoryGrowth>> = {};
  for (const [id, kind] of Object.entries(sample)) {
    const end = after.histories[id];
    if (!end) continue;
    const growth = (histories[kind] ??= { sampled: 0, meanEvents: 0, meanBytes: 0, eventsAdded: 0 });
    growth.sampled += 1;
    growth.meanEvents += end.events;
    growth.meanBytes += end.bytes;
    growth.eventsAdded += end.events - (before.histories[id]?.events ?? end.events);
  }
  for (const growth of Object.values(histories)) {
    growth.meanEvents /= growth.sampled;
    growth.meanBytes /= growth.sampled;
  }
  const expectedReads: Partial<Record<WaitKind, number>> = {};
  for (const kind of ['approval', 'request'] as const) {
    const list = starts[kind];
    if (list) expectedReads[kind] = expectedReadsInWindow(kind, list, before.atEpochMs, after.atEpochMs);
  }
  return {
    seconds: (after.atMs - before.atMs) / 1000,
    waiting,
    workflowTasks: after.worker.workflowTasks - before.worker.workflowTasks,
    activityTasks: after.worker.activityTasks - before.worker.activityTasks,
    forcedEvictions: after.worker.forcedEvictions - before.worker.forcedEvictions,
    cpuSeconds: {
      worker: after.cpu.worker - before.cpu.worker,
      server: after.cpu.server - before.cpu.server,
      emulator: after.cpu.emulator - before.cpu.emulator,
    },
    graphReads,
    graphWrites,
    requestStateReads: graph.calls[requestStateRoute] ?? 0,
    requestListReads: graph.calls[requestListRoute] ?? 0,
    expectedReads,
    histories,
  };
}
