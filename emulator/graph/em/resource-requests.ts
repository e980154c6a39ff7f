// Resource requests: `adminAdd` puts a group, an application (its service principal) or a SharePoint Online site
// into a catalog, creating the catalog resource, its roles (resource-kinds.ts) and its root scope; `adminRemove`
// takes it out. Both answer 201 `delivered` at once, as the service does, but what they create is subject to
// replication lag like any other write. An app-only caller also needs the kind's owner permission.

import { randomUUID } from 'node:crypto';
import { graphErrors } from '../../errors/graph-errors.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import { originSystems } from '../../em/delivery.js';
import type {
  CatalogResourceRecord,
  OriginSystem,
  ResourceRequestRecord,
  ResourceRoleRecord,
  ResourceScopeRecord,
} from '../../store/state.js';
import { isPlainObject, show } from '../body.js';
import { permissions, resourceOwnerAppPermissions } from '../permissions.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { requireCatalog } from './catalogs.js';
import { checkEmBody, createdReply, emBase, findById, getReply, listReply, requiredReferenceId } from './em-common.js';
import { resourceRequestType } from './em-types.js';
import { resourceKinds, sameOrigin } from './resource-kinds.js';

const requestTypes = [
  'notSpecified',
  'userAdd',
  'userUpdate',
  'userRemove',
  'adminAdd',
  'adminUpdate',
  'adminRemove',
  'systemAdd',
  'systemUpdate',
  'systemRemove',
  'onBehalfAdd',
  'unknownFutureValue',
];
const resourceFields = [
  'id',
  'originId',
  'originSystem',
  'displayName',
  'description',
  'attributes',
  'createdDateTime',
  'modifiedDateTime',
  '@odata.type',
];

const filter: FilterSchema<ResourceRequestRecord> = {
  typeName: 'accessPackageResourceRequest',
  properties: {
    id: { get: (r) => r.id, ops: ['eq'] },
    requesttype: { get: (r) => r.requestType, ops: ['eq', 'ne'] },
    state: { get: () => 'delivered', ops: ['eq', 'ne'] },
    'catalog/id': { get: (r) => r.catalogId, ops: ['eq'] },
    'resource/originid': { get: (r) => r.originId, ops: ['eq'] },
  },
};

function createResourceRequest(call: GraphCall) {
  const body = checkEmBody(call.body(), 'accessPackageResourceRequest', {
    requestType: 'string',
    resource: 'object',
    catalog: 'object',
  });
  const requestType = body.requestType;
  if (typeof requestType !== 'string')
    throw graphErrors.invalidModel('requestType', "The 'requestType' property is required.");
  if (!requestTypes.includes(requestType))
    throw graphErrors.invalidModel('requestType', `'${requestType}' is not a valid accessPackageRequestType.`);
  if (requestType !== 'adminAdd' && requestType !== 'adminRemove') {
    throw graphErrors.invalidModel(
      'requestType',
      `Resource requests of type '${requestType}' are not supported; use adminAdd or adminRemove.`,
    );
  }
  const catalog = requireCatalog(call, requiredReferenceId(body, 'catalog'));
  const resource = body.resource;
  if (!isPlainObject(resource)) throw graphErrors.invalidModel('resource', "The 'resource' property is required.");
  for (const key of Object.keys(resource))
    if (!resourceFields.includes(key)) throw graphErrors.unknownEmProperty(key, 'accessPackageResource');
  const originSystem = resource.originSystem;
  const originId =
    typeof resource.originId === 'string' && resource.originId.trim() !== '' ? resource.originId : undefined;
  const resourceId = typeof resource.id === 'string' ? resource.id.toLowerCase() : undefined;
  if (originSystem !== undefined && !originSystems.includes(originSystem as OriginSystem)) {
    throw graphErrors.invalidModel(
      'resource.originSystem',
      `Origin system '${show(originSystem)}' is not supported; the emulator manages ${originSystems.join(', ')} resources.`,
    );
  }
  const kind = originSystem as OriginSystem | undefined;
  if (requestType === 'adminAdd') {
    if (!kind) throw graphErrors.invalidModel('resource.originSystem', "The resource's 'originSystem' is required.");
    if (!originId) throw graphErrors.invalidModel('resource.originId', "The resource's 'originId' is required.");
    return addResource(call, catalog.id, kind, originId);
  }
  if (!originId && !resourceId)
    throw graphErrors.invalidModel('resource', "The resource's 'id' or 'originId' is required.");
  return removeResource(call, catalog.id, resourceId, originId === undefined ? undefined : { originId, kind });
}

