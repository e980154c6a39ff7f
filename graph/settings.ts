// Graph connection settings, read once from the environment, validated and frozen. The same settings reach a real
// tenant (graph.microsoft.com) and the local emulator: only the authority host, the Graph base URL and the trusted CA
// differ.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';

type CredentialKind = 'client-secret' | 'certificate' | 'managed-identity' | 'default';

export interface GraphSettings {
  readonly tenantId: string;
  /** The app registration (or user-assigned managed identity) client id; optional for `default`. */
  readonly clientId?: string;
  readonly credential: CredentialKind;
  /** Only for `client-secret`. Never logged. */
  readonly clientSecret?: string;
  /** Only for `certificate`: a PEM file holding the private key and the certificate. */
  readonly certificatePath?: string;
  readonly certificatePassword?: string;
  /** Microsoft Entra authority host, e.g. https://login.microsoftonline.com. */
  readonly authorityHost: string;
  /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0. */
  readonly graphBaseUrl: string;
  /** The OAuth scope asked for, `https://graph.microsoft.com/.default` by default. */
  readonly scope: string;
  /** PEM of an extra CA to trust (the emulator's), added to Node's default roots. */
  readonly extraCaPem?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const credentialKinds: readonly CredentialKind[] = ['client-secret', 'certificate', 'managed-identity', 'default'];

function httpsUrl(setting: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(setting, `must be an https URL (got "${value}")`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(setting, `must use https (got "${value}")`);
  return value.replace(/\/+$/, '');
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Reads AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET | AZURE_CLIENT_CERTIFICATE_PATH
 * (+ AZURE_CLIENT_CERTIFICATE_PASSWORD), ENTRA_SAGA_CREDENTIAL, AZURE_AUTHORITY_HOST, GRAPH_BASE_URL, GRAPH_SCOPE and
 * GRAPH_CA_CERT_PATH. Throws a ConfigError naming the first bad setting.
 */
export function graphSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): GraphSettings {
  const tenantId = nonEmpty(env, 'AZURE_TENANT_ID');
  if (!tenantId)
    throw new ConfigError('AZURE_TENANT_ID', 'is not set: give the directory (tenant) id of your Entra tenant');
  if (!GUID.test(tenantId) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(tenantId)) {
    throw new ConfigError('AZURE_TENANT_ID', `must be a GUID or a verified domain name (got "${tenantId}")`);
  }
  const clientId = nonEmpty(env, 'AZURE_CLIENT_ID');
  if (clientId !== undefined && !GUID.test(clientId)) {
    throw new ConfigError('AZURE_CLIENT_ID', `must be the application (client) id, a GUID (got "${clientId}")`);
  }
  const clientSecret = nonEmpty(env, 'AZURE_CLIENT_SECRET');
  const certificatePath = nonEmpty(env, 'AZURE_CLIENT_CERTIFICATE_PATH');
  const explicit = nonEmpty(env, 'ENTRA_SAGA_CREDENTIAL');
  if (explicit !== undefined && !credentialKinds.includes(explicit as CredentialKind)) {
    throw new ConfigError('ENTRA_SAGA_CREDENTIAL', `must be one of ${credentialKinds.join(', ')} (got "${explicit}")`);
  }
  const credential: CredentialKind =
    (explicit as CredentialKind | undefined) ??
    (clientSecret ? 'client-secret' : certificatePath ? 'certificate' : 'default');
  if (credential === 'client-secret') {
    if (!clientId)
      throw new ConfigError('AZURE_CLIENT_ID', 'is not set: a client secret needs the app registration id');
    if (!clientSecret) throw new ConfigError('AZURE_CLIENT_SECRET', 'is not set (ENTRA_SAGA_CREDENTIAL=client-secret)');
  }
  if (credential === 'certificate') {
    if (!clientId) throw new ConfigError('AZURE_CLIENT_ID', 'is not set: a certificate needs the app registration id');
    if (!certificatePath) {
      throw new ConfigError('AZURE_CLIENT_CERTIFICATE_PATH', 'is not set (ENTRA_SAGA_CREDENTIAL=certificate)');
    }
    try {
      readFileSync(certificatePath);
    } catch {
      throw new ConfigError('AZURE_CLIENT_CERTIFICATE_PATH', `cannot be read (${certificatePath})`);
    }
  }
  const caPath = nonEmpty(env, 'GRAPH_CA_CERT_PATH');
  let extraCaPem: string | undefined;
  if (caPath) {
    try {
      extraCaPem = readFileSync(caPath, 'utf8');
    } catch {
      throw new ConfigError('GRAPH_CA_CERT_PATH', `cannot be read (${caPath})`);
    }
    if (!extraCaPem.includes('BEGIN CERTIFICATE')) {
      throw new ConfigError('GRAPH_CA_CERT_PATH', `is not a PEM certificate (${caPath})`);
    }
  }
  const graphBaseUrl = httpsUrl(
    'GRAPH_BASE_URL',
    nonEmpty(env, 'GRAPH_BASE_URL') ?? 'https://graph.microsoft.com/v1.0',
  );
  if (!/\/(v1\.0|beta)$/.test(graphBaseUrl)) {
    throw new ConfigError('GRAPH_BASE_URL', `must end with the API version, /v1.0 (got "${graphBaseUrl}")`);
  }
  return Object.freeze({
    tenantId,
    clientId,
    credential,
    clientSecret: credential === 'client-secret' ? clientSecret : undefined,
    certificatePath: credential === 'certificate' ? certificatePath : undefined,
    certificatePassword: credential === 'certificate' ? nonEmpty(env, 'AZURE_CLIENT_CERTIFICATE_PASSWORD') : undefined,
    authorityHost: httpsUrl(
      'AZURE_AUTHORITY_HOST',
      nonEmpty(env, 'AZURE_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com',
    ),
    graphBaseUrl,
    scope: nonEmpty(env, 'GRAPH_SCOPE') ?? 'https://graph.microsoft.com/.default',
    extraCaPem,
  });
}

/** The settings without secrets, for logs and the operator's status line. */
export function describeGraphSettings(settings: GraphSettings): string {
  return `tenant ${settings.tenantId}, ${settings.credential} credential, Graph ${settings.graphBaseUrl}`;
}
