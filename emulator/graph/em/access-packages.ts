// Access packages (create in a catalog, get, list, update, delete — refused while assignments exist) and their
// resource role scopes (id `<roleId>_<scopeId>`) on group, app and site roles, which decide what assignees get.

import { randomUUID } from 'node:crypto';
import { blocksDeletion } from '../../em/lifecycle.js';
import { graphErrors } from '../../errors/graph-errors.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { AccessPackageRecord, ResourceScopeRecord, RoleScopeRecord } from '../../store/state.js';
import { isPlainObject, show } from '../body.js';
import { permissions } from '../permissions.js';
import { noContent } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { requireCatalog } from './catalogs.js';
import {
  checkEmBody,
  createdReply,
  emBase,
  findById,
  getReply,
  listReply,
  requiredReferenceId,
  requiredString,
} from './em-common.js';
import { accessPackageType, roleScopeType } from './em-types.js';
import { sameOrigin } from './resource-kinds.js';

const packageFilter: FilterSchema<AccessPackageRecord> = {
  typeName: 'accessPackage',
  properties: {
    id: { get: (p) => p.id, ops: ['eq', 'ne'] },
    displayname: { get: (p) => p.displayName, ops: ['eq', 'ne', 'startswith', 'contains'] },
    description: { get: (p) => p.description, ops: ['eq', 'contains'] },
    ishidden: { get: (p) => p.isHidden, ops: ['eq', 'ne'] },
    'catalog/id': { get: (p) => p.catalogId, ops: ['eq'] },
  },
};

const roleScopeFilter: FilterSchema<RoleScopeRecord> = {
  typeName: 'accessPackageResourceRoleScope',
  properties: {
    id: { get: (rs) => rs.id, ops: ['eq'] },
    'role/id': { get: (rs) => rs.roleId, ops: ['eq'] },
    'scope/id': { get: (rs) => rs.scopeId, ops: ['eq'] },
  },
};

const packageFields = { displayName: 'string', description: 'string', isHidden: 'boolean', catalog: 'object' } as const;

export function requirePackage(call: GraphCall, id: string): AccessPackageRecord {
  const pkg = findById(call.ctx.store.state.accessPackages, id, call.now);
  if (!pkg) throw graphErrors.emNotFound('access package', id);
  return pkg;
}

function createPackage(call: GraphCall) {
  const body = checkEmBody(call.body(), 'accessPackage', packageFields);
  const displayName = requiredString(body, 'displayName');
  const catalog = requireCatalog(call, requiredReferenceId(body, 'catalog'));
  const pkg: AccessPackageRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    modifiedAt: call.now,
    catalogId: catalog.id,
    displayName,
    description: (body.description as string | null | undefined) ?? null,
    isHidden: (body.isHidden as boolean | null | undefined) ?? false,
  };
  call.ctx.store.mutate((s) => s.accessPackages.push(pkg));
  return createdReply(call, 'accessPackages', accessPackageType, pkg);
}

function updatePackage(call: GraphCall) {
  const pkg = requirePackage(call, call.params.id!);
  const body = checkEmBody(call.body(), 'accessPackage', {
    displayName: 'string',
    description: 'string',
    isHidden: 'boolean',
  });
  if ('displayName' in body) requiredString(body, 'displayName');
  call.ctx.store.mutate((s) => {
    const stored = s.accessPackages.find((p) => p.id === pkg.id)!;
    if (typeof body.displayName === 'string') stored.displayName = body.displayName;
    if ('description' in body) stored.description = (body.description as string | null) ?? null;
    if (typeof body.isHidden === 'boolean') stored.isHidden = body.isHidden;
    stored.modifiedAt = call.now;
  });
  return noContent();
}

function deletePackage(call: GraphCall) {
  const pkg = requirePackage(call, call.params.id!);
  const state = call.ctx.store.state;
  if (state.assignments.some((a) => a.accessPackageId === pkg.id && blocksDeletion(a, call.now)))
    throw graphErrors.accessPackageHasAssignments();
  call.ctx.store.mutate((s) => {
    s.accessPackages = s.accessPackages.filter((p) => p.id !== pkg.id);
    s.roleScopes = s.roleScopes.filter((rs) => rs.accessPackageId !== pkg.id);
    s.policies = s.policies.filter((p) => p.accessPackageId !== pkg.id);
  });
  return noContent();
}

/** Reads `{id?, originId?, originSystem?, …}` role or scope references of a role-scope body. */
function reference(body: Record<string, unknown>, property: 'role' | 'scope'): Record<string, unknown> {
  const value = body[property];
  if (!isPlainObject(value)) throw graphErrors.invalidModel(property, `The '${property}' property is required.`);
  const allowed =
    property === 'role'
      ? ['id', 'originId', 'originSystem', 'displayName', 'description', 'resource', '@odata.type']
      : ['id', 'originId', 'originSystem', 'displayName', 'description', 'isRootScope', 'resource', '@odata.type'];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw graphErrors.unknownEmProperty(
        key,
        property === 'role' ? 'accessPackageResourceRole' : 'accessPackageResourceScope',
      );
  }
  return value;
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : undefined);

