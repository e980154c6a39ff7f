// Runs one command and makes sure it does not outlive the process that started this guard.
//
//   node devstack/guard.mjs <command> [args...]
//
// The parent keeps this guard's stdin open as a pipe. When the parent goes away for any reason — normal exit, Ctrl-C,
// an uncaught error, even SIGKILL — the pipe closes, and the guard stops the command (SIGTERM, then SIGKILL after a
// grace period). Signals sent to the guard are passed on to the command, and the guard exits with the command's exit
// status. SIGUSR1 makes the guard SIGKILL the command at once (a simulated crash). The command's stdout and stderr are the guard's own, so the parent reads them directly.

import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node devstack/guard.mjs <command> [args...]');
  process.exit(2);
}

const graceMs = Number(process.env.GUARD_GRACE_MS ?? 5000);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopping || child.exitCode !== null || child.signalCode !== null) return;
  stopping = true;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
}

child.on('error', (error) => {
  console.error(`guard: cannot start ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
});

process.stdin.on('end', () => stop('SIGTERM'));
process.stdin.on('error', () => stop('SIGTERM'));
process.stdin.resume();
process.on('SIGUSR1', () => {
  stopping = true;
  child.kill('SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => stop(signal === 'SIGHUP' ? 'SIGTERM' : signal));
}
