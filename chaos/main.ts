// `npm run chaos -- [--cluster] [--workers N] [--runs 50] [--share 4] [--kills 3] [--lag-ms 3000] [--throttle-rate 0.05] [--unavailable-rate 0.05]
//   [--late-write-rate 0.02] [--late-answer-rate 0.02] [--applied-error-rate 0.02] [--late-ms 20000] [--seed 1] [--keep-state] [--json]`
// Runs the chaos run (chaos/run-chaos.ts) on a stack of its own — the dev server, or with --cluster (`npm run
// chaos:cluster`) the local multi-service cluster on PostgreSQL (chaos/cluster.ts), two workers by default — and
// prints the report. Exits 1 unless every run ended rolled forward or back with nothing leaked, duplicated or stuck
// (report.ts, chaosPassed); 2 for a bad option.

import { parseArgs } from 'node:util';
import { clusterTemporal } from './cluster.js';
import { chaosPassed, formatReport } from './report.js';
import { runChaos } from './run-chaos.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    share: { type: 'string', default: '4' },
    kills: { type: 'string', default: '3' },
    'lag-ms': { type: 'string', default: '3000' },
    'throttle-rate': { type: 'string', default: '0.05' },
    'unavailable-rate': { type: 'string', default: '0.05' },
    'late-write-rate': { type: 'string', default: '0.02' },
    'late-answer-rate': { type: 'string', default: '0.02' },
    'applied-error-rate': { type: 'string', default: '0.02' },
    'late-ms': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'keep-state': { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

function number(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`chaos: --${name} must be a number from ${min} to ${max} (got ${value})`);
    process.exit(2);
  }
  return n;
}

const started = Date.now();
const rate = (name: keyof typeof values) => number(name, values[name] as string, 0, 0.5);
const options = {
  runs: number('runs', values.runs, 1, 1000),
  share: number('share', values.share, 1, 50),
  workerKills: number('kills', values.kills, 0, 100),
  lagMs: number('lag-ms', values['lag-ms'], 0, 60_000),
  throttleRate: rate('throttle-rate'),
  unavailableRate: rate('unavailable-rate'),
  lateWriteRate: rate('late-write-rate'),
  lateAnswerRate: rate('late-answer-rate'),
  appliedErrorRate: rate('applied-error-rate'),
  lateMs: number('late-ms', values['late-ms'], 0, 300_000),
  seed: number('seed', values.seed, 0, 2 ** 31),
  keepState: values['keep-state'],
  ...(values.cluster ? { temporal: clusterTemporal } : {}),
  workers: number('workers', values.workers ?? (values.cluster ? '2' : '1'), 1, 10),
  log: (line: string) => console.error(`[chaos +${Math.round((Date.now() - started) / 1000)} s] ${line}`),
};
const report = await runChaos(options).catch((error: unknown) => {
  // Rates that cannot hold together are refused before anything starts.
  if (!(error instanceof RangeError)) throw error;
  console.error(`chaos: ${error.message}`);
  process.exit(2);
});
console.log(values.json ? JSON.stringify(report) : formatReport(report));
process.exitCode = chaosPassed(report) ? 0 : 1;
