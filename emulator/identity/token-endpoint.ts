// POST /{tenant}/oauth2/v2.0/token. Supports what the project's clients use:
//   client_credentials with client_secret, or with a client_assertion signed by a certificate registered through
//   POST /_emulator/app-certificates (what ClientCertificateCredential sends);
//   password (ROPC) for users created through Graph, so a test can act as a user with a delegated token.

import type { EmulatorContext } from '../context.js';
import { header, type Exchange, type Reply } from '../server/exchange.js';
import { verifyClientAssertion } from './client-assertion.js';
import { defaultDelegatedScopes, graphAppId, userDelegatedScopes } from './caller.js';
import { oauthError } from './oauth-errors.js';
import { passwordMatches, secretsEqual } from './passwords.js';
import { issueAppToken, issueIdToken, issueUserToken } from './tokens.js';

const graphResources = ['https://graph.microsoft.com', graphAppId];
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

export function resolveTenant(ctx: EmulatorContext, tenant: string): boolean {
  const value = tenant.toLowerCase();
  return (
    value === ctx.options.tenantId ||
    ctx.store.state.domains.some((d) => d.id === value && d.isVerified) ||
    value === 'organizations'
  );
}

export function handleTokenRequest(ctx: EmulatorContext, tenant: string, exchange: Exchange): Reply {
  const correlationId = header(exchange, 'client-request-id') ?? exchange.requestId;
  const fail = (status: number, error: string, code: number, description: string) =>
    oauthError(status, error, code, description, correlationId);
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
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  }
  const form = new URLSearchParams(exchange.rawBody.toString('utf8'));
  const grantType = form.get('grant_type');
  const clientId = form.get('client_id')?.toLowerCase();
  if (!grantType)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (!clientId)
    return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  if (clientId !== ctx.options.clientId) {
    return fail(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.options.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }

  // Client authentication: a secret, or a certificate-signed assertion. ROPC may come from a public client.
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    const problem = verifyClientAssertion(ctx, assertion, form.get('client_assertion_type'), tenant);
    if (problem) return fail(401, 'invalid_client', problem.code, problem.description);
  } else if (secret !== null) {
    if (!secretsEqual(secret, ctx.options.clientSecret)) {
      return fail(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${ctx.options.clientId}'.`,
      );
    }
  } else if (grantType === 'client_credentials') {
    return fail(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }

  const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  switch (grantType) {
    case 'client_credentials':
      return clientCredentials(ctx, scopes, fail);
    case 'password':
      return password(ctx, form, scopes, fail);
    default:
      return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
}

type Fail = (status: number, error: string, code: number, description: string) => Reply;

/** `https://graph.microsoft.com/User.Read` → resource + name; bare names mean Graph; OpenID scopes have no resource. */
function splitScope(scope: string): { resource: string | undefined; name: string } {
  if (oidcScopes.has(scope)) return { resource: undefined, name: scope };
  const slash = scope.lastIndexOf('/');
  if (slash < 0) return { resource: 'https://graph.microsoft.com', name: scope };
  return { resource: scope.slice(0, slash).toLowerCase(), name: scope.slice(slash + 1) };
}

function clientCredentials(ctx: EmulatorContext, scopes: string[], fail: Fail): Reply {
  const resourceScopes = scopes.filter((s) => !oidcScopes.has(s));
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
  if (!resource || !graphResources.includes(resource)) {
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

function password(ctx: EmulatorContext, form: URLSearchParams, scopes: string[], fail: Fail): Reply {
  const username = form.get('username')?.toLowerCase();
  const pass = form.get('password');
  if (!username || pass === null)
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'username' and 'password'.",
    );
  const granted = new Set<string>();
  for (const scope of scopes) {
    const { resource, name } = splitScope(scope);
    if (resource === undefined) continue;
    if (!graphResources.includes(resource)) {
      return fail(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${ctx.options.tenantId}.`,
      );
    }
    if (name === '.default') defaultDelegatedScopes.forEach((s) => granted.add(s));
    else if (userDelegatedScopes.includes(name)) granted.add(name);
    else {
      return fail(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${ctx.options.clientId}' named 'entra-saga'. Send an interactive authorization request for this user and resource.`,
      );
    }
  }
  if (granted.size === 0) defaultDelegatedScopes.forEach((s) => granted.add(s));
  const user = ctx.store.state.users.find(
    (u) => u.deletedAt === undefined && u.userPrincipalName.toLowerCase() === username,
  );
  if (!user) {
    return fail(
      400,
      'invalid_grant',
      50034,
      `The user account {EUII Hidden} does not exist in the ${ctx.options.tenantId} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  if (!passwordMatches(pass, user.passwordHash, user.passwordSalt)) {
    return fail(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
  }
  if (!user.accountEnabled) return fail(400, 'invalid_grant', 50057, 'The user account is disabled.');
  if (user.forceChangePasswordNextSignIn) {
    return fail(400, 'invalid_grant', 50055, 'The password is expired.');
  }
  const scopeList = [...granted];
  const token = issueUserToken(ctx, user, scopeList);
  const extras: Record<string, unknown> = { scope: scopeList.map((s) => `https://graph.microsoft.com/${s}`).join(' ') };
  if (scopes.includes('openid')) extras.id_token = issueIdToken(ctx, user);
  if (form.get('client_info') === '1') {
    extras.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: ctx.options.tenantId })).toString(
      'base64url',
    );
  }
  return tokenReply(token.accessToken, token.expiresIn, extras);
}

function tokenReply(accessToken: string, expiresIn: number, extras: Record<string, unknown>): Reply {
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: accessToken,
      ...extras,
    },
  };
}
