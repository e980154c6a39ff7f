// The tutorial's steps as Graph v1.0 calls through the official client, shared by the
// conformance tests so each test body states only the behaviour it checks.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { randomUUID } from 'node:crypto';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'vitest';

export const em = '/identityGovernance/entitlementManagement';
export const password = 'Contoso1234!';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const unique = (prefix: string) => `${prefix}${randomUUID().slice(0, 8)}`;

export async function createUser(graph: Client, domain: string, overrides: Json = {}): Promise<Json> {
  const alias = unique('requestor');
  return graph.api('/users').post({
    accountEnabled: true,
    displayName: alias,
    mailNickname: alias,
    userPrincipalName: `${alias}@${domain}`,
    passwordProfile: { password, forceChangePasswordNextSignIn: false },
    ...overrides,
  });
}

export async function createGroup(graph: Client, overrides: Json = {}): Promise<Json> {
  const nickname = unique('markres');
  return graph.api('/groups').post({
    displayName: `Marketing resources ${nickname}`,
    description: 'Marketing resources',
    mailEnabled: false,
    mailNickname: nickname,
    securityEnabled: true,
    ...overrides,
  });
}

export async function generalCatalog(graph: Client): Promise<Json> {
  const list = await graph.api(`${em}/catalogs`).filter("displayName eq 'General'").get();
  expect(list.value).toHaveLength(1);
  return list.value[0];
}

export async function addGroupToCatalog(graph: Client, catalogId: string, groupId: string): Promise<Json> {
  return graph.api(`${em}/resourceRequests`).post({
    requestType: 'adminAdd',
    resource: { originId: groupId, originSystem: 'AadGroup' },
    catalog: { id: catalogId },
  });
}

/** adminAdd of any kind of resource: a group or service principal id, or a site URL. */
export async function addResourceToCatalog(
  graph: Client,
  catalogId: string,
  originSystem: 'AadGroup' | 'AadApplication' | 'SharePointOnline',
  originId: string,
): Promise<Json> {
  return graph.api(`${em}/resourceRequests`).post({
    requestType: 'adminAdd',
    resource: { originId, originSystem },
    catalog: { id: catalogId },
  });
}

/** A seeded (or created) service principal, found by its display name. */
export async function servicePrincipalNamed(graph: Client, displayName: string): Promise<Json> {
  const list = await graph.api('/servicePrincipals').filter(`displayName eq '${displayName}'`).get();
  expect(list.value).toHaveLength(1);
  return list.value[0];
}

/** The roles of one catalog resource, as the tutorial's filter lists them. */
export async function resourceRoles(
  graph: Client,
  catalogId: string,
  originSystem: string,
  resourceId: string,
): Promise<Json[]> {
  const list = await graph
    .api(`${em}/catalogs/${catalogId}/resourceRoles`)
    .filter(`(originSystem eq '${originSystem}' and resource/id eq '${resourceId}')`)
    .expand('resource')
    .get();
  return list.value;
}

export async function catalogResource(graph: Client, catalogId: string, groupId: string): Promise<Json> {
  const list = await graph
    .api(`${em}/catalogs/${catalogId}/resources`)
    .filter(`originId eq '${groupId}'`)
    .expand('roles,scopes')
    .get();
  expect(list.value).toHaveLength(1);
  return list.value[0];
}

export async function memberRole(graph: Client, catalogId: string, resourceId: string): Promise<Json> {
  const list = await graph
    .api(`${em}/catalogs/${catalogId}/resourceRoles`)
    .filter(`(originSystem eq 'AadGroup' and resource/id eq '${resourceId}')`)
    .expand('resource')
    .get();
  const member = list.value.find((r: Json) => r.displayName === 'Member');
  expect(member).toBeDefined();
  return member;
}

export async function createPackage(graph: Client, catalogId: string, overrides: Json = {}): Promise<Json> {
  return graph.api(`${em}/accessPackages`).post({
    displayName: unique('Marketing Campaign '),
    description: 'Access to marketing resources',
    catalog: { id: catalogId },
    ...overrides,
  });
}

