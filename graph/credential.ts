// The @azure/identity credential chosen by the settings. Against the emulator the only differences are the authority
// host (so instance discovery, which asks login.microsoftonline.com, is turned off) and the extra trusted CA.

import { rootCertificates } from 'node:tls';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { ConfigError } from '../config/config-error.js';
import type { GraphSettings } from './settings.js';

const publicCloudAuthority = 'https://login.microsoftonline.com';

/** TLS trust for a client that must also accept the extra CA; undefined keeps Node's defaults. */
export function trustedCas(settings: Pick<GraphSettings, 'extraCaPem'>): string[] | undefined {
  return settings.extraCaPem ? [...rootCertificates, settings.extraCaPem] : undefined;
}

export function createCredential(settings: GraphSettings): TokenCredential {
  const ca = trustedCas(settings);
  const common = {
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: settings.authorityHost !== publicCloudAuthority,
    ...(ca ? { tlsOptions: { ca } } : {}),
  };
  switch (settings.credential) {
    case 'client-secret':
      return new ClientSecretCredential(
        settings.tenantId,
        settings.clientId ?? '',
        settings.clientSecret ?? '',
        common,
      );
    case 'certificate':
      return new ClientCertificateCredential(
        settings.tenantId,
        settings.clientId ?? '',
        { certificatePath: settings.certificatePath ?? '', certificatePassword: settings.certificatePassword },
        common,
      );
    case 'managed-identity':
      return settings.clientId
        ? new ManagedIdentityCredential({ clientId: settings.clientId })
        : new ManagedIdentityCredential();
    case 'default':
      return new DefaultAzureCredential({
        ...common,
        tenantId: settings.tenantId,
        managedIdentityClientId: settings.clientId,
      });
  }
}

/**
 * Asks for one token at start, so that a credential Entra refuses stops the worker with a message naming the setting
 * (instead of every run failing in its preflight). Resolves a warning when Entra cannot be reached: the worker may
 * start before the network or the emulator, and runs retry then.
 */
export async function checkCredential(settings: GraphSettings, timeoutMs = 15_000): Promise<string | undefined> {
  const credential = createCredential(settings);
  try {
    await credential.getToken(settings.scope, { abortSignal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /AADSTS\d+/.exec(message)?.[0];
    const setting = /AADSTS7000215|AADSTS7000222|invalid_client/.test(message)
      ? settings.credential === 'certificate'
        ? 'AZURE_CLIENT_CERTIFICATE_PATH'
        : 'AZURE_CLIENT_SECRET'
      : /AADSTS700016|unauthorized_client/.test(message)
        ? 'AZURE_CLIENT_ID'
        : /AADSTS90002|AADSTS900023/.test(message)
          ? 'AZURE_TENANT_ID'
          : undefined;
    if (setting)
      throw new ConfigError(
        setting,
        `was refused by Microsoft Entra${code ? ` (${code})` : ''}: check the app registration and its credential`,
      );
    return `could not get a token for Microsoft Graph at start (${message.split('\n')[0]}); runs will retry`;
  }
}
