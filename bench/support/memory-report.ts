// The Markdown report of bench:memory: the worker's and the dev server's resident memory, what provisioning the runs
// cost, the workflows left open, and what the waiting runs cost while nothing happens.

import type { CallCounts } from './emulator-control.js';
import { type Machine, machineLine } from './machine.js';
import { markdownTable } from './numbers.js';
import type { ProcessMemory } from './process-memory.js';
import type { OpenWorkflows, WaitingCost } from './waiting-cost.js';

export interface Reading extends ProcessMemory {
  atSeconds: number;
  holding: number;
  /** The Temporal dev server's VmRSS. */
  serverRssMiB: number;
}

export interface MemoryResult {
  machine: Machine;
  runs: number;
  cleanup: string;
  packages: number;
  /** The worker's settings, as the report names them. */
  worker: string;
  provisioningInFlight: number;
  deliveryDelayMs: number;
  latencyMs: number;
  graphWritesPerSecond: number;
  temporalDb: 'memory' | 'file';
  holding: number;
  ended: number;
  provisionSeconds: number;
  idleSeconds: number;
  settleSeconds: number;
  idle: Reading;
  /** The highest readings before the quiet period. */
  peak: { workerMiB: number; serverMiB: number };
  quiet: { afterSeconds: number; reading: Reading }[];
  /** The last quiet reading: the steady state. */
  held: Reading;
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

const mib = (n: number) => n.toFixed(0);
/** The target is in MB (10^6 bytes); /proc reports KiB. */
const megabytes = (miB: number) => (miB * 1024 * 1024) / 1e6;
const perDay = (n: number) => (n === 0 ? '0' : n < 0.01 ? n.toExponential(1) : n.toFixed(2));

export function memoryReport(r: MemoryResult): string {
  const shared =
    r.packages < r.runs
      ? `${r.runs / r.packages} runs per group and access package (${r.packages})`
      : 'every run its own group and access package';
  const out: string[] = [`## Memory — ${new Date().toISOString().slice(0, 10)}`, ''];
  out.push(`Machine: ${machineLine(r.machine)}.`);
  out.push(
    `${r.runs} runs with cleanup "${r.cleanup}", ${shared}, each its own requestor and policy, on one worker process (${r.worker}), at most ${r.provisioningInFlight} provisioning at a time; ` +
      `emulator delivery ${r.deliveryDelayMs} ms, latency ${r.latencyMs} ms, throttling off, worker write budget ${r.graphWritesPerSecond > 0 ? `${r.graphWritesPerSecond}/s` : 'unlimited'}; ` +
      `dev server state ${r.temporalDb === 'file' ? 'in a SQLite file' : 'in memory'}. ` +
      `${r.holding} holding and ${r.ended} ended after ${r.provisionSeconds.toFixed(0)} s.`,
    '',
  );
  out.push(
    markdownTable(
      ['VmRSS (MiB)', 'worker', 'dev server'],
      [
        [`idle (ready, no runs; after ${r.idleSeconds} s quiet)`, mib(r.idle.rssMiB), mib(r.idle.serverRssMiB)],
        ['highest reading while provisioning', mib(r.peak.workerMiB), mib(r.peak.serverMiB)],
        ...r.quiet
          .filter((q) => [15, 30, 60, 120].includes(q.afterSeconds) || q === r.quiet.at(-1))
          .map((q) => [
            `${r.holding} runs holding, ${r.ended} ended: ${q.afterSeconds} s quiet`,
            mib(q.reading.rssMiB),
            mib(q.reading.serverRssMiB),
          ]),
        ['worker peak (VmHWM, includes start-up)', mib(r.held.peakRssMiB), ''],
        [
          'per run (KiB): (steady state − idle) / runs',
          mib(r.perRunKiB),
          mib(((r.held.serverRssMiB - r.idle.serverRssMiB) * 1024) / r.runs),
        ],
      ],
    ),
    '',
  );
  const calls = r.provisioningCalls;
  const cpu = r.provisioningCpuSeconds;
  const busy = (s: number) => `${s.toFixed(0)} s (${((s / r.provisionSeconds) * 100).toFixed(0)} % of a core)`;
  out.push(
    markdownTable(
      ['provisioning', ''],
      [
        ['runs holding per second', (r.holding / r.provisionSeconds).toFixed(2)],
        [
          'Graph calls per run: writes + reads',
          `${(calls.writes / r.runs).toFixed(1)} + ${(calls.reads / r.runs).toFixed(1)}`,
        ],
        ['CPU: worker', busy(cpu.worker)],
        ['CPU: dev server', busy(cpu.server)],
        ['CPU: Graph emulator', busy(cpu.emulator)],
        ...(r.sqliteBytes === undefined
          ? []
          : [
              [
                'SQLite file (with its WAL) at the end',
                `${(r.sqliteBytes / 2 ** 20).toFixed(0)} MiB (${(r.sqliteBytes / r.runs / 1024).toFixed(1)} KiB per run)`,
              ],
            ]),
      ],
    ),
    '',
  );
  const c = r.cost;
  out.push(
    markdownTable(
      [`while ${c.waitingRuns} runs wait (${c.seconds.toFixed(0)} s quiet)`, 'count', 'per waiting run per day'],
      [
        ['open workflows: runs + object coordinators', `${r.open.runs} + ${r.open.coordinators}`, ''],
        ['workflows in the worker cache', String(r.cachedWorkflows), ''],
        [
          'workflow tasks the worker took',
          String(c.workflowTasks),
          perDay((c.workflowTasks / c.waitingRuns) * (86_400 / c.seconds)),
        ],
        [
          'activity tasks the worker took',
          String(c.activityTasks),
          perDay((c.activityTasks / c.waitingRuns) * (86_400 / c.seconds)),
        ],
        [`history events added (${c.sampledWorkflows} sampled runs and coordinators)`, String(c.historyEvents), ''],
        ['Graph reads', String(c.graphReads), perDay(c.readsPerRunPerDay)],
        ['Graph writes', String(c.graphWrites), perDay(c.writesPerRunPerDay)],
        ['(one call in the window would be)', '1', perDay(c.resolutionPerRunPerDay)],
      ],
    ),
    '',
  );
  if (r.cleanup === 'hold') {
    const heldMB = megabytes(r.held.rssMiB);
    const allHold = r.holding === r.runs;
    out.push(
      markdownTable(
        ['target', 'value', 'target', ''],
        [
          [
            `${r.runs} holding runs on one worker, steady state (${r.settleSeconds} s quiet)`,
            `${mib(r.held.rssMiB)} MiB = ${heldMB.toFixed(0)} MB`,
            '< 600 MB',
            heldMB < 600 && allHold ? 'met' : '**missed**',
          ],
          [
            'Graph reads per waiting run per day',
            perDay(c.readsPerRunPerDay),
            '~0',
            c.graphReads === 0 && c.workflowTasks === 0 ? 'met' : '**missed**',
          ],
        ],
      ),
    );
  }
  return out.join('\n');
}