export async function addRoleScope(
  graph: Client,
  packageId: string,
  role: Json,
  scope: Json,
  resourceId: string,
): Promise<Json> {
  return graph.api(`${em}/accessPackages/${packageId}/resourceRoleScopes`).post({
    role: { id: role.id, originId: role.originId, originSystem: role.originSystem, resource: { id: resourceId } },
    scope: { id: scope.id, originId: scope.originId, originSystem: scope.originSystem, isRootScope: true },
  });
}

export function policyBody(packageId: string, userId: string, overrides: Json = {}): Json {
  return {
    displayName: 'Specific users',
    description: 'Specific users can request assignment',
    allowedTargetScope: 'specificDirectoryUsers',
    specificAllowedTargets: [{ '@odata.type': '#microsoft.graph.singleUser', userId }],
    expiration: { type: 'afterDuration', duration: 'P30D' },
    requestorSettings: {
      enableTargetsToSelfAddAccess: true,
      enableTargetsToSelfRemoveAccess: true,
      enableTargetsToSelfUpdateAccess: false,
      allowCustomAssignmentSchedule: false,
      enableOnBehalfRequestorsToAddAccess: false,
      onBehalfRequestors: [],
    },
    requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, stages: [] },
    accessPackage: { id: packageId },
    ...overrides,
  };
}

export async function createPolicy(
  graph: Client,
  packageId: string,
  userId: string,
  overrides: Json = {},
): Promise<Json> {
  return graph.api(`${em}/assignmentPolicies`).post(policyBody(packageId, userId, overrides));
}

export async function requestAssignment(
  graph: Client,
  requestType: string,
  targetId: string,
  policyId: string,
  packageId: string,
): Promise<Json> {
  return graph
    .api(`${em}/assignmentRequests`)
    .post({ requestType, assignment: { targetId, assignmentPolicyId: policyId, accessPackageId: packageId } });
}

export async function removeAssignment(graph: Client, assignmentId: string): Promise<Json> {
  return graph.api(`${em}/assignmentRequests`).post({ requestType: 'adminRemove', assignment: { id: assignmentId } });
}

export interface Provisioned {
  user: Json;
  group: Json;
  catalogId: string;
  resource: Json;
  role: Json;
  scope: Json;
  accessPackage: Json;
  roleScope: Json;
  policy: Json;
}

/** Steps 1–9: everything up to (not including) the assignment request. */
export async function provision(graph: Client, domain: string, policyOverrides: Json = {}): Promise<Provisioned> {
  const [user, group, catalog] = await Promise.all([
    createUser(graph, domain),
    createGroup(graph),
    generalCatalog(graph),
  ]);
  await addGroupToCatalog(graph, catalog.id, group.id);
  const resource = await catalogResource(graph, catalog.id, group.id);
  const role = await memberRole(graph, catalog.id, resource.id);
  const scope = resource.scopes.find((s: Json) => s.isRootScope);
  const accessPackage = await createPackage(graph, catalog.id);
  const roleScope = await addRoleScope(graph, accessPackage.id, role, scope, resource.id);
  const policy = await createPolicy(graph, accessPackage.id, user.id, policyOverrides);
  return { user, group, catalogId: catalog.id, resource, role, scope, accessPackage, roleScope, policy };
}

export async function memberIds(graph: Client, groupId: string): Promise<string[]> {
  const members = await graph.api(`/groups/${groupId}/members`).get();
  return members.value.map((m: Json) => m.id);
}

/** Awaits a Graph call that must fail and returns the client's GraphError with the parsed envelope. */
export async function graphFailure(call: Promise<unknown>): Promise<GraphError & { envelope: Json }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    // The client stores the envelope's `error` object, serialized, in `body`.
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return Object.assign(error, { envelope: body?.error ?? body ?? {} });
  }
  throw new Error('Expected the Graph call to fail');
}
