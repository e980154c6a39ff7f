// `npm run chaos -- [--runs 50] [--kills 3] [--throttle-rate 0.05] [--unavailable-rate 0.05] [--lag-ms 500] [--seed 1]`
// Runs the chaos run (chaos/run-chaos.ts) on a stack of its own and prints the report. Exits 1 when a run is stuck,
// an object leaked or was duplicated, or a run failed without being rolled back.

import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { runChaos } from './run-chaos.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    kills: { type: 'string', default: '3' },
    'throttle-rate': { type: 'string', default: '0.05' },
    'unavailable-rate': { type: 'string', default: '0.05' },
    'lag-ms': { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
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

const report = await runChaos({
  runs: number('runs', values.runs, 1, 1000),
  workerKills: number('kills', values.kills, 0, 100),
  throttleRate: number('throttle-rate', values['throttle-rate'], 0, 0.5),
  unavailableRate: number('unavailable-rate', values['unavailable-rate'], 0, 0.5),
  lagMs: number('lag-ms', values['lag-ms'], 0, 60_000),
  seed: number('seed', values.seed, 0, 2 ** 31),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(values.json ? JSON.stringify(report) : formatReport(report));
process.exitCode = report.stuck || report.leaked || report.duplicated || report.failed ? 1 : 0;
