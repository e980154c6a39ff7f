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
      return new ClientSecretCredential(settings.tenantId, settings.clientId ?? '', settings.clientSecret ?? '', common);
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
      return new DefaultAzureCredential({ ...common, tenantId: settings.tenantId, managedIdentityClientId: settings.clientId });
  }
}
