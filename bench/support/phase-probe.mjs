// A preload for a CLI run under measurement (`NODE_OPTIONS=--import=<this file>`): when the environment names a file,
// the process writes there, as it exits, when it reached the phases of a command that connects to Temporal — node's
// own start (this preload runs right before the entry module), its first outgoing TCP connection (the CLI has parsed
// its flags and loaded its modules: it connects to Temporal), and the 'exit' event (the command is done; what follows is
// Node's teardown). Times are performance.now() of the process, with its timeOrigin (epoch ms) to set them against
// the spawn and the times the Temporal server recorded. Plain JavaScript: it runs in the compiled form as well.

import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

/** The environment variable naming the file; unset, the probe does nothing. */
export const phaseProbeFileVariable = 'ENTRA_SAGA_BENCH_PHASE_PROBE_FILE';

/**
 * @typedef {object} CliPhases
 * @property {number} timeOriginMs the process's start (performance.timeOrigin, epoch ms)
 * @property {number} preloadMs node started, before the entry module
 * @property {number | null} firstConnectMs its first outgoing TCP connection
 * @property {number} exitEventMs the 'exit' event
 */

const file = process.env[phaseProbeFileVariable];
if (file) {
  const preloadMs = performance.now();
  /** @type {number | null} */
  let firstConnectMs = null;
  // A TCP connection's start: tsx's loader opens a local IPC socket first, which is not the CLI connecting.
  /** @param {unknown} message */
  const onSocket = (message) => {
    const startedMs = performance.now();
    const socket = /** @type {{ socket: import('node:net').Socket }} */ (message).socket;
    socket.once('connect', () => {
      if (socket.remotePort !== undefined) firstConnectMs ??= startedMs;
    });
  };
  subscribe('net.client.socket', onSocket);
  process.on('exit', () => {
    /** @type {CliPhases} */
    const phases = {
      timeOriginMs: performance.timeOrigin,
      preloadMs,
      firstConnectMs,
      exitEventMs: performance.now(),
    };
    writeFileSync(file, JSON.stringify(phases));
  });
}
