// CPU time a process has used, from /proc/<pid>/stat: which process of the stack a burst of work waited on.

import { readFileSync } from 'node:fs';

/** Linux reports utime and stime in USER_HZ ticks, 100 per second on every mainstream kernel configuration. */
const ticksPerSecond = 100;

/** User plus system CPU seconds of `pid` (all its threads) since it started. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
