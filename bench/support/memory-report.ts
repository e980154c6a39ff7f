// The Markdown report of bench:memory: the resident memory of the worker, the dev server and the emulator, where the
// worker's memory is at steady state, what provisioning the runs cost, the workflows left open, what the waiting runs
// cost while nobody acts, and the reads of the people schedule per day.

import type { CallCounts } from './emulator-control.js';
import { type Machine, machineLine } from './machine.js';
import type { MemoryBreakdown } from './memory-breakdown.js';
import { markdownTable } from './numbers.js';
import { peopleReadsPerDay } from './people-reads.js';
import type { ProcessMemory } from './process-memory.js';
import type { OpenWorkflows, WaitingCost } from './waiting-cost.js';
import { type WaitKind, waitStage } from './waiting-runs.js';

export interface Reading extends ProcessMemory {
  atSeconds: number;
  waiting: number;
  /** The Temporal dev server's VmRSS. */
  serverRssMiB: number;
  emulatorRssMiB: number;
}

export interface MemoryResult {
  machine: Machine;
  loadAtEnd: number;
  runs: number;
  cleanup: string;
  waits: WaitKind[];
  packages: number;
  /** The worker's settings, as the report names them. */
  worker: string;
  provisioningInFlight: number;
  deliveryDelayMs: number;
  latencyMs: number;
  graphWritesPerSecond: number;
  temporalDb: 'memory' | 'file';
  waiting: number;
  ended: number;
  provisionSeconds: number;
  idleSeconds: number;
  settleSeconds: number;
  idle: Reading;
  /** The highest readings before the quiet period. */
  peak: { workerMiB: number; serverMiB: number; emulatorMiB: number };
  quiet: { afterSeconds: number; reading: Reading }[];
  /** The last quiet reading: the steady state. */
  held: Reading;
  /** The worker's memory at the end of the quiet period, by what holds it. */
  heldBreakdown: MemoryBreakdown;
  perRunKiB: number;
  /** CPU seconds each process used while the runs were provisioned. */
  provisioningCpuSeconds: { worker: number; server: number; emulator: number };
  provisioningCalls: CallCounts;
  open: OpenWorkflows;
  cachedWorkflows: number;
  /** Temporal's SQLite file with its WAL, when the state is in a file. */
  sqliteBytes?: number;
  cost: WaitingCost;
}

const DAY_S = 86_400;
const mib = (n: number) => n.toFixed(0);
/** The target is in MB (10^6 bytes); /proc reports KiB. */
const megabytes = (miB: number) => (miB * 1024 * 1024) / 1e6;
const rate = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toExponential(1) : n < 10 ? n.toFixed(2) : n.toFixed(0));
const kindNames: Record<WaitKind, string> = {
  hold: 'holding',
  approval: 'awaiting approval',
  request: "awaiting the requestor's request",
};

function memoryTable(r: MemoryResult): string {
  const row = (label: string, x: Pick<Reading, 'rssMiB' | 'serverRssMiB' | 'emulatorRssMiB'>) => [
    label,
    mib(x.rssMiB),
    mib(x.serverRssMiB),
    mib(x.emulatorRssMiB),
  ];
  return markdownTable(
    ['VmRSS (MiB)', 'worker', 'dev server', 'Graph emulator'],
    [
      row(`idle (ready, no runs; after ${r.idleSeconds} s quiet)`, r.idle),
      row('highest reading while provisioning', {
        rssMiB: r.peak.workerMiB,
        serverRssMiB: r.peak.serverMiB,
        emulatorRssMiB: r.peak.emulatorMiB,
      }),
      ...r.quiet
        .filter((q) => [15, 30, 60, 120, 300].includes(q.afterSeconds) || q === r.quiet.at(-1))
        .map((q) => row(`${r.waiting} runs waiting: ${q.afterSeconds} s quiet`, q.reading)),
      ['worker peak (VmHWM, includes start-up)', mib(r.held.peakRssMiB), '', ''],
      [
        'per run (KiB): (steady state − idle) / runs',
        mib(r.perRunKiB),
        mib(((r.held.serverRssMiB - r.idle.serverRssMiB) * 1024) / r.runs),
        mib(((r.held.emulatorRssMiB - r.idle.emulatorRssMiB) * 1024) / r.runs),
      ],
    ],
  );
}

function breakdownTable(m: MemoryBreakdown): string {
  const main = m.threads.filter((t) => t.mainThread).reduce((s, t) => s + t.physicalMiB, 0);
  const workflows = m.threads.filter((t) => !t.mainThread).reduce((s, t) => s + t.physicalMiB, 0);
  return markdownTable(
    ['worker at steady state (MiB)', ''],
    [
      ['resident (smaps)', mib(m.rssMiB)],
      ['V8 heaps, resident: main thread', mib(main)],
      ['V8 heaps, resident: workflow threads', mib(workflows)],
      ['V8 heaps, in use (all threads)', mib(m.v8UsedMiB)],
      [
        'native: node binary, addons (the Temporal core) and other files mapped',
        mib(m.nodeBinaryMiB + m.addonsMiB + m.otherFilesMiB),
      ],
      ['native: anonymous (malloc — Node and the Rust core — and stacks)', mib(m.nativeAnonymousMiB)],
    ],
  );
}

