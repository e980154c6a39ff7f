// The chaos run on the local multi-service cluster (devstack/cluster.ts) instead of the dev server: a cluster of its
// own in the run's folder, on free ports, disrupted the ways a cluster fails in production — a history process
// SIGKILLed (its shards move to the other one before it comes back), a matching process SIGKILLed (its task queue
// partitions move likewise), the frontend restarted (a deploy), PostgreSQL restarted (a fast shutdown ends every
// open session) — while the chaos run kills workers beside them.

import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { freeClusterPorts, startTemporalCluster } from '../devstack/cluster.js';
import type { ChaosContext, ChaosTemporal } from './run-chaos.js';

export async function clusterTemporal({ dir, taskQueue, log }: ChaosContext): Promise<ChaosTemporal> {
  // The run's folder is private (mkdtemp); under root, PostgreSQL runs as its own user and must reach its data here.
  chmodSync(dir, 0o755);
  const cluster = await startTemporalCluster({
    dir: join(dir, 'cluster'),
    ports: await freeClusterPorts(),
    taskQueues: [taskQueue],
    log,
  });
  return {
    env: cluster.env,
    disruptions: [
      {
        label: 'history-1 SIGKILLed; back once history-2 serves all shards',
        play: async () => {
          await cluster.kill('history-1');
          // Every shard answers again only once the membership ring has dropped history-1 and history-2 owns them.
          await cluster.waitUntilServing(180_000);
          await cluster.start('history-1');
        },
      },
      {
        label: 'matching-2 SIGKILLed; back once matching-1 serves',
        play: async () => {
          await cluster.kill('matching-2');
          await cluster.waitUntilServing(180_000);
          await cluster.start('matching-2');
        },
      },
      { label: 'frontend restarted', play: () => cluster.restart('frontend') },
      {
        label: 'PostgreSQL restarted',
        play: async () => {
          await cluster.postgres.restart();
          await cluster.waitUntilServing(180_000);
        },
      },
    ],
    stop: () => cluster.stop(),
  };
}
