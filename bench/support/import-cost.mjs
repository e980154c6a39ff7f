// Imports the modules named on the command line, side by side as the CLI imports its commands, in a fresh node
// process, and prints one JSON line: the wall and CPU time the imports took, and the time from the process's start.
// bench:production runs it to tell what `entra-saga run` spends loading code before it connects.
//
//   node bench/support/import-cost.mjs dist/client/connect.js dist/client/commands/run.js …

import { pathToFileURL } from 'node:url';

const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(
  process.argv.slice(2).map((m) => import(m.startsWith('.') || m.startsWith('/') ? pathToFileURL(m).href : m)),
);
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    wallMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sinceStartMs: performance.now(),
  }),
);
