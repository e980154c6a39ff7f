// /domains: the tenant's verified initial domain and one unverified custom domain.

import { graphErrors } from '../../errors/graph-errors.js';
import type { DomainRecord } from '../../store/state.js';
import { permissions } from '../permissions.js';
import { collectionReply, entityReply, project } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';

const domainProperties = [
  'authenticationType',
  'availabilityStatus',
  'id',
  'isAdminManaged',
  'isDefault',
  'isInitial',
  'isRoot',
  'isVerified',
  'manufacturer',
  'model',
  'passwordNotificationWindowInDays',
  'passwordValidityPeriodInDays',
  'supportedServices',
  'state',
];

function domainFull(domain: DomainRecord) {
  return {
    authenticationType: 'Managed',
    availabilityStatus: null,
    id: domain.id,
    isAdminManaged: true,
    isDefault: domain.isDefault,
    isInitial: domain.isInitial,
    isRoot: true,
    isVerified: domain.isVerified,
    manufacturer: null,
    model: null,
    passwordNotificationWindowInDays: 14,
    passwordValidityPeriodInDays: 2147483647,
    supportedServices: domain.isVerified ? ['Email', 'OfficeCommunicationsOnline'] : [],
    state: null,
  };
}

function listDomains(call: GraphCall) {
  const query = call.query({ select: true });
  const items = call.ctx.store.state.domains.map((d) =>
    project(domainFull(d), query.select, domainProperties, domainProperties, 'domain'),
  );
  return collectionReply(call, 'domains', { items });
}

function getDomain(call: GraphCall) {
  const query = call.query({ select: true });
  const name = call.params.id!.toLowerCase();
  const domain = call.ctx.store.state.domains.find((d) => d.id === name);
  if (!domain) throw graphErrors.directoryObjectNotFound(call.params.id!);
  return entityReply(
    call,
    200,
    'domains',
    project(domainFull(domain), query.select, domainProperties, domainProperties, 'domain'),
  );
}

export const domainRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/v1.0/domains', permissions: permissions.domainsRead, handler: listDomains },
  { method: 'GET', template: '/v1.0/domains/{id}', permissions: permissions.domainsRead, handler: getDomain },
];
