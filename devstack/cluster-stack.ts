// `npm run cluster`'s whole stack: the multi-service Temporal cluster (cluster.ts), the Graph emulator, the codec
// server, the Temporal Web UI pointed at the cluster (over mTLS, decrypting payloads through the codec server) and two
// provisioning workers — each worker started as an operator starts one (bin/entra-saga-worker), configured by the
// same envconfig variables that reach any cluster. The pieces are the dev stack's (stack.ts), so the two stacks
// differ only in their Temporal.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../config/config-error.js';
import { type EmulatorInfo, emulatorEnv } from '../graph/local-emulator.js';
import { projectRoot } from '../config/project.js';
import { type ClusterBinaries, ensureClusterBinaries } from './cluster-install.js';
import { type ClusterPorts, type TemporalCluster, clusterPorts, startTemporalCluster } from './cluster.js';
import { ManagedProcess } from './managed-process.js';
import { assertPortFree } from './ports.js';
import { prefixed, startWorkerCommand } from './processes.js';
import { portSetting, startCodecServer, startEmulatorProcess } from './stack.js';
import { frontendServerName } from './cluster-pki.js';

export interface ClusterStackPorts extends ClusterPorts {
  ui: number;
  codec: number;
  emulator: number;
}

/**
 * `npm run cluster`'s ports: the cluster's (clusterPorts) and the Web UI at base+80, codec +88, emulator +90. All
 * below 32768: Temporal's SQL schema keeps a member's ports in a smallint.
 */
export function clusterStackPorts(base = portSetting('ENTRA_SAGA_CLUSTER_PORT_BASE', 17200)): ClusterStackPorts {
  if (base < 1024 || base > 32_767 - 90)
    throw new ConfigError('ENTRA_SAGA_CLUSTER_PORT_BASE', `must be from 1024 to ${32_767 - 90} (got ${base})`);
  return { ...clusterPorts(base), ui: base + 80, codec: base + 88, emulator: base + 90 };
}

/** Where `npm run cluster` keeps its state: ENTRA_SAGA_CLUSTER_DIR, else .cluster/state. */
export function clusterStackDir(): string {
  return process.env.ENTRA_SAGA_CLUSTER_DIR?.trim() || join(projectRoot, '.cluster/state');
}

export interface ClusterStackOptions {
  dir?: string;
  ports?: ClusterStackPorts;
  /** Provisioning workers. Default 2. */
  workers?: number;
  /** Receives the children's output lines, prefixed with their name (the Temporal services log to files). */
  onLine?: (line: string) => void;
  /** Progress lines. */
  log?: (line: string) => void;
  binaries?: ClusterBinaries;
}

export interface ClusterStack {
  cluster: TemporalCluster;
  dir: string;
  ports: ClusterStackPorts;
  uiUrl: string;
  codecEndpoint: string;
  emulatorInfo: EmulatorInfo;
  workers: ManagedProcess[];
  /** The environment a CLI (or another worker) needs: the cluster's envconfig variables, the codec key, the UI. */
  env: Record<string, string>;
  /** A file of `export` lines with the same environment (mode 0600: it holds the emulator's local secret). */
  envFile: string;
  stop(): Promise<void>;
}

