// The saga benchmarks on the local multi-service Temporal cluster (devstack/cluster.ts: PostgreSQL, frontend, two
// history and two matching processes, the worker service, mTLS) instead of the dev server: a cluster of its own in a
// temporary folder, on free ports, with the Graph write queue of the benchmark's task queue in one partition as the
// README recommends, the emulator process, and several provisioning worker processes (bin/entra-saga-worker) that
// share the task queue and its write budget. Workers and CLI reach the cluster through the envconfig environment it
// gives, as an operator's would.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../client/connect.js';
import { freeClusterPorts, startTemporalCluster } from '../../devstack/cluster.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { prefixed, startWorkerCommand } from '../../devstack/processes.js';
import { emulatorEnv } from '../../graph/local-emulator.js';
import { type EmulatorProfile, startEmulatorProcess } from './emulator-process.js';
import type { BenchStack, WorkerProcessOptions } from './stack.js';

const benchTaskQueue = 'entra-saga-bench';

/** What a benchmark drives on a cluster: the stack without a dev server, and every worker process. */
export type ClusterBenchStack = Omit<BenchStack, 'temporal'> & { workers: ManagedProcess[] };

export async function startBenchStackOnCluster(options: {
  emulator: EmulatorProfile;
  worker: WorkerProcessOptions;
  /** Provisioning worker processes on the one task queue. */
  workers: number;
  onLine?: (line: string) => void;
}): Promise<ClusterBenchStack> {
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const interrupted = () => void (stopping ?? stop()).finally(() => process.exit(130));
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
      process.off('SIGINT', interrupted);
    })());
  process.on('SIGINT', interrupted);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'entra-saga-bench-cluster-'));
    // Under root, PostgreSQL runs as its own user and must reach its data here.
    chmodSync(dir, 0o755);
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const [started, graph] = await Promise.allSettled([
      startTemporalCluster({
        dir: join(dir, 'cluster'),
        ports: await freeClusterPorts(),
        taskQueues: [benchTaskQueue],
      }),
      startEmulatorProcess(options.emulator, options.onLine),
    ]);
    if (started.status === 'fulfilled') stops.push(() => started.value.stop());
    if (graph.status === 'fulfilled') stops.push(() => graph.value.stop());
    if (started.status === 'rejected') throw started.reason;
    if (graph.status === 'rejected') throw graph.reason;
    const cluster = started.value;
    const emulator = graph.value;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...emulatorEnv(emulator.info),
      ...cluster.env,
      ENTRA_SAGA_TASK_QUEUE: benchTaskQueue,
      ENTRA_SAGA_GRAPH_WRITES_PER_SECOND: String(options.worker.graphWritesPerSecond),
      ENTRA_SAGA_LOG_LEVEL: options.worker.logLevel ?? 'INFO',
      ENTRA_SAGA_LOG_FORMAT: 'json',
      ...options.worker.env,
    };
    delete env.TEMPORAL_PROFILE;
    delete env.TEMPORAL_CONFIG_FILE;
    delete env.TEMPORAL_API_KEY;
    const workers = Array.from({ length: options.workers }, (_, i) => {
      const worker = startWorkerCommand({
        env,
        tailLines: 200,
        onLine: prefixed(options.workers === 1 ? 'worker' : `worker-${i + 1}`, options.onLine),
      });
      stops.push(() => worker.stop());
      return worker;
    });
    const ready = await Promise.all(workers.map((w) => w.waitForLine(/worker ready[^"]*/, 240_000)));
    const connected = await connect(env);
    stops.push(() => connected.close());
    return {
      client: connected.client,
      emulator,
      taskQueue: benchTaskQueue,
      worker: workers[0] as ManagedProcess,
      workers,
      workerReady: ready[0]?.[0] ?? '',
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
