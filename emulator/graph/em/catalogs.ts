// Catalogs (the built-in General catalog, plus user-managed ones), their resources with roles and scopes, and
// the catalog-wide resourceRoles list the tutorial filters on `originSystem` and `resource/id`.

import { randomUUID } from 'node:crypto';
import { graphErrors } from '../../errors/graph-errors.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type {
  CatalogRecord,
  CatalogResourceRecord,
  ResourceRoleRecord,
  ResourceScopeRecord,
} from '../../store/state.js';
import { permissions } from '../permissions.js';
import { noContent } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { checkEmBody, createdReply, emBase, findById, getReply, listReply, requiredString } from './em-common.js';
import { catalogType, resourceType, roleType, scopeType } from './em-types.js';

const stringOps = ['eq', 'ne', 'startswith', 'contains'];

const catalogFilter: FilterSchema<CatalogRecord> = {
  typeName: 'accessPackageCatalog',
  properties: {
    id: { get: (c) => c.id, ops: ['eq', 'ne'] },
    displayname: { get: (c) => c.displayName, ops: stringOps },
    state: { get: (c) => c.state, ops: ['eq', 'ne'] },
    catalogtype: { get: (c) => c.catalogType, ops: ['eq', 'ne'] },
  },
};

const resourceFilter: FilterSchema<CatalogResourceRecord> = {
  typeName: 'accessPackageResource',
  properties: {
    id: { get: (r) => r.id, ops: ['eq', 'ne'] },
    originid: { get: (r) => r.originId, ops: ['eq', 'ne'] },
    originsystem: { get: (r) => r.originSystem, ops: ['eq', 'ne'] },
    displayname: { get: (r) => r.displayName, ops: stringOps },
  },
};

const roleFilter: FilterSchema<ResourceRoleRecord> = {
  typeName: 'accessPackageResourceRole',
  properties: {
    id: { get: (r) => r.id, ops: ['eq', 'ne'] },
    originid: { get: (r) => r.originId, ops: ['eq', 'ne'] },
    originsystem: { get: (r) => r.originSystem, ops: ['eq', 'ne'] },
    displayname: { get: (r) => r.displayName, ops: ['eq', 'ne'] },
    'resource/id': { get: (r) => r.resourceId, ops: ['eq', 'ne'] },
  },
};

const scopeFilter: FilterSchema<ResourceScopeRecord> = {
  typeName: 'accessPackageResourceScope',
  properties: {
    id: { get: (s) => s.id, ops: ['eq'] },
    originid: { get: (s) => s.originId, ops: ['eq'] },
    originsystem: { get: (s) => s.originSystem, ops: ['eq'] },
    isrootscope: { get: (s) => s.isRootScope, ops: ['eq'] },
    'resource/id': { get: (s) => s.resourceId, ops: ['eq'] },
  },
};

export function requireCatalog(call: GraphCall, id: string): CatalogRecord {
  const catalog = findById(call.ctx.store.state.catalogs, id, call.now);
  if (!catalog) throw graphErrors.emNotFound('catalog', id);
  return catalog;
}

const visibleIn = <T extends { catalogId: string; visibleAt: number }>(
  records: readonly T[],
  catalogId: string,
  now: number,
) => records.filter((r) => r.catalogId === catalogId && r.visibleAt <= now);

function createCatalog(call: GraphCall) {
  const body = checkEmBody(call.body(), 'accessPackageCatalog', {
    displayName: 'string',
    description: 'string',
    isExternallyVisible: 'boolean',
    state: 'string',
    catalogType: 'string',
  });
  const displayName = requiredString(body, 'displayName');
  const stateValue = (body.state as string | undefined) ?? 'published';
  if (!['published', 'unpublished'].includes(stateValue))
    throw graphErrors.invalidModel('state', `'${stateValue}' is not a valid accessPackageCatalogState.`);
  if (body.catalogType !== undefined && body.catalogType !== 'userManaged')
    throw graphErrors.invalidModel('catalogType', 'Only userManaged catalogs can be created.');
  const catalog: CatalogRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    modifiedAt: call.now,
    displayName,
    description: (body.description as string | null | undefined) ?? null,
    catalogType: 'userManaged',
    state: stateValue as CatalogRecord['state'],
    isExternallyVisible: (body.isExternallyVisible as boolean | undefined) ?? false,
  };
  call.ctx.store.mutate((s) => s.catalogs.push(catalog));
  return createdReply(call, 'catalogs', catalogType, catalog);
}