function provisioningTable(r: MemoryResult): string {
  const calls = r.provisioningCalls;
  const cpu = r.provisioningCpuSeconds;
  const busy = (s: number) => `${s.toFixed(0)} s (${((s / r.provisionSeconds) * 100).toFixed(0)} % of a core)`;
  return markdownTable(
    ['provisioning', ''],
    [
      ['runs reaching their wait per second', (r.waiting / r.provisionSeconds).toFixed(2)],
      [
        'Graph calls per run: writes + reads',
        `${(calls.writes / r.runs).toFixed(1)} + ${(calls.reads / r.runs).toFixed(1)}`,
      ],
      ['CPU: worker', busy(cpu.worker)],
      ['CPU: dev server', busy(cpu.server)],
      ['CPU: Graph emulator', busy(cpu.emulator)],
      ['CPU per run: worker + dev server (ms)', ((1000 * (cpu.worker + cpu.server)) / r.runs).toFixed(0)],
      ...(r.sqliteBytes === undefined
        ? []
        : [
            [
              "dev server's SQLite file (with its WAL) at the end",
              `${(r.sqliteBytes / 2 ** 20).toFixed(0)} MiB (${(r.sqliteBytes / r.runs / 1024).toFixed(1)} KiB per run)`,
            ],
          ]),
    ],
  );
}

function costTable(r: MemoryResult): string {
  const c = r.cost;
  const waiting = Object.values(c.waiting).reduce((s, n) => s + (n ?? 0), 0) || r.waiting;
  const perDay = (n: number) => rate((n / waiting) * (DAY_S / c.seconds));
  const core = (s: number) => `${s.toFixed(1)} s (${((s / c.seconds) * 100).toFixed(1)} % of a core)`;
  const expected = Object.entries(c.expectedReads)
    .map(([kind, n]) => `${n} (${kindNames[kind as WaitKind]})`)
    .join(' + ');
  const rows: (string | number)[][] = [
    ['open workflows: runs + object coordinators', `${r.open.runs} + ${r.open.coordinators}`, ''],
    ['workflows in the worker cache at the end', String(r.cachedWorkflows), ''],
    ['workflow tasks the worker took', String(c.workflowTasks), perDay(c.workflowTasks)],
    ['activity tasks the worker took', String(c.activityTasks), perDay(c.activityTasks)],
    ['cached workflows evicted for others (each comes back by replay)', String(c.forcedEvictions), ''],
    ['CPU: worker', core(c.cpuSeconds.worker), ''],
    ['CPU: dev server', core(c.cpuSeconds.server), ''],
    ['CPU: Graph emulator', core(c.cpuSeconds.emulator), ''],
    ['Graph reads', String(c.graphReads), perDay(c.graphReads)],
    ["… of a request's state (AwaitingApproval)", String(c.requestStateReads), ''],
    ["… of the requestor's requests (AwaitingRequest)", String(c.requestListReads), ''],
    ...(expected ? [['… the people schedule expects, for the waits as they began', expected, '']] : []),
    ['Graph writes', String(c.graphWrites), perDay(c.graphWrites)],
    ['(one call in the window would be)', '1', perDay(1)],
  ];
  for (const [kind, h] of Object.entries(c.histories)) {
    rows.push([
      `history of a ${kind === 'coordinator' ? 'coordinator' : `run ${kindNames[kind as WaitKind]}`} (${h.sampled} sampled): events added in the window; mean length, size at the end`,
      `${h.eventsAdded}; ${h.meanEvents.toFixed(0)} events, ${(h.meanBytes / 1024).toFixed(1)} KiB`,
      '',
    ]);
  }
  return markdownTable(
    [
      `while ${Object.entries(c.waiting)
        .map(([k, n]) => `${n} ${kindNames[k as WaitKind]}`)
        .join(', ')} wait (${c.seconds.toFixed(0)} s quiet)`,
      'count',
      "per waiting run per day, at the window's rate",
    ],
    rows,
  );
}

/** What one read of a wait for people costs, from the window: tasks, CPU and history events. */
interface ReadCost {
  workflowTasks: number;
  workerCpuMs: number;
  serverCpuMs: number;
  historyEvents: number;
}

