// Starts and stops the Temporal CLI's dev server (`temporal server start-dev`) for the local stack and the tests.
//
// Unlike the SDK's TestWorkflowEnvironment.createLocal this never downloads anything, waits as long as a loaded
// machine needs (the SDK gives up after 5 s), registers the project's search attributes, and stops exactly the
// process it started.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { projectSearchAttributes } from '../common/search-attributes.js';
import { ensureTemporalCli } from './temporal-cli.mjs';
import { ManagedProcess } from './managed-process.js';
import { assertPortFree, freePort } from './ports.js';

export interface TemporalDevServerOptions {
  /** gRPC port; 0 picks a free one. Default 7233. */
  port?: number;
  /** Web UI port, or `false` for no UI. Default `false`. */
  uiPort?: number | false;
  /** Address to bind. Default 127.0.0.1. */
  ip?: string;
  /** Namespace to create. Default "default". */
  namespace?: string;
  /** SQLite file that keeps state across restarts; in memory when unset. */
  dbFile?: string;
  /** Search attributes to register. Default: the project's own. */
  searchAttributes?: readonly { name: string; type: string }[];
  /** The Web UI's remote codec endpoint (the UI decodes payloads through it). */
  uiCodecEndpoint?: string;
  /** How long to wait for the server to answer. Default 90 s. */
  readyTimeoutMs?: number;
  /** The server's own log level. Default "warn". */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Receives every line the server prints. By default they are kept only for error messages. */
  onLine?: (line: string) => void;
}

export interface TemporalDevServer {
  /** host:port for gRPC clients and workers. */
  address: string;
  namespace: string;
  /** The Web UI, when it was started. */
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const typeNames: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const port = options.port === 0 ? await freePort(ip) : (options.port ?? 7233);
  const uiPort = options.uiPort === 0 ? await freePort(ip) : (options.uiPort ?? false);
  await assertPortFree(port, 'Temporal dev server gRPC', 'TEMPORAL_DEV_PORT', ip);
  if (uiPort !== false) await assertPortFree(uiPort, 'Temporal Web UI', 'TEMPORAL_UI_PORT', ip);

  const cli = ensureTemporalCli();
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    options.logLevel ?? 'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    // One partition per task queue: the Graph write queue's rate limit (the tenant's write budget) is enforced per
    // partition, and with four a partition without a waiting task wastes its share. A cluster can set the same for
    // the write queue alone (dynamic config constrained by taskQueueName; see the README).
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
  ];
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (uiPort === false) {
    args.push('--headless');
  } else {
    args.push('--ui-port', String(uiPort), '--ui-ip', ip, '--ui-disable-news-fetch');
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  }
  for (const key of options.searchAttributes ?? projectSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${typeNames[key.type] ?? key.type}`);
  }

  const server = new ManagedProcess({
    name: 'Temporal dev server',
    command: cli,
    args,
    onLine: options.onLine ? (line) => options.onLine?.(line) : undefined,
  });
  const address = `${ip}:${port}`;
  try {
    await waitUntilServing(server, address, namespace, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort === false ? undefined : `http://${ip === '127.0.0.1' ? 'localhost' : ip}:${uiPort}`,
    process: server,
    stop: () => server.stop(),
  };
}

async function waitUntilServing(
  server: ManagedProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!server.running) {
      const { code, signal } = await server.exited;
      throw new Error(`The Temporal dev server exited (${code ?? signal}) during start-up:\n${server.recentOutput}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(
    `The Temporal dev server did not answer on ${address} within ${timeoutMs} ms ` +
      `(${lastError instanceof Error ? lastError.message : String(lastError)}):\n${server.recentOutput}`,
  );
}
