// Refresh tokens, issued with a user token when the client asked for `offline_access` (MSAL always does) and redeemed
// by the refresh_token grant — which is how MSAL renews a user's access token silently, so a DeviceCodeCredential
// asks its person only once. Entra's are opaque; the emulator's are signed by the token-signing key (so they survive
// a restart and need no storage) and carry no audience, so Graph refuses one used as an access token. They last 90
// days on the wall clock, like Entra's inactivity limit; each redemption hands out a new one.

import type { EmulatorContext } from '../context.js';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';

const lifetimeSeconds = 90 * 24 * 3600;

export interface RefreshGrant {
  userId: string;
  appId: string;
}

export function issueRefreshToken(ctx: EmulatorContext, grant: RefreshGrant): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { typ: 'RT', kid: ctx.signingKey.kid },
    {
      token_use: 'refresh',
      uid: grant.userId,
      appid: grant.appId,
      tid: ctx.options.tenantId,
      iat: now,
      exp: now + lifetimeSeconds,
    },
    ctx.signingKey.privateKey,
  );
}

/** The grant a refresh token stands for, or why it is refused. */
export function readRefreshToken(ctx: EmulatorContext, token: string): RefreshGrant | 'invalid' | 'expired' {
  const jwt = decodeJwt(token);
  if (!jwt || jwt.header.typ !== 'RT' || !verifyJwtSignature(jwt, ctx.signingKey.publicKey)) return 'invalid';
  const { token_use: use, uid, appid, tid, exp } = jwt.claims;
  if (use !== 'refresh' || typeof uid !== 'string' || typeof appid !== 'string' || tid !== ctx.options.tenantId)
    return 'invalid';
  if (typeof exp !== 'number' || exp * 1000 <= Date.now()) return 'expired';
  return { userId: uid, appId: appid };
}