function readCost(r: MemoryResult): ReadCost | undefined {
  const c = r.cost;
  const reads = c.requestStateReads + c.requestListReads;
  if (!reads) return undefined;
  // The sampled runs waiting for people gained events for their share of the window's reads.
  let events = 0;
  let share = 0;
  for (const kind of ['approval', 'request'] as const) {
    const h = c.histories[kind];
    const waiting = c.waiting[kind];
    if (!h || !waiting) continue;
    events += h.eventsAdded;
    share += (h.sampled / waiting) * (kind === 'approval' ? c.requestStateReads : c.requestListReads);
  }
  return {
    workflowTasks: c.workflowTasks / reads,
    workerCpuMs: (1000 * c.cpuSeconds.worker) / reads,
    serverCpuMs: (1000 * c.cpuSeconds.server) / reads,
    historyEvents: share > 0 ? events / share : Number.NaN,
  };
}

/** The reads a wait for people makes per day, from the workflow's schedule, and what 10,000 such waits add up to. */
function scheduleTable(r: MemoryResult): string | undefined {
  const people = r.waits.filter((k): k is Exclude<WaitKind, 'hold'> => k !== 'hold');
  if (!people.length) return undefined;
  const cost = readCost(r);
  const lines: string[] = [];
  if (cost) {
    lines.push(
      `One read of a wait for people, as measured in the window (${r.cost.forcedEvictions} cache evictions in it): ` +
        `${cost.workflowTasks.toFixed(1)} workflow tasks, ${cost.workerCpuMs.toFixed(0)} ms of worker CPU and ` +
        `${cost.serverCpuMs.toFixed(0)} ms of dev-server CPU, ${cost.historyEvents.toFixed(1)} history events.`,
      '',
    );
  }
  const scale = 10_000;
  lines.push(
    markdownTable(
      [
        'the people schedule (workflows/people.ts)',
        'reads, first day',
        'reads per day after',
        `${scale} such waits: reads/s`,
        '… worker CPU (at the cost above)',
        '… dev-server CPU',
        'history events per day',
      ],
      people.map((kind) => {
        const days = peopleReadsPerDay(kind, kind === 'request' ? 7 : 14);
        const steady = Math.max(...days.slice(1));
        const perSecond = (scale * steady) / DAY_S;
        const core = (ms: number) => `${((perSecond * ms) / 10).toFixed(0)} % of a core`;
        return [
          `one run ${kindNames[kind]}`,
          days[0] ?? 0,
          steady,
          perSecond.toFixed(2),
          cost ? core(cost.workerCpuMs) : '',
          cost ? core(cost.serverCpuMs) : '',
          cost ? (steady * cost.historyEvents).toFixed(0) : '',
        ];
      }),
    ),
  );
  return lines.join('\n');
}

export function memoryReport(r: MemoryResult): string {
  const shared =
    r.packages < r.runs
      ? `${r.runs / r.packages} runs per group and access package (${r.packages})`
      : 'every run its own group and access package';
  const waits = r.waits.map((k) => `${kindNames[k]} (${waitStage[k]})`).join(', ');
  const out: string[] = [`## Memory — ${new Date().toISOString().slice(0, 10)}`, ''];
  out.push(`Machine: ${machineLine(r.machine)}; load average ${r.loadAtEnd} at the end.`);
  out.push(
    `${r.runs} runs with cleanup "${r.cleanup}"${r.cleanup === 'hold' ? `, dealt out in turn: ${waits}` : ''}; ${shared}, each its own requestor and policy, on one worker process (${r.worker}), at most ${r.provisioningInFlight} provisioning at a time; ` +
      `emulator delivery ${r.deliveryDelayMs} ms, latency ${r.latencyMs} ms, throttling off, worker write budget ${r.graphWritesPerSecond > 0 ? `${r.graphWritesPerSecond}/s` : 'unlimited'}; ` +
      `dev server state ${r.temporalDb === 'file' ? 'in a SQLite file' : 'in memory'}. ` +
      `${r.waiting} waiting and ${r.ended} ended after ${r.provisionSeconds.toFixed(0)} s.`,
    '',
  );
  out.push(memoryTable(r), '', breakdownTable(r.heldBreakdown), '', provisioningTable(r), '', costTable(r), '');
  const schedule = scheduleTable(r);
  if (schedule) out.push(schedule, '');
  if (r.cleanup === 'hold') {
    const heldMB = megabytes(r.held.rssMiB);
    const allWait = r.waiting === r.runs;
    const c = r.cost;
    const holdOnly = r.waits.length === 1 && r.waits[0] === 'hold';
    out.push(
      markdownTable(
        ['target', 'value', 'target', ''],
        [
          [
            `${r.runs} waiting runs on one worker, steady state (${r.settleSeconds} s quiet)`,
            `${mib(r.held.rssMiB)} MiB = ${heldMB.toFixed(0)} MB`,
            '< 600 MB',
            heldMB < 600 && allWait ? 'met' : '**missed**',
          ],
          ...(holdOnly
            ? [
                [
                  'Graph reads per holding run per day',
                  rate((c.graphReads / r.waiting) * (DAY_S / c.seconds)),
                  '~0',
                  c.graphReads === 0 && c.workflowTasks === 0 ? 'met' : '**missed**',
                ],
              ]
            : []),
        ],
      ),
    );
  }
  return out.join('\n');
}
