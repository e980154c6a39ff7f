// The identity-platform endpoints under /{tenant}/…: OpenID discovery, JWKS, the device code and token endpoints,
// instance discovery under /common, and the device sign-in page (/devicelogin, a page for people: no faults).
// Scripted faults apply to the others too (a token endpoint outage is a useful chaos case).

import type { EmulatorContext } from '../context.js';
import { oauthError } from '../identity/oauth-errors.js';
import { instanceDiscovery, jwks, openIdConfiguration } from '../identity/openid.js';
import { serveDeviceLogin } from '../identity/device-login.js';
import { handleDeviceCodeRequest, handleTokenRequest, resolveTenant } from '../identity/token-endpoint.js';
import type { Exchange, Reply } from './exchange.js';

export interface IdentityMatch {
  routeKey: string;
  serve(): Promise<Reply>;
}

export function matchIdentity(ctx: EmulatorContext, exchange: Exchange): IdentityMatch | undefined {
  const path = exchange.url.pathname;
  const method = exchange.method;
  const withFaults = (routeKey: string, produce: () => Reply): IdentityMatch => ({
    routeKey,
    async serve() {
      const fault = await ctx.faults.apply(method, path);
      if (fault) {
        ctx.stats.countFault();
        exchange.answerDelayMs = fault.answerDelayMs;
      }
      if (!fault?.error) return produce();
      if (fault.handled) produce(); // applied: the request is served, its answer replaced by the error
      const { status, message, retryAfterSeconds } = fault.error;
      const reply = oauthError(
        status,
        status === 429 ? 'temporarily_unavailable' : 'server_error',
        50196,
        message ?? 'Fault injected by the Graph emulator.',
        exchange.clientRequestId,
      );
      if (retryAfterSeconds !== undefined)
        reply.headers = { ...reply.headers, 'Retry-After': String(retryAfterSeconds) };
      return reply;
    },
  });
  if (method === 'GET' && path === '/common/discovery/instance')
    return withFaults('GET /common/discovery/instance', () => instanceDiscovery(ctx));
  if (path === '/devicelogin' && (method === 'GET' || method === 'POST'))
    return { routeKey: `${method} /devicelogin`, serve: () => Promise.resolve(serveDeviceLogin(ctx, exchange)) };
  const match =
    /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token|oauth2\/v2\.0\/devicecode)$/.exec(
      path,
    );
  if (!match) return undefined;
  let tenant: string;
  try {
    tenant = decodeURIComponent(match[1]!);
  } catch {
    tenant = match[1]!;
  }
  const endpoint = match[2]!;
  if (endpoint === 'oauth2/v2.0/token') {
    if (method !== 'POST') return undefined;
    return withFaults('POST /{tenant}/oauth2/v2.0/token', () => handleTokenRequest(ctx, tenant, exchange));
  }
  if (endpoint === 'oauth2/v2.0/devicecode') {
    if (method !== 'POST') return undefined;
    return withFaults('POST /{tenant}/oauth2/v2.0/devicecode', () => handleDeviceCodeRequest(ctx, tenant, exchange));
  }
  if (method !== 'GET') return undefined;
  const unknownTenant = () =>
    oauthError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      exchange.clientRequestId,
    );
  if (endpoint.includes('openid-configuration')) {
    return withFaults('GET /{tenant}/v2.0/.well-known/openid-configuration', () =>
      resolveTenant(ctx, tenant) || tenant === 'common' ? openIdConfiguration(ctx, tenant) : unknownTenant(),
    );
  }
  return withFaults('GET /{tenant}/discovery/v2.0/keys', () => jwks(ctx));
}
