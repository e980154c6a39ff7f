// `npm run worker`: a provisioning worker configured from the environment (see README, "Configuration").
//
//   Temporal: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE (envconfig)
//   Graph:    AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET | AZURE_CLIENT_CERTIFICATE_PATH,
//             ENTRA_SAGA_CREDENTIAL, AZURE_AUTHORITY_HOST, GRAPH_BASE_URL, GRAPH_CA_CERT_PATH
//             (none set: the local emulator, found at ENTRA_SAGA_EMULATOR_URL)
//   Payloads: ENTRA_SAGA_CODEC_KEYS | ENTRA_SAGA_CODEC_KEY_FILE (AES-256-GCM; default .entra-saga/codec-keys.json),
//             ENTRA_SAGA_CODEC=off to store payloads in clear
//   Worker:   ENTRA_SAGA_TASK_QUEUE, ENTRA_SAGA_GRAPH_WRITES_PER_SECOND (the tenant's write budget shared by all
//             workers; default 19), ENTRA_SAGA_MAX_CACHED_WORKFLOWS (default 200), ENTRA_SAGA_METRICS_ADDRESS (Prometheus, e.g. 0.0.0.0:9464), ENTRA_SAGA_LOG_LEVEL,
//             ENTRA_SAGA_LOG_FORMAT (json | text; default json when stdout is not a terminal)

import { NativeConnection, Runtime } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import { dataConverterFor } from '../codec/aes-gcm-codec.js';
import { codecKeysFromEnv } from '../codec/keys.js';
import { ConfigError } from '../config/config-error.js';
import { connectionOptions, temporalSettingsFromEnv } from '../config/temporal-settings.js';
import { discoverLocalEmulator } from '../graph/local-emulator.js';
import { checkCredential } from '../graph/credential.js';
import { describeGraphSettings, graphSettingsFromEnv } from '../graph/settings.js';
import { createProvisioningWorker, defaultGraphWritesPerSecond } from './create-worker.js';
import { StructuredLogger } from './logger.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';

const logLevels: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

function loggerFromEnv(env: NodeJS.ProcessEnv): StructuredLogger {
  const level = (env.ENTRA_SAGA_LOG_LEVEL?.trim().toUpperCase() || 'INFO') as LogLevel;
  if (!logLevels.includes(level))
    throw new ConfigError('ENTRA_SAGA_LOG_LEVEL', `must be one of ${logLevels.join(', ')}`);
  const format = env.ENTRA_SAGA_LOG_FORMAT?.trim().toLowerCase();
  if (format && format !== 'json' && format !== 'text')
    throw new ConfigError('ENTRA_SAGA_LOG_FORMAT', 'must be json or text');
  return new StructuredLogger({ level, json: format ? format === 'json' : undefined });
}

function writesPerSecondFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.ENTRA_SAGA_GRAPH_WRITES_PER_SECOND?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      'ENTRA_SAGA_GRAPH_WRITES_PER_SECOND',
      `must be a number of writes per second, 0 for no limit (got "${raw}")`,
    );
  }
  return value;
}

function cacheSizeFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.ENTRA_SAGA_MAX_CACHED_WORKFLOWS?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError('ENTRA_SAGA_MAX_CACHED_WORKFLOWS', `must be a whole number (got "${raw}")`);
  return value;
}

function metricsFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const address = env.ENTRA_SAGA_METRICS_ADDRESS?.trim();
  if (!address) return undefined;
  if (!/^[^:\s]+:\d{1,5}$/.test(address)) {
    throw new ConfigError('ENTRA_SAGA_METRICS_ADDRESS', `must be host:port, e.g. 0.0.0.0:9464 (got "${address}")`);
  }
  return address;
}

async function main(): Promise<void> {
  const env = process.env;
  // Compiled, the worker runs the build's prebuilt workflow bundle, refused at once if it is not this build's.
  const workflowBundle = prebuiltWorkflowBundle();
  const logger = loggerFromEnv(env);
  const temporal = temporalSettingsFromEnv(env);
  const metricsAddress = metricsFromEnv(env);
  const graphWritesPerSecond = writesPerSecondFromEnv(env);
  const maxCachedWorkflows = cacheSizeFromEnv(env);
  const graph = env.AZURE_TENANT_ID ? graphSettingsFromEnv(env) : await discoverLocalEmulator(env);
  const codecKeys = codecKeysFromEnv(env);
  const credentialWarning = await checkCredential(graph);

  Runtime.install({
    logger,
    telemetryOptions: metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : undefined,
  });
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(connectionOptions(temporal));
  } catch (error) {
    throw new ConfigError(
      'TEMPORAL_ADDRESS',
      `${temporal.address}: cannot connect to Temporal (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const worker = await createProvisioningWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    graph,
    graphWritesPerSecond,
    maxCachedWorkflows,
    logger,
    workflowBundle,
    options: { dataConverter: dataConverterFor(codecKeys) },
  });
  if (credentialWarning) logger.warn(credentialWarning);
  if (!codecKeys)
    logger.warn('payload encryption is off (ENTRA_SAGA_CODEC=off): Temporal stores inputs and results in clear');
  logger.info(
    `worker ready: task queue ${temporal.taskQueue} (Graph writes ≤ ${graphWritesPerSecond ?? defaultGraphWritesPerSecond}/s) on ${temporal.address}/${temporal.namespace}; ${describeGraphSettings(graph)}` +
      (codecKeys ? `; payloads encrypted with key ${codecKeys.current}` : '') +
      (metricsAddress ? `; metrics on http://${metricsAddress}/metrics` : '') +
      (env.GLIBC_TUNABLES ? `; malloc ${env.GLIBC_TUNABLES}` : ''),
  );
  if (process.platform === 'linux' && env.GLIBC_TUNABLES === undefined) {
    logger.info(
      'started without bin/entra-saga-worker\'s malloc settings: a worker keeps the memory of its busiest moment (README, "Configuration")',
    );
  }
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`entra-saga worker: ${error.message}`);
    process.exit(2);
  }
  console.error(`entra-saga worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