function deleteCatalog(call: GraphCall) {
  const catalog = requireCatalog(call, call.params.catalogId!);
  const state = call.ctx.store.state;
  if (catalog.catalogType !== 'userManaged')
    throw graphErrors.invalidModel('catalogType', 'The built-in catalog cannot be deleted.');
  if (
    state.accessPackages.some((p) => p.catalogId === catalog.id) ||
    state.resources.some((r) => r.catalogId === catalog.id)
  ) {
    throw graphErrors.catalogNotEmpty();
  }
  call.ctx.store.mutate((s) => {
    s.catalogs = s.catalogs.filter((c) => c.id !== catalog.id);
  });
  return noContent();
}

function getResource(call: GraphCall) {
  const catalog = requireCatalog(call, call.params.catalogId!);
  const resource = visibleIn(call.ctx.store.state.resources, catalog.id, call.now).find(
    (r) => r.id === call.params.resourceId!.toLowerCase(),
  );
  if (!resource) throw graphErrors.emNotFound('resource', call.params.resourceId!);
  return getReply(call, `catalogs('${catalog.id}')/resources`, resourceType, resource);
}

export const catalogRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${emBase}/catalogs`,
    permissions: permissions.emRead,
    handler: (call) =>
      listReply(
        call,
        'catalogs',
        catalogType,
        call.ctx.store.state.catalogs.filter((c) => c.visibleAt <= call.now),
        catalogFilter,
      ),
  },
  { method: 'POST', template: `${emBase}/catalogs`, permissions: permissions.emWrite, handler: createCatalog },
  {
    method: 'GET',
    template: `${emBase}/catalogs/{catalogId}`,
    permissions: permissions.emRead,
    handler: (call) => getReply(call, 'catalogs', catalogType, requireCatalog(call, call.params.catalogId!)),
  },
  {
    method: 'DELETE',
    template: `${emBase}/catalogs/{catalogId}`,
    permissions: permissions.emWrite,
    handler: deleteCatalog,
  },
  {
    method: 'GET',
    template: `${emBase}/catalogs/{catalogId}/resources`,
    permissions: permissions.emRead,
    handler: (call) => {
      const catalog = requireCatalog(call, call.params.catalogId!);
      return listReply(
        call,
        `catalogs('${catalog.id}')/resources`,
        resourceType,
        visibleIn(call.ctx.store.state.resources, catalog.id, call.now),
        resourceFilter,
      );
    },
  },
  {
    method: 'GET',
    template: `${emBase}/catalogs/{catalogId}/resources/{resourceId}`,
    permissions: permissions.emRead,
    handler: getResource,
  },
  {
    method: 'GET',
    template: `${emBase}/catalogs/{catalogId}/resourceRoles`,
    permissions: permissions.emRead,
    handler: (call) => {
      const catalog = requireCatalog(call, call.params.catalogId!);
      return listReply(
        call,
        `catalogs('${catalog.id}')/resourceRoles`,
        roleType,
        visibleIn(call.ctx.store.state.resourceRoles, catalog.id, call.now),
        roleFilter,
      );
    },
  },
  {
    method: 'GET',
    template: `${emBase}/catalogs/{catalogId}/resourceScopes`,
    permissions: permissions.emRead,
    handler: (call) => {
      const catalog = requireCatalog(call, call.params.catalogId!);
      return listReply(
        call,
        `catalogs('${catalog.id}')/resourceScopes`,
        scopeType,
        visibleIn(call.ctx.store.state.resourceScopes, catalog.id, call.now),
        scopeFilter,
      );
    },
  },
];
