// A multi-service Temporal cluster on this machine, as an operator would run one: PostgreSQL for persistence and
// visibility, then each Temporal service in a process of its own — the frontend, two history processes that share
// the history shards, two matching processes that share the task queue partitions, and the worker service (Temporal's
// own system workflows) — found by each other through the membership table in PostgreSQL. Clients reach only the
// frontend, over mutual TLS from the cluster's own CA (cluster-pki.ts); the services talk to each other over mutual
// TLS too. On first start it creates the schemas (the server's SQL tool), the namespace with its retention period and
// the project's search attributes; later starts update the schemas if the server is newer and reuse the rest.
//
// Every process is a ManagedProcess (behind devstack/guard.mjs): none outlives the process that started it. Each
// service's log goes to <dir>/logs/<service>.log. The cluster's clients use the environment in `env`
// (@temporalio/envconfig's TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_TLS_*), the same variables an operator
// sets for any cluster, or the TOML profile written beside it.

import { chmodSync, createWriteStream, type WriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { stringify } from 'yaml';
import { projectSearchAttributes } from '../common/search-attributes.js';
import { TASK_QUEUE, graphWritesQueue } from '../common/provisioning.js';
import { connectionOptions, temporalSettingsFromEnv } from '../config/temporal-settings.js';
import { ClusterSetupError, type ClusterBinaries, ensureClusterBinaries } from './cluster-install.js';
import { type ClusterPki, ensureClusterPki, frontendServerName, internodeServerName } from './cluster-pki.js';
import { type ClusterPostgres, startPostgres } from './cluster-postgres.js';
import { ManagedProcess } from './managed-process.js';
import { assertPortFree, isPortFree } from './ports.js';

/** The Temporal services of the cluster, one process each. */
export const clusterServices = ['history-1', 'history-2', 'matching-1', 'matching-2', 'frontend', 'worker'] as const;
type ClusterServiceName = (typeof clusterServices)[number];

const roleOf = (name: ClusterServiceName) => name.replace(/-\d$/, '') as 'frontend' | 'history' | 'matching' | 'worker';

export interface ClusterPorts {
  postgres: number;
  /** What clients dial: the frontend's gRPC port. */
  frontend: number;
  /** The frontend's HTTP API (same TLS). */
  frontendHttp: number;
  /** Each service's gRPC and membership (ringpop) ports. */
  services: Record<ClusterServiceName, { grpc: number; membership: number }>;
}

/**
 * The fixed ports of `npm run cluster`, from a base (ENTRA_SAGA_CLUSTER_PORT_BASE, default 17200) so that they stay
 * clear of the dev stack's 7233, 8233, 8443 and 8888: the frontend at base+33, the others beside it.
 */
export function clusterPorts(base: number): ClusterPorts {
  return {
    postgres: base + 32,
    frontend: base + 33,
    frontendHttp: base + 43,
    services: {
      frontend: { grpc: base + 33, membership: base + 53 },
      'history-1': { grpc: base + 34, membership: base + 54 },
      'matching-1': { grpc: base + 35, membership: base + 55 },
      'history-2': { grpc: base + 36, membership: base + 56 },
      'matching-2': { grpc: base + 37, membership: base + 57 },
      worker: { grpc: base + 39, membership: base + 59 },
    },
  };
}

/**
 * Ports free now, for a cluster beside others (the tests). Below 32768: Temporal's SQL schema keeps a member's ports
 * in a smallint (cluster_membership.rpc_port), and the OS hands out ephemeral ports above it.
 */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const next = async () => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await isPortFree(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const frontend = await next();
  const services = {} as ClusterPorts['services'];
  for (const name of clusterServices) {
    services[name] = { grpc: name === 'frontend' ? frontend : await next(), membership: await next() };
  }
  return { postgres: await next(), frontend, frontendHttp: await next(), services };
}

/**
 * What a Temporal service said before it died: the message and error of its last error and fatal log lines (its
 * JSON log lines run to kilobytes of stack trace each; the whole log is in the file named).
 */
function lastErrors(service: ManagedProcess, logFile: string): string {
  const errors = service.recentOutput
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return entry.level === 'error' || entry.level === 'fatal'
          ? [`  ${entry.level}: ${entry.msg ?? ''}${entry.error ? `: ${entry.error}` : ''}`]
          : [];
      } catch {
        return line.trim() ? [`  ${line}`] : [];
      }
    })
    .slice(-3);
  return `${errors.join('\n')}\n  (its log: ${logFile})`;
}

