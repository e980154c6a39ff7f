// `npm run cluster`: the saga on a multi-service Temporal cluster on PostgreSQL, with mTLS, the Graph emulator, the
// codec server, the Web UI and two workers, up until Ctrl-C (devstack/cluster-stack.ts). The first start builds the
// Temporal server into .cluster/ (minutes); later starts take seconds. State stays in .cluster/state
// (ENTRA_SAGA_CLUSTER_DIR), so runs are still there at the next start.
//
//   npm run cluster               start, print how to reach it, stop everything on Ctrl-C
//   npm run cluster -- --install  only install (build) what the cluster runs, then exit

import { parseArgs } from 'node:util';
import { ensureClusterBinaries } from '../devstack/cluster-install.js';
import { clusterServices } from '../devstack/cluster.js';
import type { ManagedProcess } from '../devstack/managed-process.js';
import { type ClusterStack, clusterStackDir, clusterStackPorts, startClusterStack } from '../devstack/cluster-stack.js';

const log = (line: string) => process.stderr.write(`[cluster] ${line}\n`);

let values: { install?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { install: { type: 'boolean' }, help: { type: 'boolean' } },
  }));
} catch (error) {
  process.stderr.write(
    `npm run cluster: ${(error as Error).message.split('. ')[0]}; the flags are --install, --help\n`,
  );
  process.exit(2);
}
if (values.help) {
  process.stdout.write(
    'npm run cluster [-- --install]\n' +
      'Starts a Temporal cluster (frontend, 2 history, 2 matching, worker service) on PostgreSQL with mTLS, the Graph\n' +
      'emulator, the codec server, the Web UI and two workers, until Ctrl-C. --install only builds what it runs.\n',
  );
  process.exit(0);
}

let stack: ClusterStack | undefined;
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack?.stop();
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the local cluster\n`);
    void stop(0);
  });
}

try {
  if (values.install) {
    await ensureClusterBinaries({ log });
    log('the cluster’s binaries are installed');
    process.exit(0);
  }
  const ports = clusterStackPorts();
  const dir = clusterStackDir();
  stack = await startClusterStack({
    dir,
    ports,
    log,
    onLine: (line) => {
      if (/listening on|worker ready|ERROR|WARN/.test(line)) process.stdout.write(`${line}\n`);
    },
  });
  const { cluster } = stack;
  const service = (name: (typeof clusterServices)[number]) =>
    `${name.padEnd(11)} 127.0.0.1:${ports.services[name].grpc} (membership ${ports.services[name].membership}, pid ${cluster.service(name).pid})`;
  process.stdout.write(
    [
      '',
      `Temporal cluster     ${cluster.address} (namespace ${cluster.namespace}; mTLS: clients present a certificate of its CA)`,
      ...clusterServices.map((name) => `  ${service(name)}`),
      `  PostgreSQL  127.0.0.1:${ports.postgres} (persistence and visibility; data in ${cluster.postgres.dataDir})`,
      `Temporal Web UI      ${stack.uiUrl}`,
      `Graph emulator       ${stack.emulatorInfo.graphBaseUrl} (tenant ${stack.emulatorInfo.tenantId}, domain ${stack.emulatorInfo.domain})`,
      `Codec server         ${new URL(stack.codecEndpoint).origin} (payloads are encrypted; the Web UI decrypts them through it)`,
      `Workers              2 (pids ${stack.workers.map((w) => w.pid).join(', ')})`,
      `State and logs       ${dir} (the services' logs in ${dir}/logs)`,
      '',
      'Reach it as an operator reaches any cluster, through these variables (envconfig):',
      ...Object.entries(cluster.env).map(([name, value]) => `  ${name}=${value}`),
      `or the TOML profile: TEMPORAL_CONFIG_FILE=${cluster.profileFile} TEMPORAL_PROFILE=cluster`,
      '',
      `Try, in another terminal:  . ${stack.envFile} && npx entra-saga run`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  // A process that ends on its own is news: say so, and where its log is.
  const watched: [string, ManagedProcess][] = [
    ...clusterServices.map((name): [string, ManagedProcess] => [`Temporal ${name}`, cluster.service(name)]),
    ['PostgreSQL', cluster.postgres.process],
    ...stack.workers.map((worker, i): [string, ManagedProcess] => [`worker-${i + 1}`, worker]),
  ];
  for (const [name, child] of watched) {
    void child.exited.then(({ code, signal }) => {
      if (!stopping) process.stderr.write(`[cluster] ${name} exited (${code ?? signal}); logs in ${dir}/logs\n`);
    });
  }
  await new Promise(() => undefined);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm run cluster: ${message}\n`);
  await stop(1);
}
