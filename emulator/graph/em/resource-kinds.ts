// What each kind of catalog resource is, by origin system: the object a resource request's originId names, and the
// roles entitlement management offers on it.
//
//   AadGroup          originId = group id;             roles Member / Owner, originId `Member_<id>` / `Owner_<id>`
//   AadApplication    originId = service principal id; roles = the app's enabled roles assignable to users (originId
//                     the app role id), or "Default Access" (the all-zero id) for an app that has none
//   SharePointOnline  originId = site URL;             roles = the site's default SharePoint groups, originId their
//                     sequence numbers: "<title> Owners" 3, "<title> Visitors" 4, "<title> Members" 5
//
// Every kind has one root scope whose originId is the resource's.

import type { OriginSystem, SiteRecord } from '../../store/state.js';
import { isVisible } from '../../store/state.js';
import { applicationOf, findServicePrincipal } from '../directory/applications.js';
import { findGroup } from '../directory/groups.js';
import { isGuid } from '../responses.js';
import type { GraphCall } from '../route.js';

export interface ResourceOrigin {
  /** The canonical originId (a group or service principal id in lower case, a site URL as the site has it). */
  originId: string;
  displayName: string;
  description: string | null;
  roles: { displayName: string; description: string | null; originId: string }[];
}

interface ResourceKind {
  /** The visible object `originId` names, if any. */
  find(call: GraphCall, originId: string): ResourceOrigin | undefined;
}

const defaultAccessRoleId = '00000000-0000-0000-0000-000000000000';

/** Site URLs compare without case and without a trailing slash. */
function siteKey(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

export function findSite(sites: readonly SiteRecord[], url: string): SiteRecord | undefined {
  return sites.find((site) => siteKey(site.url) === siteKey(url));
}

/** SharePoint's default site groups and their ids in a new site collection ([MS-WSSFO] "Site Group Identifier"). */
export function siteRoles(site: SiteRecord): ResourceOrigin['roles'] {
  return [
    { displayName: `${site.title} Owners`, description: null, originId: '3' },
    { displayName: `${site.title} Visitors`, description: null, originId: '4' },
    { displayName: `${site.title} Members`, description: null, originId: '5' },
  ];
}

export const resourceKinds: Record<OriginSystem, ResourceKind> = {
  AadGroup: {
    find(call, originId) {
      const group = isGuid(originId) ? findGroup(call, originId) : undefined;
      if (!group) return undefined;
      return {
        originId: group.id,
        displayName: group.displayName,
        description: group.description,
        roles: ['Member', 'Owner'].map((name) => ({
          displayName: name,
          description: null,
          originId: `${name}_${group.id}`,
        })),
      };
    },
  },
  AadApplication: {
    find(call, originId) {
      const sp = isGuid(originId) ? findServicePrincipal(call, originId) : undefined;
      const app = sp && applicationOf(call, sp);
      if (!sp || !app) return undefined;
      const userRoles = app.appRoles.filter((r) => r.isEnabled && r.allowedMemberTypes.includes('User'));
      return {
        originId: sp.id,
        displayName: app.displayName,
        description: app.description,
        roles:
          userRoles.length > 0
            ? userRoles.map((r) => ({ displayName: r.displayName, description: r.description, originId: r.id }))
            : [{ displayName: 'Default Access', description: null, originId: defaultAccessRoleId }],
      };
    },
  },
  SharePointOnline: {
    find(call, originId) {
      const site = findSite(call.ctx.store.state.sites, originId);
      if (!site || !isVisible(site, call.now)) return undefined;
      return { originId: site.url, displayName: site.title, description: null, roles: siteRoles(site) };
    },
  },
};

/** Compares an originId given in a request with a stored one of this kind. */
export function sameOrigin(kind: OriginSystem, stored: string, given: string): boolean {
  return kind === 'SharePointOnline' ? siteKey(stored) === siteKey(given) : stored === given.toLowerCase();
}
