// The OAuth 2.0 device authorization grant as Entra runs it:
//   POST /{tenant}/oauth2/v2.0/devicecode {client_id, scope}
//     → {device_code, user_code, verification_uri, expires_in, interval, message};
//   a person opens verification_uri (the emulator's /devicelogin page), enters user_code and signs in — or the control
//   plane completes the code for a user (POST /_emulator/device-sign-in);
//   POST …/token {grant_type=urn:ietf:params:oauth:grant-type:device_code (MSAL sends `device_code`), client_id,
//   device_code} answers 400 authorization_pending (AADSTS70016) until then, then the user's token once — or
//   authorization_declined, expired_token (AADSTS70020) after expires_in on the emulator clock, bad_verification_code
//   for a code it does not know. No slow_down: Entra's documented errors do not include it.

import type { EmulatorContext } from '../context.js';
import type { Reply } from '../server/exchange.js';
import type { UserRecord } from '../store/state.js';
import { findClientApp, type ClientApp } from './client-apps.js';
import { decideDelegatedScopes } from './delegated-scopes.js';
import type { DeviceCodeRecord } from './device-codes.js';
import { signInProblem } from './sign-in-rules.js';
import { userTokenReply } from './token-replies.js';

type Fail = (status: number, error: string, code: number, description: string) => Reply;

export const deviceCodeGrantTypes: readonly string[] = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];

function verificationUri(ctx: EmulatorContext): string {
  return `${ctx.origin}/devicelogin`;
}

/** POST /{tenant}/oauth2/v2.0/devicecode, once the tenant and the form are known to be good. */
export function requestDeviceCode(ctx: EmulatorContext, form: URLSearchParams, fail: Fail): Reply {
  const clientId = form.get('client_id')?.toLowerCase();
  if (!clientId)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = findClientApp(ctx, clientId);
  if (!client) return unknownClient(ctx, clientId, fail);
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  const decision = decideDelegatedScopes(ctx.config.delegatedPermissions, scopes);
  if (!decision.ok && 'unknownResource' in decision) {
    return fail(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${decision.unknownResource} was not found in the tenant named ${ctx.options.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  // Scopes without consent are not refused here: the person is told on the sign-in page that an admin must approve.
  const record = ctx.deviceCodes.issue(
    { appId: client.appId, displayName: client.displayName },
    scopes,
    ctx.clock.now(),
    ctx.config.deviceCodeExpiresInSeconds,
  );
  const uri = verificationUri(ctx);
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: {
      user_code: record.userCode,
      device_code: record.deviceCode,
      verification_uri: uri,
      expires_in: ctx.config.deviceCodeExpiresInSeconds,
      interval: ctx.config.deviceCodeIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${uri} and enter the code ${record.userCode} to authenticate.`,
    },
  };
}

export function unknownClient(ctx: EmulatorContext, clientId: string, fail: Fail): Reply {
  return fail(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${ctx.options.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );
}

/** The token endpoint's device_code grant, for a client already identified (and allowed public client flows). */
export function redeemDeviceCode(ctx: EmulatorContext, client: ClientApp, form: URLSearchParams, fail: Fail): Reply {
  const deviceCode = form.get('device_code');
  if (!deviceCode)
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'device_code'.",
    );
  const record = ctx.deviceCodes.byDeviceCode(deviceCode);
  if (!record || record.client.appId !== client.appId) {
    return fail(
      400,
      'bad_verification_code',
      70018,
      "The provided value for the input parameter 'device_code' is not valid.",
    );
  }
  if (record.outcome?.kind !== 'approved' && ctx.clock.now() >= record.expiresAt) {
    return fail(
      400,
      'expired_token',
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    );
  }
  if (!record.outcome) {
    return fail(
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    );
  }
  if (record.outcome.kind === 'declined')
    return fail(400, 'authorization_declined', 65004, 'User declined to consent to access the app.');
  ctx.deviceCodes.forget(record);
  const user = ctx.store.state.users.find((u) => u.id === (record.outcome as { userId: string }).userId);
  const problem = signInProblem(ctx, user, null);
  if (problem || !user) return fail(400, 'invalid_grant', problem?.aadsts ?? 50034, problem?.description ?? '');
  const decision = decideDelegatedScopes(ctx.config.delegatedPermissions, record.scopes);
  if (!decision.ok) return notConsented(ctx, client, fail);
  return userTokenReply(ctx, user, client, decision.granted, {
    openid: decision.openid,
    offlineAccess: decision.offlineAccess,
    clientInfo: form.get('client_info') === '1',
  });
}

export function notConsented(ctx: EmulatorContext, client: ClientApp, fail: Fail): Reply {
  return fail(
    400,
    'invalid_grant',
    65001,
    `The user or administrator has not consented to use the application with ID '${client.appId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
  );
}

/** Why a device code cannot be completed now, if it cannot. */
export type CompletionProblem =
  { kind: 'expired' } | { kind: 'completed' } | { kind: 'needsAdminApproval'; scopes: string[] };

export function completionProblem(ctx: EmulatorContext, record: DeviceCodeRecord): CompletionProblem | undefined {
  if (record.outcome) return { kind: 'completed' };
  if (ctx.clock.now() >= record.expiresAt) return { kind: 'expired' };
  const decision = decideDelegatedScopes(ctx.config.delegatedPermissions, record.scopes);
  if (!decision.ok && 'notConsented' in decision) return { kind: 'needsAdminApproval', scopes: decision.notConsented };
  return undefined;
}

/** The permissions the person agrees to: every consented Graph permission, and the OpenID scopes asked for. */
export function permissionsShown(ctx: EmulatorContext, record: DeviceCodeRecord): string[] {
  const oidc = record.scopes.filter((s) => ['openid', 'profile', 'email', 'offline_access'].includes(s.toLowerCase()));
  return [...ctx.config.delegatedPermissions, ...oidc.map((s) => s.toLowerCase())];
}

export function approveDeviceCode(ctx: EmulatorContext, record: DeviceCodeRecord, user: UserRecord): void {
  record.outcome = { kind: 'approved', userId: user.id, at: ctx.clock.now() };
}

export function declineDeviceCode(ctx: EmulatorContext, record: DeviceCodeRecord): void {
  record.outcome = { kind: 'declined', at: ctx.clock.now() };
}
