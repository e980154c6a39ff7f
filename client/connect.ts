// Connects the CLI to Temporal with the envconfig settings; any failure is "cannot connect" (exit 3), in one line.
// Once connected, the CLI rides through Temporal being unreachable for up to the reconnect timeout (reconnect.ts).

import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from '../codec/aes-gcm-codec.js';
import { codecKeysFromEnv } from '../codec/keys.js';
import { ConfigError } from '../config/config-error.js';
import { connectionOptions, temporalSettingsFromEnv, type TemporalSettings } from '../config/temporal-settings.js';
import { CliError, ExitCode } from './exit-codes.js';
import { Reachability } from './reconnect.js';
import { reconnectTimeoutSeconds } from './reconnect-timeout.js';

export interface Connected {
  client: Client;
  settings: TemporalSettings;
  /** The Web UI's base URL for links: TEMPORAL_UI_URL, else the local dev server's UI. */
  uiBaseUrl: string;
  /** Whether Temporal can be reached; commands tell it which run they are about. */
  reach: Reachability;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Default: ENTRA_SAGA_RECONNECT_TIMEOUT, else 5 minutes. */
  reconnectTimeoutSeconds?: number;
  /** Where the lines "lost the connection" and "reconnected" go. Default: stderr. */
  notify?: (line: string) => void;
}

export async function connect(env: NodeJS.ProcessEnv = process.env, options: ConnectOptions = {}): Promise<Connected> {
  let settings: TemporalSettings;
  let dataConverter: ReturnType<typeof dataConverterFor>;
  try {
    settings = temporalSettingsFromEnv(env);
    dataConverter = dataConverterFor(codecKeysFromEnv(env));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.CannotConnect);
    throw error;
  }
  const reach = new Reachability({
    address: settings.address,
    timeoutSeconds: options.reconnectTimeoutSeconds ?? reconnectTimeoutSeconds(undefined, env),
    notify: options.notify ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...connectionOptions(settings),
      connectTimeout: '5s',
      interceptors: [reach.interceptor()],
      // gRPC waits up to 2 minutes between attempts to reconnect after a few failures; the CLI is one client of one
      // endpoint and should notice within seconds that Temporal is back.
      channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 3_000 },
    });
    await connection.workflowService.getSystemInfo({});
  } catch (error) {
    throw new CliError(
      `cannot connect to Temporal at ${settings.address}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}. ` +
        'Start the local stack with `npm run stack`, or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY / TLS for a cluster).',
      ExitCode.CannotConnect,
    );
  }
  reach.connected();
  const namespace = settings.namespace;
  // The run's description needs the history service, which a frontend alone cannot answer for.
  reach.setProbe(() => {
    const workflowId = reach.workflowId;
    return workflowId
      ? connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } })
      : connection.workflowService.describeNamespace({ namespace });
  });
  const client = new Client({ connection, namespace, dataConverter });
  const uiBaseUrl = (env.TEMPORAL_UI_URL?.trim() || 'http://localhost:8233').replace(/\/+$/, '');
  return {
    client,
    settings,
    uiBaseUrl,
    reach,
    close: async () => {
      reach.close();
      await connection.close();
    },
  };
}

/** The Web UI page of a run. */
export function webUiLink(
  connected: Pick<Connected, 'settings' | 'uiBaseUrl'>,
  workflowId: string,
  runId?: string,
): string {
  const run = runId ? `/${runId}` : '';
  return `${connected.uiBaseUrl}/namespaces/${encodeURIComponent(connected.settings.namespace)}/workflows/${encodeURIComponent(workflowId)}${run}/history`;
}