function createRoleScope(call: GraphCall) {
  const pkg = requirePackage(call, call.params.id!);
  const body = checkEmBody(call.body(), 'accessPackageResourceRoleScope', {
    role: 'object',
    scope: 'object',
    createdDateTime: 'string',
  });
  const roleRef = reference(body, 'role');
  const scopeRef = reference(body, 'scope');
  const state = call.ctx.store.state;
  const resourceRef = isPlainObject(roleRef.resource) ? roleRef.resource : undefined;
  const resourceId = lower(resourceRef?.id);
  if (
    resourceId &&
    !state.resources.some((r) => r.id === resourceId && r.catalogId === pkg.catalogId && r.visibleAt <= call.now)
  ) {
    throw graphErrors.emNotFound('resource', resourceId);
  }
  // Roles and scopes resolve within the package's catalog, by id or by origin id, and only once replicated. Site
  // roles share their origin ids ("3", "4", "5") across sites: without a resource id, the scope tells them apart.
  const matchesScope = (s: ResourceScopeRecord) =>
    s.visibleAt <= call.now &&
    (scopeRef.id !== undefined
      ? s.id === lower(scopeRef.id)
      : sameOrigin(s.originSystem, s.originId, show(scopeRef.originId ?? '')) &&
        (scopeRef.isRootScope === undefined || s.isRootScope === scopeRef.isRootScope));
  const candidates = state.resourceRoles.filter(
    (r) =>
      r.catalogId === pkg.catalogId &&
      r.visibleAt <= call.now &&
      (roleRef.id !== undefined
        ? r.id === lower(roleRef.id)
        : r.originId.toLowerCase() === lower(roleRef.originId) && (!resourceId || r.resourceId === resourceId)) &&
      (roleRef.originSystem === undefined || r.originSystem === roleRef.originSystem),
  );
  const role =
    candidates.find((r) => state.resourceScopes.some((s) => s.resourceId === r.resourceId && matchesScope(s))) ??
    candidates[0];
  if (!role) {
    // A site's URL where its role's sequence number belongs names no role: the service answers ResourceNotFound.
    if (typeof roleRef.originId === 'string' && /^https?:\/\//i.test(roleRef.originId))
      throw graphErrors.resourceNotFound();
    throw graphErrors.roleNotFound();
  }
  const scope = state.resourceScopes.find((s) => s.resourceId === role.resourceId && matchesScope(s));
  if (!scope) throw graphErrors.emNotFound('resource scope', show(scopeRef.id ?? scopeRef.originId ?? ''));
  const id = `${role.id}_${scope.id}`;
  if (state.roleScopes.some((rs) => rs.accessPackageId === pkg.id && rs.id === id)) throw graphErrors.roleScopeExists();
  const roleScope: RoleScopeRecord = {
    id,
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    accessPackageId: pkg.id,
    roleId: role.id,
    scopeId: scope.id,
  };
  call.ctx.store.mutate((s) => s.roleScopes.push(roleScope));
  return createdReply(call, `accessPackages('${pkg.id}')/resourceRoleScopes`, roleScopeType, roleScope);
}

function findRoleScope(call: GraphCall): RoleScopeRecord {
  const pkg = requirePackage(call, call.params.id!);
  const id = call.params.roleScopeId!.toLowerCase();
  const roleScope = call.ctx.store.state.roleScopes.find(
    (rs) => rs.accessPackageId === pkg.id && rs.id === id && rs.visibleAt <= call.now,
  );
  if (!roleScope) throw graphErrors.emNotFound('resource role scope', call.params.roleScopeId!);
  return roleScope;
}

export const accessPackageRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${emBase}/accessPackages`,
    permissions: permissions.emRead,
    handler: (call) =>
      listReply(
        call,
        'accessPackages',
        accessPackageType,
        call.ctx.store.state.accessPackages.filter((p) => p.visibleAt <= call.now),
        packageFilter,
      ),
  },
  { method: 'POST', template: `${emBase}/accessPackages`, permissions: permissions.emWrite, handler: createPackage },
  {
    method: 'GET',
    template: `${emBase}/accessPackages/{id}`,
    permissions: permissions.emRead,
    handler: (call) => getReply(call, 'accessPackages', accessPackageType, requirePackage(call, call.params.id!)),
  },
  {
    method: 'PATCH',
    template: `${emBase}/accessPackages/{id}`,
    permissions: permissions.emWrite,
    handler: updatePackage,
  },
  {
    method: 'DELETE',
    template: `${emBase}/accessPackages/{id}`,
    permissions: permissions.emWrite,
    handler: deletePackage,
  },
  {
    method: 'GET',
    template: `${emBase}/accessPackages/{id}/resourceRoleScopes`,
    permissions: permissions.emRead,
    handler: (call) => {
      const pkg = requirePackage(call, call.params.id!);
      const scopes = call.ctx.store.state.roleScopes.filter(
        (rs) => rs.accessPackageId === pkg.id && rs.visibleAt <= call.now,
      );
      return listReply(call, `accessPackages('${pkg.id}')/resourceRoleScopes`, roleScopeType, scopes, roleScopeFilter);
    },
  },
  {
    method: 'POST',
    template: `${emBase}/accessPackages/{id}/resourceRoleScopes`,
    permissions: permissions.emWrite,
    handler: createRoleScope,
  },
  {
    method: 'GET',
    template: `${emBase}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
    permissions: permissions.emRead,
    handler: (call) =>
      getReply(call, `accessPackages('${call.params.id!}')/resourceRoleScopes`, roleScopeType, findRoleScope(call)),
  },
  {
    method: 'DELETE',
    template: `${emBase}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
    permissions: permissions.emWrite,
    handler: (call) => {
      const roleScope = findRoleScope(call);
      call.ctx.store.mutate((s) => {
        s.roleScopes = s.roleScopes.filter(
          (rs) => !(rs.accessPackageId === roleScope.accessPackageId && rs.id === roleScope.id),
        );
      });
      return noContent();
    },
  },
];
