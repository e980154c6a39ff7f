// /sites/{site-id}: a SharePoint Online site, by its composite id (`hostname,siteCollectionId,webId`) or by path
// (`/sites/{hostname}:/sites/{name}`, which the router passes as one segment). Only reading a site: sites are added
// through the control plane, as if created in SharePoint.

import { createHash } from 'node:crypto';
import { isoTime } from '../../clock.js';
import { GraphError } from '../../errors/graph-error.js';
import { isVisible, type SiteRecord } from '../../store/state.js';
import { findSite } from '../em/resource-kinds.js';
import { checkSelect, entityReply, project, type Json } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';

/** Reading a site (Microsoft's "Get a site resource"): Sites.Selected needs a per-site grant the emulator does not model. */
const sitesRead = {
  app: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
  delegated: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
};

const siteProperties = [
  'createdDateTime',
  'description',
  'displayName',
  'id',
  'lastModifiedDateTime',
  'name',
  'webUrl',
  'siteCollection',
];
const defaultProperties = siteProperties.filter((p) => p !== 'siteCollection');

/** The site's web id: stable and distinct from its site collection id, as SharePoint's are. */
function webId(site: SiteRecord): string {
  const hex = createHash('sha1').update(`web:${site.id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function compositeId(site: SiteRecord): string {
  return `${new URL(site.url).hostname},${site.id},${webId(site)}`;
}

/** SharePoint's answer for a site that is not there. */
const siteNotFound = () => new GraphError(404, 'itemNotFound', 'Requested site could not be found');

function resolveSite(call: GraphCall, siteId: string): SiteRecord {
  const sites = call.ctx.store.state.sites.filter((s) => isVisible(s, call.now));
  const byPath = /^([^,:/]+):(\/.*?)(?::)?$/.exec(siteId);
  if (byPath) {
    const found = findSite(sites, `https://${byPath[1]}${byPath[2]}`);
    if (found) return found;
    throw siteNotFound();
  }
  const found = sites.find((s) => compositeId(s).toLowerCase() === siteId.toLowerCase());
  if (found) return found;
  throw siteNotFound();
}

function siteFull(site: SiteRecord): Json {
  return {
    '@odata.type': '#microsoft.graph.site',
    createdDateTime: isoTime(site.createdAt),
    description: '',
    displayName: site.title,
    id: compositeId(site),
    lastModifiedDateTime: isoTime(site.createdAt),
    name: decodeURIComponent(new URL(site.url).pathname.split('/').pop() ?? ''),
    webUrl: site.url,
    siteCollection: { hostname: new URL(site.url).hostname },
  };
}

export const siteRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: '/v1.0/sites/{siteId}',
    permissions: sitesRead,
    handler(call) {
      const query = call.query({ select: true });
      checkSelect(query.select, siteProperties, 'site');
      const site = resolveSite(call, call.params.siteId!);
      return entityReply(
        call,
        200,
        'sites',
        project(siteFull(site), query.select, defaultProperties, siteProperties, 'site'),
      );
    },
  },
];
