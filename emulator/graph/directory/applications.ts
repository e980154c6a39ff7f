// /applications and /servicePrincipals: app registrations with their app roles, created through Graph (POST
// /applications, then POST /servicePrincipals {appId}) or seeded; get, and list with $filter/$select/$top and paging.
// A service principal shows its application's name and app roles. Both are subject to replication lag like users.

import { randomUUID } from 'node:crypto';
import { graphErrors } from '../../errors/graph-errors.js';
import { compileFilter, type FilterSchema } from '../../odata/filter-eval.js';
import { paginate } from '../../odata/paging.js';
import { isVisible, type AppRole, type ApplicationRecord, type ServicePrincipalRecord } from '../../store/state.js';
import { checkBody, isBlank, isPlainObject } from '../body.js';
import { permissions } from '../permissions.js';
import { checkSelect, collectionReply, entityReply, isGuid, project, type Json } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import {
  applicationDefaultProperties,
  applicationFilterSchema,
  applicationFull,
  applicationKnownProperties,
  servicePrincipalDefaultProperties,
  servicePrincipalFilterSchema,
  servicePrincipalFull,
  servicePrincipalKnownProperties,
} from './app-views.js';

const signInAudiences = [
  'AzureADMyOrg',
  'AzureADMultipleOrgs',
  'AzureADandPersonalMicrosoftAccount',
  'PersonalMicrosoftAccount',
];
const memberTypes = ['User', 'Application'];

/** The application behind a service principal (by appId), deleted or not yet replicated ones included. */
export function applicationOf(call: GraphCall, sp: ServicePrincipalRecord): ApplicationRecord | undefined {
  return call.ctx.store.state.applications.find((a) => a.appId === sp.appId && a.deletedAt === undefined);
}

export function findServicePrincipal(call: GraphCall, id: string): ServicePrincipalRecord | undefined {
  return call.ctx.store.state.servicePrincipals.find((sp) => sp.id === id.toLowerCase() && isVisible(sp, call.now));
}

function requireById<T extends { id: string }>(id: string, find: (id: string) => T | undefined): T {
  if (!isGuid(id)) throw graphErrors.invalidObjectIdentifier(id);
  const found = find(id);
  if (!found) throw graphErrors.directoryObjectNotFound(id);
  return found;
}

export function requireServicePrincipal(call: GraphCall, id: string): ServicePrincipalRecord {
  return requireById(id, (key) => findServicePrincipal(call, key));
}

function appView(call: GraphCall, app: ApplicationRecord, select: readonly string[] | undefined): Json {
  const full = applicationFull(app, call.ctx.options.domain);
  return project(full, select, applicationDefaultProperties, applicationKnownProperties, 'application');
}

function servicePrincipalView(call: GraphCall, sp: ServicePrincipalRecord, select: readonly string[] | undefined) {
  const full = servicePrincipalFull(sp, applicationOf(call, sp)!, call.ctx.options.tenantId);
  return project(full, select, servicePrincipalDefaultProperties, servicePrincipalKnownProperties, 'servicePrincipal');
}

function listReply<T>(
  call: GraphCall,
  contextPath: string,
  records: readonly T[],
  schema: FilterSchema<T>,
  known: readonly string[],
  view: (record: T, select: readonly string[] | undefined) => Json,
) {
  const query = call.query({ filter: true, select: true, top: true });
  checkSelect(query.select, known, schema.typeName);
  const matching = query.filter ? records.filter(compileFilter(query.filter, schema)) : records;
  const page = paginate(matching, call.exchange.url, query.top, query.skipToken, 100);
  return collectionReply(call, contextPath, {
    items: page.items.map((record) => view(record, query.select)),
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
  });
}

/** Graph's rules for app roles: GUID ids and values unique in the app, at least one allowed member type. */
function parseAppRoles(value: unknown): AppRole[] {
  const invalid = () => graphErrors.invalidPropertyValue('appRoles', 'Application');
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid();
  const roles = value.map((raw): AppRole => {
    if (!isPlainObject(raw)) throw invalid();
    const allowed = [
      'id',
      'value',
      'displayName',
      'description',
      'allowedMemberTypes',
      'isEnabled',
      'origin',
      '@odata.type',
    ];
    for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw graphErrors.unknownDirectoryProperty(key);
    const { id, value: roleValue, displayName, description, allowedMemberTypes, isEnabled } = raw;
    if (typeof id !== 'string' || !isGuid(id)) throw invalid();
    if (roleValue != null && (typeof roleValue !== 'string' || roleValue.length > 120 || /\s/.test(roleValue)))
      throw invalid();
    if (typeof displayName !== 'string' || displayName.trim() === '') throw invalid();
    if (description != null && typeof description !== 'string') throw invalid();
    if (
      !Array.isArray(allowedMemberTypes) ||
      allowedMemberTypes.length === 0 ||
      !allowedMemberTypes.every((t) => typeof t === 'string' && memberTypes.includes(t))
    )
      throw invalid();
    if (isEnabled != null && typeof isEnabled !== 'boolean') throw invalid();
    return {
      id: id.toLowerCase(),
      value: roleValue ?? null,
      displayName,
      description: description ?? null,
      allowedMemberTypes: [...new Set(allowedMemberTypes as string[])],
      isEnabled: isEnabled ?? true,
    };
  });
  const ids = roles.map((r) => r.id);
  const values = roles.flatMap((r) => (r.value === null ? [] : [r.value.toLowerCase()]));
  if (new Set(ids).size !== ids.length || new Set(values).size !== values.length) throw invalid();
  return roles;
}

