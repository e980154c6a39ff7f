// Issues the emulator's access tokens: RS256 JWTs in the v1 format Graph receives from Entra
// (iss https://sts.windows.net/{tid}/, aud https://graph.microsoft.com), with `roles` for app-only tokens and
// `scp` for delegated (user) tokens. Lifetimes run on the wall clock (see clock.ts).

import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import type { UserRecord } from '../store/state.js';
import { identityDefaults } from '../options.js';
import { signJwt } from './jwt.js';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenOverrides {
  /** Seconds from now; negative issues an already expired token. */
  expiresInSeconds?: number;
  audience?: string;
  /** The app the token is issued to (appid, app_displayname); default the emulator's own app. */
  client?: { appId: string; displayName: string };
}

function baseClaims(ctx: EmulatorContext, overrides: TokenOverrides) {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = overrides.expiresInSeconds ?? ctx.config.tokenLifetimeSeconds;
  const iss = `https://sts.windows.net/${ctx.options.tenantId}/`;
  return {
    lifetime,
    claims: {
      aud: overrides.audience ?? 'https://graph.microsoft.com',
      iss,
      iat: Math.min(now, now + lifetime) - 1,
      nbf: Math.min(now, now + lifetime) - 1,
      exp: now + lifetime,
      app_displayname: overrides.client?.displayName ?? identityDefaults.appDisplayName,
      appid: overrides.client?.appId ?? ctx.options.clientId,
      appidacr: overrides.client ? '0' : '1',
      idp: iss,
      tid: ctx.options.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    },
  };
}

function sign(ctx: EmulatorContext, claims: Record<string, unknown>): string {
  return signJwt({ typ: 'JWT', x5t: ctx.signingKey.kid, kid: ctx.signingKey.kid }, claims, ctx.signingKey.privateKey);
}

export function issueAppToken(
  ctx: EmulatorContext,
  roles: readonly string[],
  overrides: TokenOverrides = {},
): IssuedToken {
  const { lifetime, claims } = baseClaims(ctx, overrides);
  const token = sign(ctx, {
    ...claims,
    idtyp: 'app',
    oid: identityDefaults.servicePrincipalId,
    sub: identityDefaults.servicePrincipalId,
    ...(roles.length > 0 ? { roles: [...roles] } : {}),
  });
  return { accessToken: token, expiresIn: lifetime };
}

export function issueUserToken(
  ctx: EmulatorContext,
  user: UserRecord,
  scopes: readonly string[],
  overrides: TokenOverrides = {},
): IssuedToken {
  const { lifetime, claims } = baseClaims(ctx, overrides);
  const token = sign(ctx, {
    ...claims,
    acr: '1',
    amr: ['pwd'],
    idtyp: 'user',
    ipaddr: '127.0.0.1',
    name: user.displayName,
    oid: user.id,
    scp: scopes.join(' '),
    sub: pairwiseSubject(user.id, overrides.client?.appId ?? ctx.options.clientId),
    unique_name: user.userPrincipalName,
    upn: user.userPrincipalName,
  });
  return { accessToken: token, expiresIn: lifetime };
}

/** Entra's `sub` is pairwise: the same user has a different subject in each app. */
function pairwiseSubject(userId: string, appId: string): string {
  return Buffer.from(`${userId}:${appId}`).toString('base64url').slice(0, 43);
}

/** The OpenID id token MSAL expects alongside a user's access token (it reads the account from it). */
export function issueIdToken(ctx: EmulatorContext, user: UserRecord, appId = ctx.options.clientId): string {
  const now = Math.floor(Date.now() / 1000);
  return sign(ctx, {
    aud: appId,
    iss: `${ctx.origin}/${ctx.options.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + ctx.config.tokenLifetimeSeconds,
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    sub: pairwiseSubject(user.id, appId),
    tid: ctx.options.tenantId,
    uti: randomUUID(),
    ver: '2.0',
  });
}
