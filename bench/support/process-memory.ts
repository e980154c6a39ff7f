// Memory of a process as Linux reports it in /proc/<pid>/status: VmRSS (resident now) and VmHWM (the peak).

import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessMemory {
  rssMiB: number;
  peakRssMiB: number;
}

function kib(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field}`);
  return Number(match[1]);
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssMiB: kib(status, 'VmRSS') / 1024, peakRssMiB: kib(status, 'VmHWM') / 1024 };
}

/**
 * The one child of `pid`: a managed process runs its command behind the guard, so the command (the worker) is the
 * guard's only child.
 */
export function onlyChildOf(pid: number): number {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start with the state, then the parent's pid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  if (children.length !== 1) throw new Error(`expected one child of process ${pid}, found ${children.length}`);
  return children[0] as number;
}
