// Validates the bearer token on a Graph call the way Graph does: signature by the tenant's current key, audience
// Graph, issuer this tenant, within its lifetime (wall clock, no skew allowance). Failures are 401
// InvalidAuthenticationToken with the WWW-Authenticate challenge Graph sends.

import type { EmulatorContext } from '../context.js';
import { GraphError } from '../errors/graph-error.js';
import { graphErrors } from '../errors/graph-errors.js';
import { graphAudiences, type Caller } from './caller.js';
import { decodeJwt, verifyJwtSignature } from './jwt.js';

export function authenticate(ctx: EmulatorContext, authorization: string | undefined): Caller {
  try {
    return validate(ctx, authorization);
  } catch (error) {
    if (error instanceof GraphError && error.status === 401) {
      const challenge = `Bearer realm="", authorization_uri="${ctx.origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
      throw new GraphError(401, error.code, error.message, { headers: { 'WWW-Authenticate': challenge } });
    }
    throw error;
  }
}

function validate(ctx: EmulatorContext, authorization: string | undefined): Caller {
  const match = /^Bearer\s+(.*)$/i.exec(authorization ?? '');
  const token = match?.[1]?.trim();
  if (!token) throw graphErrors.tokenEmpty();
  const jwt = decodeJwt(token);
  if (!jwt) throw graphErrors.tokenMalformed();
  if (
    jwt.header.alg !== 'RS256' ||
    jwt.header.kid !== ctx.signingKey.kid ||
    !verifyJwtSignature(jwt, ctx.signingKey.publicKey)
  ) {
    throw graphErrors.tokenInvalid();
  }
  const claims = jwt.claims;
  if (typeof claims.aud !== 'string' || !graphAudiences.includes(claims.aud)) throw graphErrors.tokenWrongAudience();
  if (claims.iss !== `https://sts.windows.net/${ctx.options.tenantId}/` || claims.tid !== ctx.options.tenantId) {
    throw graphErrors.tokenInvalid();
  }
  const nowSeconds = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) throw graphErrors.tokenExpired();
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) throw graphErrors.tokenNotYetValid();
  if (typeof claims.oid !== 'string' || typeof claims.appid !== 'string') throw graphErrors.tokenInvalid();
  if (claims.idtyp === 'user') {
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
    return {
      kind: 'user',
      appId: claims.appid,
      tenantId: ctx.options.tenantId,
      objectId: claims.oid,
      permissions: new Set(scopes),
    };
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    kind: 'app',
    appId: claims.appid,
    tenantId: ctx.options.tenantId,
    objectId: claims.oid,
    permissions: new Set(roles),
  };
}
