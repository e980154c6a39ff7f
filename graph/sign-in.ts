// A person's sign-in to Microsoft Graph, for what Graph lets only people do: ask for access themself, decide an
// approval, cancel a request. The device-code flow of @azure/identity, the same against a real tenant (the person
// signs in at https://microsoft.com/devicelogin) and against the local emulator (its own sign-in page); the Graph
// client is the official one, as the worker's is.

import { DeviceCodeCredential, type DeviceCodeInfo } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from './client.js';
import { trustedCas } from './credential.js';
import type { GraphSettings } from './settings.js';

const publicCloudAuthority = 'https://login.microsoftonline.com';

/** The delegated permissions each side asks for, as Graph documents them as least privileged. */
export const delegatedScopes = {
  /** The requestor asking for, or cancelling, their own access. */
  requestor: 'EntitlementMgmt-SubjectAccess.ReadWrite',
  /** An approver reading and deciding approvals; an admin cancelling another's request. */
  approver: 'EntitlementManagement.ReadWrite.All',
} as const;

export interface SignInOptions {
  /** The public client app registration people sign in to (device-code flow allowed). */
  clientId: string;
  /** Delegated permissions, e.g. `EntitlementMgmt-SubjectAccess.ReadWrite`. */
  scope: string;
  /** Shows the person where to sign in and the code to enter (Entra's codes last 15 minutes). */
  prompt: (info: DeviceCodeInfo) => void;
}

/**
 * The person's device-code credential and the Graph scope it asks for (`https://graph.microsoft.com/<scope>`); its
 * first getToken starts the sign-in, later ones are silent until the token expires.
 */
export function deviceCodeSignIn(
  settings: GraphSettings,
  options: SignInOptions,
): { credential: DeviceCodeCredential; scope: string } {
  const ca = trustedCas(settings);
  const credential = new DeviceCodeCredential({
    tenantId: settings.tenantId,
    clientId: options.clientId,
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: settings.authorityHost !== publicCloudAuthority,
    userPromptCallback: options.prompt,
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
  const resource = new URL(settings.scope).origin;
  return { credential, scope: `${resource}/${options.scope}` };
}

/** A Graph client acting as the person who signs in; the first call starts the sign-in. */
export function signedInGraphClient(settings: GraphSettings, options: SignInOptions): Client {
  const { credential, scope } = deviceCodeSignIn(settings, options);
  return createGraphClient({ ...settings, scope }, { credential });
}