function createApplication(call: GraphCall) {
  const body = checkBody(call.body(), {
    typeName: 'application',
    fields: {
      displayName: 'string',
      description: 'string',
      signInAudience: 'string',
      notes: 'string',
      tags: 'string[]',
      appRoles: 'object[]',
      isFallbackPublicClient: 'boolean',
    },
    unknown: graphErrors.unknownDirectoryProperty,
    invalid: (p) => graphErrors.invalidPropertyValue(p, 'Application'),
  });
  if (isBlank(body.displayName)) throw graphErrors.propertyRequired('displayName');
  const displayName = body.displayName as string;
  if (displayName.length > 256) throw graphErrors.invalidPropertyValue('displayName', 'Application');
  const signInAudience = (body.signInAudience as string | null | undefined) ?? 'AzureADMyOrg';
  if (!signInAudiences.includes(signInAudience))
    throw graphErrors.invalidPropertyValue('signInAudience', 'Application');
  const app: ApplicationRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    appId: randomUUID(),
    displayName,
    description: (body.description as string | null | undefined) ?? null,
    signInAudience,
    notes: (body.notes as string | null | undefined) ?? null,
    tags: (body.tags as string[] | null | undefined) ?? [],
    appRoles: parseAppRoles(body.appRoles),
    ...(typeof body.isFallbackPublicClient === 'boolean'
      ? { isFallbackPublicClient: body.isFallbackPublicClient }
      : {}),
  };
  call.ctx.store.mutate((s) => s.applications.push(app));
  return entityReply(call, 201, 'applications', appView(call, app, undefined));
}

function createServicePrincipal(call: GraphCall) {
  const body = checkBody(call.body(), {
    typeName: 'servicePrincipal',
    fields: { appId: 'string', accountEnabled: 'boolean', appRoleAssignmentRequired: 'boolean', tags: 'string[]' },
    unknown: graphErrors.unknownDirectoryProperty,
    invalid: (p) => graphErrors.invalidPropertyValue(p, 'ServicePrincipal'),
  });
  if (isBlank(body.appId)) throw graphErrors.propertyRequired('appId');
  const appId = (body.appId as string).toLowerCase();
  const state = call.ctx.store.state;
  // The application must be visible (a just-created one may not be yet); uniqueness sees every principal.
  const app = state.applications.find((a) => a.appId === appId && isVisible(a, call.now));
  if (!app) throw graphErrors.noBackingApplication(body.appId as string);
  if (state.servicePrincipals.some((sp) => sp.appId === appId && sp.deletedAt === undefined))
    throw graphErrors.servicePrincipalNameInUse(appId);
  const sp: ServicePrincipalRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    appId,
    accountEnabled: (body.accountEnabled as boolean | null | undefined) ?? true,
    appRoleAssignmentRequired: (body.appRoleAssignmentRequired as boolean | null | undefined) ?? false,
    tags: (body.tags as string[] | null | undefined) ?? [],
  };
  call.ctx.store.mutate((s) => s.servicePrincipals.push(sp));
  return entityReply(call, 201, 'servicePrincipals', servicePrincipalView(call, sp, undefined));
}

const visibleApplications = (call: GraphCall) =>
  call.ctx.store.state.applications.filter((a) => isVisible(a, call.now));
const visibleServicePrincipals = (call: GraphCall) =>
  call.ctx.store.state.servicePrincipals.filter((sp) => isVisible(sp, call.now));

export const applicationRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: '/v1.0/applications',
    permissions: permissions.applicationsRead,
    handler: (call) =>
      listReply(
        call,
        'applications',
        visibleApplications(call),
        applicationFilterSchema,
        applicationKnownProperties,
        (app, select) => appView(call, app, select),
      ),
  },
  {
    method: 'POST',
    template: '/v1.0/applications',
    permissions: permissions.applicationsCreate,
    handler: createApplication,
  },
  {
    method: 'GET',
    template: '/v1.0/applications/{id}',
    permissions: permissions.applicationsRead,
    handler: (call) => {
      const query = call.query({ select: true });
      const app = requireById(call.params.id!, (id) =>
        visibleApplications(call).find((a) => a.id === id.toLowerCase()),
      );
      return entityReply(call, 200, 'applications', appView(call, app, query.select));
    },
  },
  {
    method: 'GET',
    template: '/v1.0/servicePrincipals',
    permissions: permissions.applicationsRead,
    handler: (call) =>
      listReply(
        call,
        'servicePrincipals',
        visibleServicePrincipals(call),
        servicePrincipalFilterSchema((sp) => applicationOf(call, sp)),
        servicePrincipalKnownProperties,
        (sp, select) => servicePrincipalView(call, sp, select),
      ),
  },
  {
    method: 'POST',
    template: '/v1.0/servicePrincipals',
    permissions: permissions.servicePrincipalsCreate,
    handler: createServicePrincipal,
  },
  {
    method: 'GET',
    template: '/v1.0/servicePrincipals/{id}',
    permissions: permissions.applicationsRead,
    handler: (call) => {
      const query = call.query({ select: true });
      const sp = requireServicePrincipal(call, call.params.id!);
      return entityReply(call, 200, 'servicePrincipals', servicePrincipalView(call, sp, query.select));
    },
  },
];