/** The Web UI server (the one the Temporal CLI's dev server embeds) as a client of the cluster. */
async function startWebUi(
  cluster: TemporalCluster,
  binaries: ClusterBinaries,
  options: { dir: string; port: number; codecEndpoint: string; onLine?: (line: string) => void },
): Promise<{ process: ManagedProcess; url: string }> {
  const root = join(options.dir, 'ui');
  mkdirSync(join(root, 'config'), { recursive: true });
  const url = `http://localhost:${options.port}`;
  writeFileSync(
    join(root, 'config/cluster.yaml'),
    stringify({
      temporalGrpcAddress: cluster.address,
      host: '127.0.0.1',
      port: options.port,
      enableUi: true,
      defaultNamespace: cluster.namespace,
      disableNewsFetch: true,
      // The UI server presents the client certificate to the frontend and checks the frontend's.
      tls: {
        caFile: cluster.pki.caCert,
        certFile: cluster.pki.client.cert,
        keyFile: cluster.pki.client.key,
        serverName: frontendServerName,
        enableHostVerification: true,
      },
      codec: { endpoint: options.codecEndpoint },
      cors: { allowOrigins: [url, `http://127.0.0.1:${options.port}`] },
    }),
    { mode: 0o600 },
  );
  const ui = new ManagedProcess({
    name: 'Temporal Web UI',
    command: binaries.uiServer,
    args: ['--root', root, '--config', 'config', '--env', 'cluster', 'start'],
    onLine: prefixed('web-ui', options.onLine),
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!ui.running) throw new Error(`the Temporal Web UI exited during start-up:\n${ui.recentOutput}`);
    const ok = await fetch(`http://127.0.0.1:${options.port}/`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return { process: ui, url };
    if (Date.now() > deadline) {
      await ui.stop();
      throw new Error(`the Temporal Web UI did not answer on ${url} within 60 s:\n${ui.recentOutput}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export async function startClusterStack(options: ClusterStackOptions = {}): Promise<ClusterStack> {
  const dir = options.dir ?? clusterStackDir();
  const ports = options.ports ?? clusterStackPorts();
  const log = options.log ?? (() => undefined);
  await assertPortFree(ports.ui, 'the cluster’s Web UI', 'ENTRA_SAGA_CLUSTER_PORT_BASE');
  await assertPortFree(ports.codec, 'the cluster’s codec server', 'ENTRA_SAGA_CLUSTER_PORT_BASE');
  await assertPortFree(ports.emulator, 'the cluster’s Graph emulator', 'ENTRA_SAGA_CLUSTER_PORT_BASE');
  const binaries = options.binaries ?? (await ensureClusterBinaries({ log }));

  const stopped: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
    stopped.length = 0;
  };
  try {
    const cluster = await startTemporalCluster({ dir, ports, binaries, log });
    stopped.push(() => cluster.stop());

    log('starting the codec server, the Web UI and the Graph emulator');
    const codec = await startCodecServer({
      dir,
      port: ports.codec,
      uiOrigins: [`http://localhost:${ports.ui}`, `http://127.0.0.1:${ports.ui}`],
      onLine: options.onLine,
    });
    stopped.push(() => codec.process.stop());
    const ui = await startWebUi(cluster, binaries, {
      dir,
      port: ports.ui,
      codecEndpoint: codec.endpoint,
      onLine: options.onLine,
    });
    stopped.push(() => ui.process.stop());
    const emulator = await startEmulatorProcess({
      stateDir: join(dir, 'emulator'),
      port: ports.emulator,
      onLine: options.onLine,
    });
    stopped.push(() => emulator.process.stop());

    const env: Record<string, string> = {
      ...emulatorEnv(emulator.info),
      ...cluster.env,
      TEMPORAL_UI_URL: ui.url,
      ENTRA_SAGA_DOMAIN: emulator.info.domain,
      ENTRA_SAGA_CODEC_KEY_FILE: codec.keyFile,
    };
    const envFile = join(dir, 'cluster.env');
    writeFileSync(
      envFile,
      `# The local cluster's client settings: . ${envFile}\n` +
        Object.entries(env)
          .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
          .join(''),
      { mode: 0o600 },
    );

    const count = options.workers ?? 2;
    log(`starting ${count} provisioning worker${count === 1 ? '' : 's'}`);
    const workers: ManagedProcess[] = [];
    for (let i = 1; i <= count; i += 1) {
      const worker = startWorkerCommand({
        env: { ...process.env, ...env, ENTRA_SAGA_LOG_FORMAT: 'text' },
        onLine: prefixed(`worker-${i}`, options.onLine),
      });
      workers.push(worker);
      stopped.push(() => worker.stop());
    }
    await Promise.all(workers.map((worker) => worker.waitForLine(/worker ready/, 120_000)));

    return {
      cluster,
      dir,
      ports,
      uiUrl: ui.url,
      codecEndpoint: codec.endpoint,
      emulatorInfo: emulator.info,
      workers,
      env,
      envFile,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
