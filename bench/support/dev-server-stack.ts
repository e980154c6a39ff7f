// The saga benchmarks' stack (bench/support/stack.ts) with the dev server's own options: a benchmark of many waiting
// runs keeps Temporal's state in a SQLite file, as `npm run stack` does, to measure what that file and the server
// need. Each child runs behind the dev stack's guard, so none outlives the benchmark, however it ends.

import { connect } from '../../client/connect.js';
import { type TemporalDevServerOptions, startTemporalDevServer } from '../../devstack/temporal-server.js';
import { emulatorEnv } from '../../graph/local-emulator.js';
import { prefixed, startWorkerCommand } from '../../devstack/processes.js';
import { type EmulatorProfile, startEmulatorProcess } from './emulator-process.js';
import type { BenchStack, WorkerProcessOptions } from './stack.js';

const benchTaskQueue = 'entra-saga-bench';

export async function startBenchStackOnDevServer(options: {
  /** The dev server's options; its port is always a free one. */
  server: Omit<TemporalDevServerOptions, 'port'>;
  emulator: EmulatorProfile;
  worker: WorkerProcessOptions;
  onLine?: (line: string) => void;
}): Promise<BenchStack> {
  const stops: (() => Promise<void>)[] = [];
  // Ctrl-C stops the children in order; the handler stays installed while stopping (a terminal and tsx may both
  // deliver the signal).
  let stopping: Promise<void> | undefined;
  const interrupted = () => void (stopping ?? stop()).finally(() => process.exit(130));
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
      process.off('SIGINT', interrupted);
    })());
  process.on('SIGINT', interrupted);
  try {
    const [server, graph] = await Promise.allSettled([
      startTemporalDevServer({ ...options.server, port: 0 }),
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
    const [workerReady] = await worker.waitForLine(/worker ready[^"]*/, 240_000);
    const connected = await connect(env);
    stops.push(() => connected.close());
    return { temporal, client: connected.client, emulator, taskQueue: benchTaskQueue, worker, workerReady, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
