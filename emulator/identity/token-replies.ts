// The token endpoint's success body, and the delegated (user) token every user grant ends with — password (ROPC),
// device code and refresh token alike: access token with every consented Graph permission in `scp`, an id token when
// `openid` was asked for, a refresh token when `offline_access` was, and client_info when MSAL asks for it.

import type { EmulatorContext } from '../context.js';
import type { Reply } from '../server/exchange.js';
import type { UserRecord } from '../store/state.js';
import type { ClientApp } from './client-apps.js';
import { issueRefreshToken } from './refresh-tokens.js';
import { issueIdToken, issueUserToken } from './tokens.js';

export function tokenReply(accessToken: string, expiresIn: number, extras: Record<string, unknown>): Reply {
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

export function userTokenReply(
  ctx: EmulatorContext,
  user: UserRecord,
  client: ClientApp,
  granted: readonly string[],
  options: { openid: boolean; offlineAccess: boolean; clientInfo: boolean },
): Reply {
  const token = issueUserToken(
    ctx,
    user,
    granted,
    client.isEmulatorApp ? {} : { client: { appId: client.appId, displayName: client.displayName } },
  );
  const extras: Record<string, unknown> = { scope: granted.map((s) => `https://graph.microsoft.com/${s}`).join(' ') };
  if (options.openid) extras.id_token = issueIdToken(ctx, user, client.appId);
  if (options.offlineAccess) extras.refresh_token = issueRefreshToken(ctx, { userId: user.id, appId: client.appId });
  if (options.clientInfo) {
    extras.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: ctx.options.tenantId })).toString(
      'base64url',
    );
  }
  return tokenReply(token.accessToken, token.expiresIn, extras);
}
