// The embedded local stack: a Temporal dev server (Web UI, SQLite file), the Graph emulator and a provisioning
// worker, each a child process behind the guard so that none outlives us. Used by `npm start` and `npm run stack`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../common/config-error.js';
import { type EmulatorInfo, emulatorEnv, fetchEmulatorInfo } from '../graph/embedded-emulator.js';
import { ManagedProcess } from './managed-process.js';
import { assertPortFree } from './ports.js';
import { type TemporalDevServer, startTemporalDevServer } from './temporal-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const stackDir = join(root, '.entra-saga');

export interface StackOptions {
  /** Default TEMPORAL_DEV_PORT, else 7233. */
  temporalPort?: number;
  /** Default TEMPORAL_UI_PORT, else 8233. */
  uiPort?: number;
  /** Default ENTRA_SAGA_EMULATOR_PORT, else 8443. */
  emulatorPort?: number;
  /** Where Temporal's SQLite file and the emulator's CA live. Default ENTRA_SAGA_STACK_DIR, else .entra-saga. */
  dir?: string;
  /** Keep Temporal's state in .entra-saga/temporal.db (default true). */
  persist?: boolean;
  /** Start a worker too (default true). */
  worker?: boolean;
  /** Extra emulator flags, e.g. ['--delivery-delay-ms', '3000']. */
  emulatorArgs?: string[];
  /** Extra environment for the worker. */
  workerEnv?: NodeJS.ProcessEnv;
  /** Receives the children's output lines, prefixed with their name. */
  onLine?: (line: string) => void;
}

export interface Stack {
  temporal: TemporalDevServer;
  emulator: ManagedProcess;
  emulatorInfo: EmulatorInfo;
  worker?: ManagedProcess;
  /** The environment a CLI or worker needs to use this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry point of this repository with tsx, behind the guard. */
function tsxProcess(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(root, entry), ...args],
    cwd: root,
    env,
    onLine: onLine ? (line) => onLine(`[${name}] ${line}`) : undefined,
  });
}

function portSetting(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(name, `must be a port number 1-65535 (got "${raw}")`);
  return port;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulatorPort = options.emulatorPort ?? portSetting('ENTRA_SAGA_EMULATOR_PORT', 8443);
  const temporalPort = options.temporalPort ?? portSetting('TEMPORAL_DEV_PORT', 7233);
  const uiPort = options.uiPort ?? portSetting('TEMPORAL_UI_PORT', 8233);
  const dir = options.dir ?? (process.env.ENTRA_SAGA_STACK_DIR?.trim() || stackDir);
  const stopped: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
  };
  try {
    await assertPortFree(emulatorPort, 'Graph emulator', 'ENTRA_SAGA_EMULATOR_PORT');
    const temporal = await startTemporalDevServer({
      port: temporalPort,
      uiPort,
      dbFile: options.persist === false ? undefined : join(dir, 'temporal.db'),
      onLine: options.onLine ? (line) => options.onLine?.(`[temporal] ${line}`) : undefined,
    });
    stopped.push(() => temporal.stop());

    const stateDir = join(dir, 'emulator');
    const emulator = tsxProcess(
      'emulator',
      'emulator/main.ts',
      ['--port', String(emulatorPort), '--state-dir', stateDir, ...(options.emulatorArgs ?? [])],
      process.env,
      options.onLine,
    );
    stopped.push(() => emulator.stop());
    const [, url = ''] = await emulator.waitForLine(/Graph emulator listening on (https:\/\/\S+)/, 60_000);
    const emulatorInfo = await fetchEmulatorInfo(url, readFileSync(join(stateDir, 'ca.pem'), 'utf8'));

    const env: Record<string, string> = {
      ...emulatorEnv(emulatorInfo),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_UI_URL: temporal.uiUrl ?? '',
      ENTRA_SAGA_DOMAIN: emulatorInfo.domain,
    };
    let worker: ManagedProcess | undefined;
    if (options.worker !== false) {
      worker = tsxProcess('worker', 'worker/main.ts', [], { ...process.env, ...env, ENTRA_SAGA_LOG_FORMAT: 'text', ...options.workerEnv }, options.onLine);
      stopped.push(() => worker!.stop());
      await worker.waitForLine(/worker ready/, 120_000);
    }
    return { temporal, emulator, emulatorInfo, worker, env, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
