// What the saga benchmarks stand on, started by the benchmark itself and stopped at its end: a Temporal dev server on
// a free port (headless, in memory), the Graph emulator process, and a provisioning worker process
// (bin/entra-saga-worker, as `npm run worker` starts it). Each child runs behind the dev stack's guard, so none outlives the benchmark,
// however it ends.

import type { Client } from '@temporalio/client';
import { connect } from '../../client/connect.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { type TemporalDevServer, startTemporalDevServer } from '../../devstack/temporal-server.js';
import { emulatorEnv } from '../../graph/local-emulator.js';
import { prefixed, startWorkerCommand } from '../../devstack/processes.js';
import { type EmulatorProcess, type EmulatorProfile, startEmulatorProcess } from './emulator-process.js';

export interface WorkerProcessOptions {
  /** ENTRA_SAGA_GRAPH_WRITES_PER_SECOND: the write budget of the task queue; 0 for no limit. */
  graphWritesPerSecond: number;
  /** ENTRA_SAGA_LOG_LEVEL. Default INFO: the ready line is logged at INFO; Graph calls answered 2xx are DEBUG. */
  logLevel?: string;
  /** Extra environment for the worker. */
  env?: Record<string, string>;
}

export interface BenchStack {
  temporal: TemporalDevServer;
  client: Client;
  emulator: EmulatorProcess;
  taskQueue: string;
  worker: ManagedProcess;
  /** The worker's "worker ready" message: its queue, its Graph and the process's malloc settings. */
  workerReady: string;
  stop(): Promise<void>;
}

const benchTaskQueue = 'entra-saga-bench';

export async function startBenchStack(options: {
  emulator: EmulatorProfile;
  worker: WorkerProcessOptions;
  /** Receives the children's output, prefixed with their name (by default only kept for error messages). */
  onLine?: (line: string) => void;
}): Promise<BenchStack> {
  const stops: (() => Promise<void>)[] = [];
  // Ctrl-C stops the children in order and removes the emulator's temporary directory (the guard alone would only
  // kill them). The handler stays installed while stopping: a terminal and tsx may both deliver the signal.
  let stopping: Promise<void> | undefined;
  const interrupted = () => void (stopping ?? stop()).finally(() => process.exit(130));
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
      process.off('SIGINT', interrupted);
    })());
  process.on('SIGINT', interrupted);
  try {
    // Both start side by side; whichever started is stopped even if the other failed.
    const [server, graph] = await Promise.allSettled([
      startTemporalDevServer({ port: 0 }),
      startEmulatorProcess(options.emulator, options.onLine),
    ]);
    if (server.status === 'fulfilled') stops.push(() => server.value.stop());
    if (graph.status === 'fulfilled') stops.push(() => graph.value.stop());
    if (server.status === 'rejected') throw server.reason;
    if (graph.status === 'rejected') throw graph.reason;
    const temporal = server.value;
    const emulator = graph.value;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...emulatorEnv(emulator.info),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ENTRA_SAGA_TASK_QUEUE: benchTaskQueue,
      ENTRA_SAGA_GRAPH_WRITES_PER_SECOND: String(options.worker.graphWritesPerSecond),
      ENTRA_SAGA_LOG_LEVEL: options.worker.logLevel ?? 'INFO',
      ENTRA_SAGA_LOG_FORMAT: 'json',
      ...options.worker.env,
    };
    delete env.TEMPORAL_PROFILE;
    delete env.TEMPORAL_CONFIG_FILE;
    delete env.TEMPORAL_API_KEY;
    const worker = startWorkerCommand({ env, tailLines: 200, onLine: prefixed('worker', options.onLine) });
    stops.push(() => worker.stop());
    // The worker logs JSON: the message ends at its closing quote.
    const [workerReady] = await worker.waitForLine(/worker ready[^"]*/, 240_000);
    // The operator CLI's connection: the same settings and payload codec as the worker, from the same environment.
    const connected = await connect(env);
    stops.push(() => connected.close());
    return { temporal, client: connected.client, emulator, taskQueue: benchTaskQueue, worker, workerReady, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
