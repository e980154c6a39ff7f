// The embedded local stack: a codec server, a Temporal dev server (Web UI wired to the codec server, SQLite file),
// the Graph emulator and a provisioning worker, each a child process behind the guard so that none outlives us.
// Payloads are encrypted with a key generated into the stack's folder; the UI decrypts them through the codec
// server, which needs the token also kept there. Used by `npm start` and `npm run stack`.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyFile, rotate, writeKeyFile } from '../codec/keys.js';
import { ConfigError } from '../config/config-error.js';
import { type EmulatorInfo, emulatorEnv, fetchEmulatorInfo } from '../graph/local-emulator.js';
import type { ManagedProcess } from './managed-process.js';
import { assertPortFree } from './ports.js';
import { type TemporalDevServer, startTemporalDevServer } from './temporal-server.js';
import { prefixed, startWorkerCommand, repoProcess } from './processes.js';
import { projectRoot } from '../config/project.js';

const root = projectRoot;
const stackDir = join(root, '.entra-saga');

export interface StackOptions {
  /** Default TEMPORAL_DEV_PORT, else 7233. */
  temporalPort?: number;
  /** Default TEMPORAL_UI_PORT, else 8233. */
  uiPort?: number;
  /** Default ENTRA_SAGA_EMULATOR_PORT, else 8443. */
  emulatorPort?: number;
  /** Default ENTRA_SAGA_CODEC_PORT, else 8888. */
  codecPort?: number;
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
  codecServer: ManagedProcess;
  /** The codec endpoint the Web UI uses (it holds the token). */
  codecEndpoint: string;
  emulator: ManagedProcess;
  emulatorInfo: EmulatorInfo;
  worker?: ManagedProcess;
  /** The environment a CLI or worker needs to use this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A port from the environment variable `name`, else `fallback`; a bad value is a ConfigError naming the variable. */
export function portSetting(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(name, `must be a port number 1-65535 (got "${raw}")`);
  return port;
}

/** The stack's payload key and codec-server token, created on first start (mode 0600) and reused after. */
function codecSecrets(dir: string): { keyFile: string; tokenFile: string; token: string } {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'codec-keys.json');
  if (!existsSync(keyFile)) writeKeyFile(keyFile, rotate(undefined, 'local-1'));
  readKeyFile(keyFile);
  const tokenFile = join(dir, 'codec-token');
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  return { keyFile, tokenFile, token: readFileSync(tokenFile, 'utf8').trim() };
}

/** A codec server for a Web UI at `uiOrigins`, with the payload key and token kept in `dir`. */
export async function startCodecServer(options: {
  dir: string;
  port: number;
  uiOrigins: string[];
  onLine?: (line: string) => void;
}): Promise<{ process: ManagedProcess; endpoint: string; keyFile: string }> {
  const codec = codecSecrets(options.dir);
  const codecServer = repoProcess('codec-server', 'codec/main', ['--port', String(options.port)], {
    env: {
      ...process.env,
      ENTRA_SAGA_CODEC_TOKEN_FILE: codec.tokenFile,
      ENTRA_SAGA_CODEC_KEY_FILE: codec.keyFile,
      ENTRA_SAGA_CODEC_ORIGINS: options.uiOrigins.join(','),
    },
    onLine: prefixed('codec-server', options.onLine),
  });
  try {
    await codecServer.waitForLine(/Codec server listening on/, 60_000);
  } catch (error) {
    await codecServer.stop();
    throw error;
  }
  return {
    process: codecServer,
    endpoint: `http://127.0.0.1:${options.port}/${codec.token}`,
    keyFile: codec.keyFile,
  };
}

/** The Graph emulator as a process, its state (CA, data) in `stateDir`, and what it says about itself. */
export async function startEmulatorProcess(options: {
  stateDir: string;
  port: number;
  args?: string[];
  onLine?: (line: string) => void;
}): Promise<{ process: ManagedProcess; info: EmulatorInfo }> {
  const emulator = repoProcess(
    'emulator',
    'emulator/main',
    ['--port', String(options.port), '--state-dir', options.stateDir, ...(options.args ?? [])],
    { env: process.env, onLine: prefixed('emulator', options.onLine) },
  );
  try {
    const [, url = ''] = await emulator.waitForLine(/Graph emulator listening on (https:\/\/\S+)/, 60_000);
    const info = await fetchEmulatorInfo(url, readFileSync(join(options.stateDir, 'ca.pem'), 'utf8'));
    return { process: emulator, info };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulatorPort = options.emulatorPort ?? portSetting('ENTRA_SAGA_EMULATOR_PORT', 8443);
  const temporalPort = options.temporalPort ?? portSetting('TEMPORAL_DEV_PORT', 7233);
  const uiPort = options.uiPort ?? portSetting('TEMPORAL_UI_PORT', 8233);
  const dir = options.dir ?? (process.env.ENTRA_SAGA_STACK_DIR?.trim() || stackDir);
  const codecPort = options.codecPort ?? portSetting('ENTRA_SAGA_CODEC_PORT', 8888);
  const stopped: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
  };
  try {
    await assertPortFree(emulatorPort, 'Graph emulator', 'ENTRA_SAGA_EMULATOR_PORT');
    await assertPortFree(codecPort, 'codec server', 'ENTRA_SAGA_CODEC_PORT');
    const codec = await startCodecServer({
      dir,
      port: codecPort,
      uiOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
      onLine: options.onLine,
    });
    const codecServer = codec.process;
    stopped.push(() => codecServer.stop());
    const codecEndpoint = codec.endpoint;
    const temporal = await startTemporalDevServer({
      uiCodecEndpoint: codecEndpoint,
      port: temporalPort,
      uiPort,
      dbFile: options.persist === false ? undefined : join(dir, 'temporal.db'),
      onLine: prefixed('temporal', options.onLine),
    });
    stopped.push(() => temporal.stop());

    const { process: emulator, info: emulatorInfo } = await startEmulatorProcess({
      stateDir: join(dir, 'emulator'),
      port: emulatorPort,
      args: options.emulatorArgs,
      onLine: options.onLine,
    });
    stopped.push(() => emulator.stop());

    const env: Record<string, string> = {
      ...emulatorEnv(emulatorInfo),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_UI_URL: temporal.uiUrl ?? '',
      ENTRA_SAGA_DOMAIN: emulatorInfo.domain,
      ENTRA_SAGA_CODEC_KEY_FILE: codec.keyFile,
    };
    let worker: ManagedProcess | undefined;
    if (options.worker !== false) {
      worker = startWorkerCommand({
        env: { ...process.env, ...env, ENTRA_SAGA_LOG_FORMAT: 'text', ...options.workerEnv },
        onLine: prefixed('worker', options.onLine),
      });
      stopped.push(() => worker!.stop());
      await worker.waitForLine(/worker ready/, 120_000);
    }
    return { temporal, codecServer, codecEndpoint, emulator, emulatorInfo, worker, env, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
