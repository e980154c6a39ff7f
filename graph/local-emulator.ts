// Finding the local Graph emulator that runs in another process (`npm run stack`, `npm run emulator`), and the Graph
// settings that point at it: with no tenant configured (no AZURE_TENANT_ID), the worker uses it. Its control plane
// tells the tenant, the client credentials and where its CA certificate is; this is plain HTTPS, the emulator's code
// is never imported.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { ConfigError } from '../config/config-error.js';
import type { GraphSettings } from './settings.js';
import { projectRoot } from '../config/project.js';

const defaultEmulatorUrl = 'https://127.0.0.1:8443';
const defaultEmulatorCaPath = join(projectRoot, '.entra-saga/emulator/ca.pem');

/** What the emulator's GET /_emulator/info answers. */
export interface EmulatorInfo {
  tenantId: string;
  domain: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
  caCertPath: string;
}

/** The Graph settings of an emulator, trusting its CA (`caPem`, read once by whoever found the emulator). */
export function emulatorGraphSettings(info: EmulatorInfo, caPem: string): GraphSettings {
  return Object.freeze({
    tenantId: info.tenantId,
    clientId: info.clientId,
    credential: 'client-secret',
    clientSecret: info.clientSecret,
    authorityHost: info.authorityHost,
    graphBaseUrl: info.graphBaseUrl,
    scope: 'https://graph.microsoft.com/.default',
    extraCaPem: caPem,
  });
}

/** The environment variables that point a worker process's Graph settings at an emulator. */
export function emulatorEnv(info: EmulatorInfo): Record<string, string> {
  return {
    AZURE_TENANT_ID: info.tenantId,
    AZURE_CLIENT_ID: info.clientId,
    AZURE_CLIENT_SECRET: info.clientSecret,
    AZURE_AUTHORITY_HOST: info.authorityHost,
    GRAPH_BASE_URL: info.graphBaseUrl,
    GRAPH_CA_CERT_PATH: info.caCertPath,
  };
}

export async function fetchEmulatorInfo(url: string, caPem: string): Promise<EmulatorInfo> {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/_emulator/info`, {
      dispatcher,
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as EmulatorInfo;
  } finally {
    await dispatcher.close();
  }
}

/**
 * Finds the running local emulator (ENTRA_SAGA_EMULATOR_URL, default https://127.0.0.1:8443, trusting the CA at
 * ENTRA_SAGA_EMULATOR_CA) and returns the Graph settings that point at it.
 */
export async function discoverLocalEmulator(env: NodeJS.ProcessEnv = process.env): Promise<GraphSettings> {
  const url = env.ENTRA_SAGA_EMULATOR_URL?.trim() || defaultEmulatorUrl;
  const caPath = env.ENTRA_SAGA_EMULATOR_CA?.trim() || defaultEmulatorCaPath;
  let caPem: string;
  try {
    caPem = readFileSync(caPath, 'utf8');
  } catch {
    throw new ConfigError(
      'AZURE_TENANT_ID',
      `is not set and no local Graph emulator was found (no CA at ${caPath}). Start one with \`npm run emulator\` ` +
        '(or `npm run stack`), or set AZURE_TENANT_ID and the app credentials to use a real tenant.',
    );
  }
  try {
    return emulatorGraphSettings(await fetchEmulatorInfo(url, caPem), caPem);
  } catch (error) {
    throw new ConfigError(
      'AZURE_TENANT_ID',
      `is not set and the local Graph emulator at ${url} does not answer (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it with `npm run emulator`, set ENTRA_SAGA_EMULATOR_URL, or configure a real tenant.',
    );
  }
}
