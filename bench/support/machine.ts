// The machine a benchmark ran on, printed with its figures: a result without its machine cannot be compared.

import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { codeRevision } from './revision.js';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the benchmark started: other work sharing the cores. */
  load1: number;
  /** The commit measured (bench/support/revision.ts). */
  revision: string;
}

export function describeMachine(): Machine {
  let cpuModel = 'unknown CPU';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: keep "unknown CPU".
  }
  return {
    nproc: availableParallelism(),
    cpuModel,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    revision: codeRevision(),
  };
}

export function machineLine(m: Machine): string {
  return `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, load average ${m.load1} at start; code ${m.revision}`;
}