function addResource(call: GraphCall, catalogId: string, kind: OriginSystem, originId: string) {
  // App-only callers must be able to manage the resource itself (delegated callers would need ownership).
  if (call.caller.kind === 'app' && !resourceOwnerAppPermissions[kind].some((p) => call.caller.permissions.has(p))) {
    throw graphErrors.callerNotResourceOwner();
  }
  const origin = resourceKinds[kind].find(call, originId);
  if (!origin) throw graphErrors.emNotFound('resource', originId);
  const state = call.ctx.store.state;
  if (
    state.resources.some((r) => r.catalogId === catalogId && r.originSystem === kind && r.originId === origin.originId)
  )
    throw graphErrors.resourceAlreadyOnboarded();

  const { now } = call;
  const visibleAt = now + call.ctx.config.consistencyLagMs;
  const resource: CatalogResourceRecord = {
    id: randomUUID(),
    createdAt: now,
    visibleAt,
    modifiedAt: now,
    catalogId,
    originId: origin.originId,
    originSystem: kind,
    displayName: origin.displayName,
    description: origin.description,
  };
  const roles: ResourceRoleRecord[] = origin.roles.map((role) => ({
    id: randomUUID(),
    createdAt: now,
    visibleAt,
    catalogId,
    resourceId: resource.id,
    displayName: role.displayName,
    description: role.description,
    originId: role.originId,
    originSystem: kind,
  }));
  const scope: ResourceScopeRecord = {
    id: randomUUID(),
    createdAt: now,
    visibleAt,
    catalogId,
    resourceId: resource.id,
    originId: origin.originId,
    originSystem: kind,
    isRootScope: true,
    displayName: 'Root',
    description: 'Root Scope',
  };
  const request: ResourceRequestRecord = {
    id: randomUUID(),
    createdAt: now,
    visibleAt: now,
    requestType: 'adminAdd',
    catalogId,
    resourceId: resource.id,
    originId: origin.originId,
    originSystem: kind,
  };
  call.ctx.store.mutate((s) => {
    s.resources.push(resource);
    s.resourceRoles.push(...roles);
    s.resourceScopes.push(scope);
    s.resourceRequests.push(request);
  });
  return createdReply(call, 'resourceRequests', resourceRequestType, request);
}

function removeResource(
  call: GraphCall,
  catalogId: string,
  resourceId: string | undefined,
  origin: { originId: string; kind: OriginSystem | undefined } | undefined,
) {
  const state = call.ctx.store.state;
  const resource = state.resources.find(
    (r) =>
      r.catalogId === catalogId &&
      r.visibleAt <= call.now &&
      (resourceId
        ? r.id === resourceId
        : (origin!.kind === undefined || origin!.kind === r.originSystem) &&
          sameOrigin(r.originSystem, r.originId, origin!.originId)),
  );
  if (!resource) throw graphErrors.emNotFound('resource', resourceId ?? origin?.originId ?? '');
  const roleIds = new Set(state.resourceRoles.filter((r) => r.resourceId === resource.id).map((r) => r.id));
  if (state.roleScopes.some((rs) => roleIds.has(rs.roleId)))
    throw graphErrors.resourceHasEntitlements(resource.displayName);
  const request: ResourceRequestRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now,
    requestType: 'adminRemove',
    catalogId,
    resourceId: resource.id,
    originId: resource.originId,
    originSystem: resource.originSystem,
  };
  call.ctx.store.mutate((s) => {
    s.resources = s.resources.filter((r) => r.id !== resource.id);
    s.resourceRoles = s.resourceRoles.filter((r) => r.resourceId !== resource.id);
    s.resourceScopes = s.resourceScopes.filter((r) => r.resourceId !== resource.id);
    s.resourceRequests.push(request);
  });
  return createdReply(call, 'resourceRequests', resourceRequestType, request);
}

export const resourceRequestRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${emBase}/resourceRequests`,
    permissions: permissions.emRead,
    handler: (call) =>
      listReply(call, 'resourceRequests', resourceRequestType, call.ctx.store.state.resourceRequests, filter),
  },
  {
    method: 'POST',
    template: `${emBase}/resourceRequests`,
    permissions: permissions.emWrite,
    handler: createResourceRequest,
  },
  {
    method: 'GET',
    template: `${emBase}/resourceRequests/{id}`,
    permissions: permissions.emRead,
    handler: (call) => {
      const request = findById(call.ctx.store.state.resourceRequests, call.params.id!, call.now);
      if (!request) throw graphErrors.emNotFound('resource request', call.params.id!);
      return getReply(call, 'resourceRequests', resourceRequestType, request);
    },
  },
];
