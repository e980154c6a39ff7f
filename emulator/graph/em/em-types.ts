// The v1.0 entitlement-management entity types as the emulator renders them (property names and enum values
// from the v1.0 CSDL; the beta names such as requestState or catalogId never appear).

import { createHash } from 'node:crypto';
import { isoTime } from '../../clock.js';
import { assignmentView, requestView } from '../../em/lifecycle.js';
import type {
  AccessPackageRecord,
  AssignmentRecord,
  AssignmentRequestRecord,
  CatalogRecord,
  CatalogResourceRecord,
  ExpirationSnapshot,
  PolicyRecord,
  ResourceRequestRecord,
  ResourceRoleRecord,
  ResourceScopeRecord,
  RoleScopeRecord,
  SubjectSnapshot,
} from '../../store/state.js';
import type { ExpandItem } from '../../odata/select-expand.js';
import type { Json } from '../responses.js';
import type { GraphCall } from '../route.js';
import { render, type EntityType } from './render.js';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : isoTime(ms));

/** A stable accessPackageSubject id per directory object (Entra keeps one subject per user). */
export function subjectIdFor(objectId: string): string {
  const hex = createHash('sha256').update(`subject:${objectId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const state = (call: GraphCall) => call.ctx.store.state;

export const catalogType: EntityType<CatalogRecord> = {
  typeName: 'accessPackageCatalog',
  propertyNames: [
    'id',
    'displayName',
    'description',
    'catalogType',
    'state',
    'isExternallyVisible',
    'createdDateTime',
    'modifiedDateTime',
  ],
  properties: (c) => ({
    id: c.id,
    displayName: c.displayName,
    description: c.description,
    catalogType: c.catalogType,
    state: c.state,
    isExternallyVisible: c.isExternallyVisible,
    createdDateTime: iso(c.createdAt),
    modifiedDateTime: iso(c.modifiedAt),
  }),
  navigation: {
    accessPackages: (c, call, item) =>
      state(call)
        .accessPackages.filter((p) => p.catalogId === c.id && p.visibleAt <= call.now)
        .map((p) => render(accessPackageType, p, call, item.select, item.expand)),
    resources: (c, call, item) =>
      state(call)
        .resources.filter((r) => r.catalogId === c.id && r.visibleAt <= call.now)
        .map((r) => render(resourceType, r, call, item.select, item.expand)),
    resourceRoles: (c, call, item) =>
      state(call)
        .resourceRoles.filter((r) => r.catalogId === c.id && r.visibleAt <= call.now)
        .map((r) => render(roleType, r, call, item.select, item.expand)),
    resourceScopes: (c, call, item) =>
      state(call)
        .resourceScopes.filter((r) => r.catalogId === c.id && r.visibleAt <= call.now)
        .map((r) => render(scopeType, r, call, item.select, item.expand)),
  },
};

export const resourceType: EntityType<CatalogResourceRecord> = {
  typeName: 'accessPackageResource',
  propertyNames: [
    'id',
    'displayName',
    'description',
    'originId',
    'originSystem',
    'attributes',
    'createdDateTime',
    'modifiedDateTime',
  ],
  properties: (r) => ({
    id: r.id,
    displayName: r.displayName,
    description: r.description,
    originId: r.originId,
    originSystem: r.originSystem,
    attributes: [],
    createdDateTime: iso(r.createdAt),
    modifiedDateTime: iso(r.modifiedAt),
  }),
  navigation: {
    roles: (r, call, item) =>
      state(call)
        .resourceRoles.filter((x) => x.resourceId === r.id)
        .map((x) => render(roleType, x, call, item.select, item.expand)),
    scopes: (r, call, item) =>
      state(call)
        .resourceScopes.filter((x) => x.resourceId === r.id)
        .map((x) => render(scopeType, x, call, item.select, item.expand)),
    environment: () => null,
  },
};

const resourceOf = (call: GraphCall, id: string, item: ExpandItem) => {
  const resource = state(call).resources.find((r) => r.id === id);
  return resource ? render(resourceType, resource, call, item.select, item.expand) : null;
};

export const roleType: EntityType<ResourceRoleRecord> = {
  typeName: 'accessPackageResourceRole',
  propertyNames: ['id', 'displayName', 'description', 'originId', 'originSystem'],
  properties: (r) => ({
    id: r.id,
    displayName: r.displayName,
    description: r.description ?? null,
    originId: r.originId,
    originSystem: r.originSystem,
  }),
  navigation: { resource: (r, call, item) => resourceOf(call, r.resourceId, item) },
};

export const scopeType: EntityType<ResourceScopeRecord> = {
  typeName: 'accessPackageResourceScope',
  propertyNames: ['id', 'displayName', 'description', 'originId', 'originSystem', 'isRootScope'],
  properties: (s) => ({
    id: s.id,
    displayName: s.displayName,
    description: s.description,
    originId: s.originId,
    originSystem: s.originSystem,
    isRootScope: s.isRootScope,
  }),
  navigation: { resource: (s, call, item) => resourceOf(call, s.resourceId, item) },
};

export const resourceRequestType: EntityType<ResourceRequestRecord> = {
  typeName: 'accessPackageResourceRequest',
  propertyNames: ['id', 'requestType', 'state', 'createdDateTime'],
  properties: (r) => ({ id: r.id, requestType: r.requestType, state: 'delivered', createdDateTime: iso(r.createdAt) }),
  navigation: {
    catalog: (r, call, item) => {
      const catalog = state(call).catalogs.find((c) => c.id === r.catalogId);
      return catalog ? render(catalogType, catalog, call, item.select, item.expand) : null;
    },
    resource: (r, call, item) => resourceOf(call, r.resourceId, item),
  },
};

export const accessPackageType: EntityType<AccessPackageRecord> = {
  typeName: 'accessPackage',
  propertyNames: ['id', 'displayName', 'description', 'isHidden', 'createdDateTime', 'modifiedDateTime'],
  properties: (p) => ({
    id: p.id,
    displayName: p.displayName,
    description: p.description,
    isHidden: p.isHidden,
    createdDateTime: iso(p.createdAt),
    modifiedDateTime: iso(p.modifiedAt),
  }),
  navigation: {
    catalog: (p, call, item) => {
      const catalog = state(call).catalogs.find((c) => c.id === p.catalogId);
      return catalog ? render(catalogType, catalog, call, item.select, item.expand) : null;
    },
    resourceRoleScopes: (p, call, item) =>
      state(call)
        .roleScopes.filter((rs) => rs.accessPackageId === p.id && rs.visibleAt <= call.now)
        .map((rs) => render(roleScopeType, rs, call, item.select, item.expand)),
    assignmentPolicies: (p, call, item) =>
      state(call)
        .policies.filter((x) => x.accessPackageId === p.id && x.visibleAt <= call.now)
        .map((x) => render(policyType, x, call, item.select, item.expand)),
    accessPackagesIncompatibleWith: () => [],
    incompatibleAccessPackages: () => [],
    incompatibleGroups: () => [],
  },
};

export const roleScopeType: EntityType<RoleScopeRecord> = {
  typeName: 'accessPackageResourceRoleScope',
  propertyNames: ['id', 'createdDateTime'],
  properties: (rs) => ({ id: rs.id, createdDateTime: iso(rs.createdAt) }),
  navigation: {
    role: (rs, call, item) => {
      const role = state(call).resourceRoles.find((r) => r.id === rs.roleId);
      return role ? render(roleType, role, call, item.select, item.expand) : null;
    },
    scope: (rs, call, item) => {
      const scope = state(call).resourceScopes.find((s) => s.id === rs.scopeId);
      return scope ? render(scopeType, scope, call, item.select, item.expand) : null;
    },
  },
};

export const policyType: EntityType<PolicyRecord> = {
  typeName: 'accessPackageAssignmentPolicy',
  propertyNames: [
    'id',
    'displayName',
    'description',
    'allowedTargetScope',
    'specificAllowedTargets',
    'expiration',
    'requestorSettings',
    'requestApprovalSettings',
    'reviewSettings',
    'automaticRequestSettings',
    'notificationSettings',
    'createdDateTime',
    'modifiedDateTime',
  ],
  properties: (p) => ({ id: p.id, ...p.body, createdDateTime: iso(p.createdAt), modifiedDateTime: iso(p.modifiedAt) }),
  navigation: {
    accessPackage: (p, call, item) => {
      const pkg = state(call).accessPackages.find((x) => x.id === p.accessPackageId);
      return pkg ? render(accessPackageType, pkg, call, item.select, item.expand) : null;
    },
    catalog: (p, call, item) => {
      const catalog = state(call).catalogs.find((c) => c.id === p.catalogId);
      return catalog ? render(catalogType, catalog, call, item.select, item.expand) : null;
    },
    questions: () => [],
    customExtensionStageSettings: () => [],
  },
};

function subjectJson(subject: SubjectSnapshot): Json {
  return {
    id: subject.id,
    displayName: subject.displayName,
    email: subject.email,
    objectId: subject.objectId,
    onPremisesSecurityIdentifier: null,
    principalName: subject.principalName,
    subjectType: subject.subjectType,
    subjectLifecycle: 'notDefined',
  };
}

const subjectType: EntityType<SubjectSnapshot> = {
  typeName: 'accessPackageSubject',
  propertyNames: [
    'id',
    'displayName',
    'email',
    'objectId',
    'onPremisesSecurityIdentifier',
    'principalName',
    'subjectType',
    'subjectLifecycle',
  ],
  properties: subjectJson,
  navigation: { connectedOrganization: () => null },
};

function scheduleJson(start: number, expiration: ExpirationSnapshot, endAt: number | null): Json {
  return {
    startDateTime: iso(start),
    recurrence: null,
    expiration:
      endAt !== null
        ? { endDateTime: iso(endAt), duration: null, type: 'afterDateTime' }
        : {
            endDateTime: null,
            duration: expiration.duration,
            type: expiration.type === 'notSpecified' ? 'noExpiration' : expiration.type,
          },
  };
}

export const assignmentType: EntityType<AssignmentRecord> = {
  typeName: 'accessPackageAssignment',
  propertyNames: ['id', 'state', 'status', 'expiredDateTime', 'schedule', 'customExtensionCalloutInstances'],
  properties: (a, call) => {
    const view = assignmentView(a, call.now);
    return {
      id: a.id,
      state: view?.state ?? 'delivering',
      status: view?.status ?? 'Delivering',
      expiredDateTime: iso(view?.expiredAt),
      schedule: scheduleJson(a.scheduleStart, a.expiration, a.expiresAt),
      customExtensionCalloutInstances: [],
    };
  },
  navigation: {
    accessPackage: (a, call, item) => {
      const pkg = state(call).accessPackages.find((x) => x.id === a.accessPackageId);
      return pkg ? render(accessPackageType, pkg, call, item.select, item.expand) : null;
    },
    assignmentPolicy: (a, call, item) => {
      const policy = state(call).policies.find((x) => x.id === a.policyId);
      return policy ? render(policyType, policy, call, item.select, item.expand) : null;
    },
    target: (a, call, item) => render(subjectType, a.target, call, item.select, item.expand),
  },
};

export const assignmentRequestType: EntityType<AssignmentRequestRecord> = {
  typeName: 'accessPackageAssignmentRequest',
  propertyNames: [
    'id',
    'requestType',
    'state',
    'status',
    'createdDateTime',
    'completedDateTime',
    'justification',
    'schedule',
    'answers',
    'customExtensionCalloutInstances',
  ],
  properties: (r, call) => {
    const view = requestView(r, call.now);
    return {
      id: r.id,
      requestType: r.requestType,
      state: view.state,
      status: view.status,
      createdDateTime: iso(r.createdAt),
      completedDateTime: iso(view.completedAt),
      justification: r.justification,
      schedule: scheduleJson(
        r.scheduleStart,
        r.expiration,
        r.expiration.type === 'afterDateTime' ? r.expiration.endAt : null,
      ),
      answers: [],
      customExtensionCalloutInstances: [],
    };
  },
  navigation: {
    accessPackage: (r, call, item) => {
      const pkg = state(call).accessPackages.find((x) => x.id === r.accessPackageId);
      return pkg ? render(accessPackageType, pkg, call, item.select, item.expand) : null;
    },
    assignment: (r, call, item) => {
      const assignment = state(call).assignments.find((a) => a.id === r.assignmentId);
      return assignment && assignmentView(assignment, call.now)
        ? render(assignmentType, assignment, call, item.select, item.expand)
        : null;
    },
    requestor: (r, call, item) => render(subjectType, r.requestor, call, item.select, item.expand),
  },
};