export interface TemporalClusterOptions {
  /** The cluster's data directory: PostgreSQL's files, certificates, configuration, logs. */
  dir: string;
  ports: ClusterPorts;
  /** The namespace to create. Default "entra-saga". */
  namespace?: string;
  /** Its retention period for closed runs' histories. Default 7 days. */
  retentionDays?: number;
  /**
   * The task queues whose Graph write queue gets a single partition (the README's recommendation: the write budget is
   * enforced per partition). Default: ENTRA_SAGA_TASK_QUEUE, else `entra-saga`.
   */
  taskQueues?: string[];
  /** History shards (fixed when the database is created). Default 4. */
  historyShards?: number;
  /** Log level of the Temporal services. Default "info" (to the log files). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Progress lines ("creating the schemas", …). */
  log?: (line: string) => void;
  binaries?: ClusterBinaries;
}

export interface TemporalCluster {
  dir: string;
  ports: ClusterPorts;
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  pki: ClusterPki;
  postgres: ClusterPostgres;
  /** The envconfig environment of a client of this cluster (address, namespace, mTLS files). */
  env: Record<string, string>;
  /** A TOML profile file with the same settings (TEMPORAL_CONFIG_FILE, profile "cluster"). */
  profileFile: string;
  /** The running process of a service. */
  service(name: ClusterServiceName): ManagedProcess;
  /** SIGKILLs a service's process, as a crash would. */
  kill(name: ClusterServiceName): Promise<void>;
  /** Starts a service whose process has ended (after kill or stop); resolves when it has started. */
  start(name: ClusterServiceName): Promise<void>;
  /** Stops a service gracefully (SIGTERM) and starts it again. */
  restart(name: ClusterServiceName): Promise<void>;
  /** Waits until the frontend answers and every service serves (after a restart). */
  waitUntilServing(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The environment that points @temporalio/envconfig at the cluster, as an operator would set it. */
function clientEnv(address: string, namespace: string, pki: ClusterPki): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
    TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.key,
    TEMPORAL_TLS_SERVER_NAME: frontendServerName,
  };
}

function tomlProfile(env: Record<string, string>): string {
  const q = (value: string | undefined) => JSON.stringify(value ?? '');
  return [
    '# The local cluster, for the Temporal CLI and SDKs (envconfig): TEMPORAL_CONFIG_FILE=<this file> TEMPORAL_PROFILE=cluster',
    '[profile.cluster]',
    `address = ${q(env.TEMPORAL_ADDRESS)}`,
    `namespace = ${q(env.TEMPORAL_NAMESPACE)}`,
    '[profile.cluster.tls]',
    `server_ca_cert_path = ${q(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH)}`,
    `client_cert_path = ${q(env.TEMPORAL_TLS_CLIENT_CERT_PATH)}`,
    `client_key_path = ${q(env.TEMPORAL_TLS_CLIENT_KEY_PATH)}`,
    `server_name = ${q(env.TEMPORAL_TLS_SERVER_NAME)}`,
    '',
  ].join('\n');
}

/** The dynamic config every service reads (and re-reads every 10 s). */
function dynamicConfig(taskQueues: string[]): Record<string, unknown> {
  const onePartition = taskQueues.map((queue) => ({
    value: 1,
    constraints: { taskQueueName: graphWritesQueue(queue) },
  }));
  return {
    // Workflow Updates: the object coordinators use update-with-start (README, Configuration).
    'frontend.enableUpdateWorkflowExecution': [{ value: true }],
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': [{ value: true }],
    // The Graph write queue in one partition: its rate limit (the tenant's write budget) is enforced per partition,
    // and a partition with no waiting write wastes its share (README, Bulk provisioning). Other queues keep four.
    'matching.numTaskqueueReadPartitions': onePartition,
    'matching.numTaskqueueWritePartitions': onePartition,
  };
}

