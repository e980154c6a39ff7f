// POST /{tenant}/oauth2/v2.0/token. Supports what the project's clients use:
//   client_credentials with client_secret, or with a client_assertion signed by a certificate registered through
//   POST /_emulator/app-certificates (what ClientCertificateCredential sends);
//   password (ROPC) for users created through Graph, so a test can act as a user with a delegated token;
//   the device code grant (device-authorization.ts), what DeviceCodeCredential polls with;
//   refresh_token, how MSAL renews a user's token silently (refresh-tokens.ts).
// The user grants are public client flows: without a client credential the app must allow them (the emulator's
// own app does; an app registered through Graph does with isFallbackPublicClient), else 401 AADSTS7000218.

import type { EmulatorContext } from '../context.js';
import { header, type Exchange, type Reply } from '../server/exchange.js';
import { findClientApp, type ClientApp } from './client-apps.js';
import { verifyClientAssertion } from './client-assertion.js';
import { decideDelegatedScopes, splitScope, isGraphResource } from './delegated-scopes.js';
import {
  deviceCodeGrantTypes,
  notConsented,
  redeemDeviceCode,
  requestDeviceCode,
  unknownClient,
} from './device-authorization.js';
import { oauthError } from './oauth-errors.js';
import { secretsEqual } from './passwords.js';
import { readRefreshToken } from './refresh-tokens.js';
import { findUserByPrincipalName, signInProblem } from './sign-in-rules.js';
import { tokenReply, userTokenReply } from './token-replies.js';
import { issueAppToken } from './tokens.js';

type Fail = (status: number, error: string, code: number, description: string) => Reply;

export function resolveTenant(ctx: EmulatorContext, tenant: string): boolean {
  const value = tenant.toLowerCase();
  return (
    value === ctx.options.tenantId ||
    ctx.store.state.domains.some((d) => d.id === value && d.isVerified) ||
    value === 'organizations'
  );
}

/** The steps both endpoints share: the tenant, then a form body. */
function readForm(
  ctx: EmulatorContext,
  tenant: string,
  exchange: Exchange,
  fail: Fail,
  firstParameter: string,
): URLSearchParams | Reply {
  if (!resolveTenant(ctx, tenant)) {
    return fail(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const contentType = header(exchange, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return fail(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${firstParameter}'.`,
    );
  }
  return new URLSearchParams(exchange.rawBody.toString('utf8'));
}

function failWith(exchange: Exchange): Fail {
  const correlationId = header(exchange, 'client-request-id') ?? exchange.requestId;
  return (status, error, code, description) => oauthError(status, error, code, description, correlationId);
}

export function handleDeviceCodeRequest(ctx: EmulatorContext, tenant: string, exchange: Exchange): Reply {
  const fail = failWith(exchange);
  const form = readForm(ctx, tenant, exchange, fail, 'client_id');
  return form instanceof URLSearchParams ? requestDeviceCode(ctx, form, fail) : form;
}

export function handleTokenRequest(ctx: EmulatorContext, tenant: string, exchange: Exchange): Reply {
  const fail = failWith(exchange);
  const form = readForm(ctx, tenant, exchange, fail, 'grant_type');
  if (!(form instanceof URLSearchParams)) return form;
  const grantType = form.get('grant_type');
  const clientId = form.get('client_id')?.toLowerCase();
  if (!grantType)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (!clientId)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = findClientApp(ctx, clientId);
  if (!client) return unknownClient(ctx, clientId, fail);

  // Client authentication: a secret, or a certificate-signed assertion (only the emulator's app has either).
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  let authenticated = false;
  if (assertion !== null) {
    const problem = client.isEmulatorApp
      ? verifyClientAssertion(ctx, assertion, form.get('client_assertion_type'), tenant)
      : {
          code: 700027,
          description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]`,
        };
    if (problem) return fail(401, 'invalid_client', problem.code, problem.description);
    authenticated = true;
  } else if (secret !== null) {
    if (!client.isEmulatorApp || !secretsEqual(secret, ctx.options.clientSecret)) {
      return fail(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.appId}'.`,
      );
    }
    authenticated = true;
  }
  const isUserGrant =
    grantType === 'password' || grantType === 'refresh_token' || deviceCodeGrantTypes.includes(grantType);
  if (!authenticated && (grantType === 'client_credentials' || (isUserGrant && !client.allowsPublicClientFlows))) {
    return fail(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }

  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (grantType === 'client_credentials') return clientCredentials(ctx, scopes, fail);
  if (grantType === 'password') return password(ctx, client, form, scopes, fail);
  if (grantType === 'refresh_token') return refresh(ctx, client, form, scopes, fail);
  if (deviceCodeGrantTypes.includes(grantType)) return redeemDeviceCode(ctx, client, form, fail);
  return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
}

function clientCredentials(ctx: EmulatorContext, scopes: string[], fail: Fail): Reply {
  const resourceScopes = scopes.filter((s) => splitScope(s).resource !== undefined);
  const scope = resourceScopes[0];
  if (resourceScopes.length !== 1 || !scope || !scope.endsWith('/.default')) {
    return fail(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ') || '(none)'} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const { resource } = splitScope(scope);
  if (!resource || !isGraphResource(resource)) {
    return fail(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource ?? scope} was not found in the tenant named ${ctx.options.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const token = issueAppToken(ctx, ctx.config.permissions);
  return tokenReply(token.accessToken, token.expiresIn, {});
}

function password(ctx: EmulatorContext, client: ClientApp, form: URLSearchParams, scopes: string[], fail: Fail) {
  const username = form.get('username');
  const pass = form.get('password');
  if (!username || pass === null)
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'username' and 'password'.",
    );
  const decision = decideDelegatedScopes(ctx.config.delegatedPermissions, scopes);
  if (!decision.ok && 'unknownResource' in decision) {
    return fail(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${decision.unknownResource} was not found in the tenant named ${ctx.options.tenantId}.`,
    );
  }
  if (!decision.ok) return notConsented(ctx, client, fail);
  const user = findUserByPrincipalName(ctx, username);
  const problem = signInProblem(ctx, user, pass);
  if (problem || !user) return fail(400, 'invalid_grant', problem?.aadsts ?? 50034, problem?.description ?? '');
  return userTokenReply(ctx, user, client, decision.granted, {
    openid: decision.openid,
    offlineAccess: decision.offlineAccess,
    clientInfo: form.get('client_info') === '1',
  });
}

function refresh(ctx: EmulatorContext, client: ClientApp, form: URLSearchParams, scopes: string[], fail: Fail) {
  const token = form.get('refresh_token');
  if (!token)
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'refresh_token'.",
    );
  const grant = readRefreshToken(ctx, token);
  if (grant === 'expired')
    return fail(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
  if (grant === 'invalid' || grant.appId !== client.appId)
    return fail(
      400,
      'invalid_grant',
      70000,
      "The provided value for the input parameter 'refresh_token' is not valid.",
    );
  const decision = decideDelegatedScopes(ctx.config.delegatedPermissions, scopes);
  if (!decision.ok) return notConsented(ctx, client, fail);
  const user = ctx.store.state.users.find((u) => u.id === grant.userId && u.deletedAt === undefined);
  const problem = signInProblem(ctx, user, null);
  if (problem || !user) return fail(400, 'invalid_grant', problem?.aadsts ?? 50034, problem?.description ?? '');
  return userTokenReply(ctx, user, client, decision.granted, {
    openid: decision.openid,
    offlineAccess: true,
    clientInfo: form.get('client_info') === '1',
  });
}
