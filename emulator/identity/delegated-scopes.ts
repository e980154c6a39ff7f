// Which delegated permissions a user token carries. The tenant's admin has consented the apps to the permissions in
// `delegatedPermissions` (the knob). As Entra does, a token for Graph carries every consented Graph permission,
// however few of them the client asked for (`.default`, or named scopes such as `https://graph.microsoft.com/User.Read`
// or bare `User.Read`); a named scope without consent is refused (AADSTS65001 on the token endpoint). OpenID scopes
// (openid, profile, email, offline_access) name no resource.

import { graphAppId } from './caller.js';

const graphResources = ['https://graph.microsoft.com', graphAppId];
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/** `https://graph.microsoft.com/User.Read` → resource + name; bare names mean Graph; OpenID scopes have no resource. */
export function splitScope(scope: string): { resource: string | undefined; name: string } {
  if (oidcScopes.has(scope.toLowerCase())) return { resource: undefined, name: scope.toLowerCase() };
  const slash = scope.lastIndexOf('/');
  if (slash < 0) return { resource: 'https://graph.microsoft.com', name: scope };
  return { resource: scope.slice(0, slash).toLowerCase().replace(/\/$/, ''), name: scope.slice(slash + 1) };
}

export function isGraphResource(resource: string): boolean {
  return graphResources.includes(resource);
}

export type ScopeDecision =
  | { ok: true; granted: string[]; openid: boolean; offlineAccess: boolean }
  | { ok: false; unknownResource: string }
  | { ok: false; notConsented: string[] };

export function decideDelegatedScopes(consented: readonly string[], requested: readonly string[]): ScopeDecision {
  const missing: string[] = [];
  for (const scope of requested) {
    const { resource, name } = splitScope(scope);
    if (resource === undefined) continue;
    if (!isGraphResource(resource)) return { ok: false, unknownResource: resource };
    if (name !== '.default' && !consented.some((p) => p.toLowerCase() === name.toLowerCase())) missing.push(name);
  }
  if (missing.length > 0) return { ok: false, notConsented: missing };
  const asked = (name: string) => requested.some((s) => s.toLowerCase() === name);
  return { ok: true, granted: [...consented], openid: asked('openid'), offlineAccess: asked('offline_access') };
}
