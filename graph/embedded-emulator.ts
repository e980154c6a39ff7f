// The embedded default: with no tenant configured (no AZURE_TENANT_ID), the Graph settings come from the local
// emulator started by `npm run stack` or `npm run emulator`. Its control plane tells the tenant, the client
// credentials and where its CA certificate is; this is plain HTTPS, the emulator's code is never imported.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { ConfigError } from '../config/config-error.js';

export const defaultEmulatorUrl = 'https://127.0.0.1:8443';
export const defaultEmulatorCaPath = fileURLToPath(new URL('../.entra-saga/emulator/ca.pem', import.meta.url));

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

/** The environment variables that point the Graph settings at an emulator. */
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
    const response = await fetch(`${url.replace(/\/+$/, '')}/_emulator/info`, { dispatcher, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as EmulatorInfo;
  } finally {
    await dispatcher.close();
  }
}

/** Finds the running local emulator (ENTRA_SAGA_EMULATOR_URL, default https://127.0.0.1:8443). */
export async function discoverEmbeddedEmulator(env: NodeJS.ProcessEnv = process.env): Promise<EmulatorInfo> {
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
    return await fetchEmulatorInfo(url, caPem);
  } catch (error) {
    throw new ConfigError(
      'AZURE_TENANT_ID',
      `is not set and the local Graph emulator at ${url} does not answer (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it with `npm run emulator`, set ENTRA_SAGA_EMULATOR_URL, or configure a real tenant.',
    );
  }
}
