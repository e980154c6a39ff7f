// The Temporal connection, from @temporalio/envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS*, TEMPORAL_PROFILE and the TOML profile file shared with the Temporal CLI. Defaults to the embedded
// dev server on localhost:7233. Shared by the worker and the client so that they cannot disagree.

import { loadClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from './config-error.js';
import { TASK_QUEUE } from '../common/provisioning.js';

export interface TemporalSettings {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly apiKey?: string;
  readonly tls?: boolean | object;
  readonly metadata?: Record<string, string | Buffer>;
}

const hostPort = /^(?:\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/i;

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({
      overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
  } catch (error) {
    throw new ConfigError(
      env.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : 'Temporal client configuration',
      `cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const options = loaded.connectionOptions;
  const address = options.address ?? 'localhost:7233';
  if (!hostPort.test(address)) throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port (got "${address}")`);
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (port < 1 || port > 65535) throw new ConfigError('TEMPORAL_ADDRESS', `has an invalid port (got "${address}")`);
  const taskQueue = env.ENTRA_SAGA_TASK_QUEUE?.trim() || TASK_QUEUE;
  return Object.freeze({
    address,
    namespace: loaded.namespace ?? 'default',
    taskQueue,
    apiKey: options.apiKey,
    tls: options.tls ?? undefined,
    metadata: options.metadata,
  });
}

/** The settings as connection options for Connection.connect and NativeConnection.connect. */
export function connectionOptions(settings: TemporalSettings): {
  address: string;
  apiKey?: string;
  tls?: boolean | object;
  metadata?: Record<string, string | Buffer>;
} {
  return {
    address: settings.address,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.tls !== undefined ? { tls: settings.tls } : {}),
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
  };
}
