// Connects the CLI to Temporal with the envconfig settings; any failure is "cannot connect" (exit 3), in one line.

import { Client, Connection } from '@temporalio/client';
import { dataConverterFor } from '../codec/aes-gcm-codec.js';
import { codecKeysFromEnv } from '../codec/keys.js';
import { ConfigError } from '../config/config-error.js';
import { connectionOptions, temporalSettingsFromEnv, type TemporalSettings } from '../config/temporal-settings.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface Connected {
  client: Client;
  settings: TemporalSettings;
  /** The Web UI's base URL for links: TEMPORAL_UI_URL, else the local dev server's UI. */
  uiBaseUrl: string;
  close(): Promise<void>;
}

export async function connect(env: NodeJS.ProcessEnv = process.env): Promise<Connected> {
  let settings: TemporalSettings;
  let dataConverter: ReturnType<typeof dataConverterFor>;
  try {
    settings = temporalSettingsFromEnv(env);
    dataConverter = dataConverterFor(codecKeysFromEnv(env));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.CannotConnect);
    throw error;
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: '5s' });
    await connection.workflowService.getSystemInfo({});
  } catch (error) {
    throw new CliError(
      `cannot connect to Temporal at ${settings.address}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}. ` +
        'Start the local stack with `npm run stack`, or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY / TLS for a cluster).',
      ExitCode.CannotConnect,
    );
  }
  const client = new Client({ connection, namespace: settings.namespace, dataConverter });
  const uiBaseUrl = (env.TEMPORAL_UI_URL?.trim() || 'http://localhost:8233').replace(/\/+$/, '');
  return { client, settings, uiBaseUrl, close: () => connection.close() };
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