function serverConfig(
  name: ClusterServiceName,
  options: Required<Pick<TemporalClusterOptions, 'ports' | 'historyShards' | 'logLevel'>>,
  pki: ClusterPki,
  postgres: ClusterPostgres,
  dynamicConfigFile: string,
): Record<string, unknown> {
  const { ports } = options;
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const own = ports.services[name];
  const role = roleOf(name);
  return {
    log: { stdout: true, level: options.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: options.historyShards,
      datastores: { default: sql('temporal', 20), visibility: sql('temporal_visibility', 10) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      pprof: { port: 0 },
      tls: {
        // The services present one certificate to each other and accept only the cluster CA's.
        internode: {
          server: {
            certFile: pki.internode.cert,
            keyFile: pki.internode.key,
            requireClientAuth: true,
            clientCaFiles: [pki.caCert],
          },
          client: { serverName: internodeServerName, rootCaFiles: [pki.caCert] },
        },
        // Clients (the CLI, workers, the Web UI) must present a certificate the cluster's CA signed.
        frontend: {
          server: {
            certFile: pki.frontend.cert,
            keyFile: pki.frontend.key,
            requireClientAuth: true,
            clientCaFiles: [pki.caCert],
          },
          client: { serverName: frontendServerName, rootCaFiles: [pki.caCert] },
        },
        // The worker service is a client of the frontend like any other, with a certificate of its own.
        systemWorker: {
          certFile: pki.systemWorker.cert,
          keyFile: pki.systemWorker.key,
          client: { serverName: frontendServerName, rootCaFiles: [pki.caCert] },
        },
      },
    },
    // Every service is listed (the membership monitor tracks only listed services), with this process's own ports
    // for its own: two processes of one service differ only there.
    services: Object.fromEntries(
      (['frontend', 'history', 'matching', 'worker'] as const).map((service) => {
        const first: Record<string, ClusterServiceName> = {
          frontend: 'frontend',
          history: 'history-1',
          matching: 'matching-1',
          worker: 'worker',
        };
        const ports = service === role ? own : options.ports.services[first[service]!];
        return [
          service,
          {
            rpc: {
              grpcPort: ports.grpc,
              membershipPort: ports.membership,
              bindOnIP: '127.0.0.1',
              ...(service === 'frontend' ? { httpPort: options.ports.frontendHttp } : {}),
            },
          },
        ];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
          httpAddress: `127.0.0.1:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** The server's SQL tool on one of the two databases: creates the schema the first time, then applies newer versions. */
function updateSchema(
  binaries: ClusterBinaries,
  postgres: ClusterPostgres,
  database: 'temporal' | 'temporal_visibility',
): void {
  const schemaDir = join(binaries.postgresSchema, database === 'temporal' ? 'temporal' : 'visibility', 'versioned');
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(postgres.port),
    SQL_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
    SQL_DATABASE: database,
  };
  const tool = (args: string[]) => {
    const result = spawnSync(binaries.sqlTool, args, { env, encoding: 'utf8' });
    if (result.status !== 0)
      throw new ClusterSetupError(
        `temporal-sql-tool ${args[0]} on ${database} failed:\n${result.stderr || result.stdout}`,
      );
  };
  // setup-schema -v 0.0 creates the version tables (a no-op once they are there); update-schema then applies every
  // version newer than the stored one: the whole schema on a first start, nothing or an upgrade after.
  tool(['setup-schema', '-v', '0.0']);
  tool(['update-schema', '--schema-dir', schemaDir]);
}

// @temporalio/proto is CommonJS: take the namespace from its default export.
const { temporal } = proto;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  const { dir, ports } = options;
  const namespace = options.namespace ?? 'entra-saga';
  const taskQueues = options.taskQueues ?? [process.env.ENTRA_SAGA_TASK_QUEUE?.trim() || TASK_QUEUE];
  const settings = {
    ports,
    historyShards: options.historyShards ?? 4,
    logLevel: options.logLevel ?? 'info',
  };
  await assertPortFree(ports.postgres, 'the cluster’s PostgreSQL', 'ENTRA_SAGA_CLUSTER_PORT_BASE');
  for (const name of clusterServices) {
    await assertPortFree(ports.services[name].grpc, `the cluster’s ${name}`, 'ENTRA_SAGA_CLUSTER_PORT_BASE');
    await assertPortFree(ports.services[name].membership, `the cluster’s ${name}`, 'ENTRA_SAGA_CLUSTER_PORT_BASE');
  }
  await assertPortFree(ports.frontendHttp, 'the cluster’s frontend HTTP API', 'ENTRA_SAGA_CLUSTER_PORT_BASE');

  const binaries = options.binaries ?? (await ensureClusterBinaries({ log }));
  // Readable by others: under root, PostgreSQL runs as its own user and must reach its folder here. What is secret
  // inside (keys, passwords, the services' configuration) is readable by this user alone.
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const pki = ensureClusterPki(join(dir, 'tls'));
  const logsDir = join(dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const logFiles: WriteStream[] = [];
  const logFile = (name: string) => {
    const stream = createWriteStream(join(logsDir, `${name}.log`), { flags: 'a' });
    logFiles.push(stream);
    return (line: string) => stream.write(`${line}\n`);
  };

  const stopped: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
    stopped.length = 0;
    await Promise.all(logFiles.map((stream) => new Promise((resolve) => stream.end(resolve))));
  };
  const processes = new Map<ClusterServiceName, ManagedProcess>();
  /** Services stopped or killed on purpose, until they are started again. */
  const down = new Set<ClusterServiceName>();
  try {
    log(`starting PostgreSQL on 127.0.0.1:${ports.postgres} (data in ${join(dir, 'postgres')})`);
    const postgres = await startPostgres({ dir, port: ports.postgres, onLine: logFile('postgres') });
    stopped.push(() => postgres.stop());
    log('bringing the schemas up to date (temporal-sql-tool)');
    updateSchema(binaries, postgres, 'temporal');
    updateSchema(binaries, postgres, 'temporal_visibility');

    const configDir = join(dir, 'config');
    mkdirSync(configDir, { recursive: true, mode: 0o700 });
    const dynamicConfigFile = join(configDir, 'dynamic-config.yaml');
    writeFileSync(dynamicConfigFile, stringify(dynamicConfig(taskQueues)));
    for (const name of clusterServices) {
      // The files hold the database password: readable by this user only.
      writeFileSync(
        join(configDir, `${name}.yaml`),
        stringify(serverConfig(name, settings, pki, postgres, dynamicConfigFile)),
        { mode: 0o600 },
      );
    }

    const startService = (name: ClusterServiceName) => {
      const service = new ManagedProcess({
        name: `Temporal ${name}`,
        command: binaries.server,
        args: ['--config-file', join(configDir, `${name}.yaml`), '--allow-no-auth', 'start', '--service', roleOf(name)],
        onLine: logFile(name),
        tailLines: 60,
      });
      processes.set(name, service);
      return service;
    };
    stopped.push(async () => {
      // The frontend first (no new requests), then the rest together.
      await processes.get('frontend')?.stop();
      await Promise.all([...processes.values()].map((p) => p.stop()));
    });

    const address = `127.0.0.1:${ports.frontend}`;
    const env = clientEnv(address, namespace, pki);
    const profileFile = join(dir, 'temporal.toml');
    writeFileSync(profileFile, tomlProfile(env));

    const connect = async () =>
      Connection.connect({ ...connectionOptions(temporalSettingsFromEnv(env)), connectTimeout: 2_000 });

    const waitUntilServing = async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      let lastError: unknown;
      while (Date.now() < deadline) {
        for (const [name, service] of processes) {
          if (!service.running && !down.has(name)) {
            const { code, signal } = await service.exited;
            throw new Error(
              `Temporal ${name} exited (${code ?? signal}):\n${lastErrors(service, join(logsDir, `${name}.log`))}`,
            );
          }
        }
        try {
          const connection = await connect();
          try {
            await connection.workflowService.getSystemInfo({});
            await probeServices(connection, namespace);
            return;
          } finally {
            await connection.close();
          }
        } catch (error) {
          lastError = error;
          await sleep(500);
        }
      }
      throw new Error(
        `the cluster did not serve within ${timeoutMs} ms (${lastError instanceof Error ? lastError.message : String(lastError)}); logs in ${logsDir}`,
      );
    };

    // The frontend first, alone: each service records the cluster's metadata in the database when it starts, and on
    // a new database services started together race to create that record (the loser exits, "failed to initialize
    // current cluster metadata"). Once the frontend answers, the record is there and the others only read it.
    log('starting Temporal frontend');
    startService('frontend');
    await waitForFrontend(connect, processes, logsDir);
    const others = clusterServices.filter((name) => name !== 'frontend');
    log(`starting Temporal ${others.join(', ')}`);
    for (const name of others) startService(name);
    // The namespace and the search attributes, before anything probes through the namespace.
    const connection = await connect();
    try {
      await ensureNamespace(connection, namespace, options.retentionDays ?? 7, log);
    } finally {
      await connection.close();
    }
    await waitUntilServing();

    const cluster: TemporalCluster = {
      dir,
      ports,
      address,
      namespace,
      pki,
      postgres,
      env,
      profileFile,
      service(name) {
        const service = processes.get(name);
        if (!service) throw new Error(`no such service: ${name}`);
        return service;
      },
      async kill(name) {
        down.add(name);
        await cluster.service(name).kill();
      },
      async start(name) {
        if (cluster.service(name).running) return;
        startService(name);
        down.delete(name);
        // Resolves once the cluster serves every shard and the probe queue again; a restarted history or matching
        // process takes back its share of the shards or partitions once it has joined the membership ring.
        await waitUntilServing();
      },
      async restart(name) {
        down.add(name);
        await cluster.service(name).stop();
        await cluster.start(name);
      },
      waitUntilServing,
      stop: stopAll,
    };
    return cluster;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Waits until the frontend answers at all (the namespace may not exist yet, nor the other services). */
async function waitForFrontend(
  connect: () => Promise<Connection>,
  processes: Map<ClusterServiceName, ManagedProcess>,
  logsDir: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    for (const [name, service] of processes) {
      if (!service.running) {
        const { code, signal } = await service.exited;
        throw new Error(
          `Temporal ${name} exited (${code ?? signal}) during start-up:\n${lastErrors(service, join(logsDir, `${name}.log`))}`,
        );
      }
    }
    try {
      const connection = await connect();
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(500);
    }
  }
  throw new Error(
    `the cluster's frontend did not answer within ${timeoutMs} ms (${lastError instanceof Error ? lastError.message : String(lastError)}); logs in ${logsDir}`,
  );
}

/**
 * Requests that need each kind of service: a task queue's description (matching) and the history of a run that does
 * not exist (history answers NotFound; a shard with no live owner answers Unavailable), on 32 ids, which land on every
 * one of a few shards (4 shards: all but certainly; a shard missed by 32 random ids has odds of 4 × (3/4)^32, 4e-4).
 */
async function probeServices(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: 'cluster-probe' },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  for (let i = 0; i < 32; i += 1) {
    try {
      await connection.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId: `cluster-probe-${i}-${Date.now()}` },
      });
    } catch (error) {
      // 5 = NOT_FOUND: a history shard owner answered.
      if ((error as { code?: number }).code !== 5) throw error;
    }
  }
}

const keywordTypes: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The namespace with its retention period, and the project's search attributes in it (SQL visibility: per namespace). */
async function ensureNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
  log: (line: string) => void,
): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if ((error as { code?: number }).code !== 5) throw error;
    log(`creating the namespace ${namespace} (retention ${retentionDays} days)`);
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'entra-saga on the local cluster',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
  }
  // The namespace reaches the frontend's namespace cache within its refresh interval (2 s).
  let existing: Record<string, unknown> = {};
  for (let attempt = 0; ; attempt += 1) {
    try {
      existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
      break;
    } catch (error) {
      if (attempt >= 40) throw error;
      await sleep(500);
    }
  }
  const missing = projectSearchAttributes.filter((key) => !(key.name in existing));
  if (!missing.length) return;
  log(`registering the search attributes ${missing.map((key) => key.name).join(', ')}`);
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, keywordTypes[key.type]!])),
  });
  // Every service reads them from its namespace cache, refreshed every 2 s: give it time before the first run.
  await sleep(5_000);
}
