// Every entity the emulator returns validates against Microsoft's v1.0 CSDL (the committed extract): no property
// the type lacks (navigation properties only when expanded), JSON types and enum values from the CSDL, GUID ids.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultPermissions } from '../../emulator/index.js';
import { enumMembers, validateCollection, validateEntity } from './support/csdl.js';
import { startHarness, type EmulatorHarness } from './support/harness.js';
import {
  addResourceToCatalog,
  addRoleScope,
  catalogResource,
  createUser,
  em,
  password,
  provision,
  removeAssignment,
  requestAssignment,
  servicePrincipalNamed,
  type Json,
  type Provisioned,
} from './support/steps.js';

let h: EmulatorHarness;
let p: Provisioned;
let requestId: string;
let assignmentId: string;
let removalId: string;
let expenses: Json;

beforeAll(async () => {
  h = await startHarness({
    deliveryDelayMs: 1000,
    permissions: [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All', 'Directory.Read.All'],
  });
  p = await provision(h.graph(), h.info.domain);
  // The package also holds an app role and a site role, so every kind of resource and an app role assignment exist.
  expenses = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
  const site = 'https://contoso.sharepoint.com/sites/Marketing';
  for (const [originSystem, originId] of [
    ['AadApplication', expenses.id],
    ['SharePointOnline', site],
  ] as const) {
    await addResourceToCatalog(h.graph(), p.catalogId, originSystem, originId);
    const resource = await catalogResource(h.graph(), p.catalogId, originId);
    await addRoleScope(h.graph(), p.accessPackage.id, resource.roles[0], resource.scopes[0], resource.id);
  }
  const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
  requestId = (await requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id)).id;
  await h.control.post('clock', { advanceMs: 1000 });
  assignmentId = (await h.graph().api(`${em}/assignments`).get()).value[0].id;
  removalId = (await removeAssignment(h.graph(), assignmentId)).id;
  await createUser(h.graph(), h.info.domain, {
    givenName: 'Ada',
    surname: 'Lovelace',
    jobTitle: 'Analyst',
    businessPhones: ['+1 555 0100'],
    usageLocation: 'GB',
  });
});
afterAll(async () => {
  await h?.close();
});

const get = (path: string, query: Record<string, string> = {}) => {
  const request = h.graph().api(path);
  if (query.expand) request.expand(query.expand);
  if (query.select) request.select(query.select);
  return request.get() as Promise<Json>;
};

describe('directory entities', () => {
  test('users: list, get, and $select of every known property', async () => {
    expect(validateCollection(await get('/users'), 'user')).toEqual([]);
    expect(validateEntity(await get(`/users/${p.user.id}`), 'user')).toEqual([]);
    const all =
      'accountEnabled,createdDateTime,mailNickname,userType,securityIdentifier,proxyAddresses,otherMails,usageLocation,department,identities,imAddresses,lastPasswordChangeDateTime';
    expect(validateEntity(await get(`/users/${p.user.id}`, { select: all }), 'user')).toEqual([]);
  });

  test('a created user (POST response)', async () => {
    expect(validateEntity(await createUser(h.graph(), h.info.domain), 'user')).toEqual([]);
  });

  test('applications and service principals: list, get, $select of every known property, POST responses', async () => {
    expect(validateCollection(await get('/applications'), 'application')).toEqual([]);
    expect(validateCollection(await get('/servicePrincipals'), 'servicePrincipal')).toEqual([]);
    expect(validateEntity(await get(`/servicePrincipals/${expenses.id}`), 'servicePrincipal')).toEqual([]);
    const app = await h
      .graph()
      .api('/applications')
      .post({
        displayName: 'Payroll',
        description: 'Pay slips',
        tags: ['HR'],
        appRoles: [{ id: randomUUID(), value: 'Approver', displayName: 'Approver', allowedMemberTypes: ['User'] }],
      });
    expect(validateEntity(app, 'application')).toEqual([]);
    expect(
      validateEntity(
        await get(`/applications/${app.id}`, {
          select:
            'authenticationBehaviors,createdByAppId,isDisabled,oauth2RequirePostResponse,servicePrincipalLockConfiguration,uniqueName',
        }),
        'application',
      ),
    ).toEqual([]);
    const sp = await h.graph().api('/servicePrincipals').post({ appId: app.appId });
    expect(validateEntity(sp, 'servicePrincipal')).toEqual([]);
    expect(
      validateEntity(
        await get(`/servicePrincipals/${sp.id}`, { select: 'createdByAppId,isDisabled' }),
        'servicePrincipal',
      ),
    ).toEqual([]);
  });

  test('app role assignments: of a service principal and of a user', async () => {
    const assignedTo = await get(`/servicePrincipals/${expenses.id}/appRoleAssignedTo`);
    expect(assignedTo.value).toHaveLength(1);
    expect(validateCollection(assignedTo, 'appRoleAssignment')).toEqual([]);
    const ofUser = await get(`/users/${p.user.id}/appRoleAssignments`);
    expect(ofUser.value.map((a: Json) => a.id)).toEqual(assignedTo.value.map((a: Json) => a.id));
    expect(validateCollection(ofUser, 'appRoleAssignment')).toEqual([]);
  });

  test('groups, group members (as directoryObject with @odata.type user) and domains', async () => {
    expect(validateCollection(await get('/groups'), 'group')).toEqual([]);
    expect(validateEntity(await get(`/groups/${p.group.id}`), 'group')).toEqual([]);
    expect(validateCollection(await get(`/groups/${p.group.id}/members`), 'directoryObject')).toEqual([]);
    expect(validateCollection(await get('/domains'), 'domain')).toEqual([]);
  });
});

describe('entitlement-management entities', () => {
  test('catalogs, expanded with everything they can expand', async () => {
    expect(
      validateCollection(
        await get(`${em}/catalogs`, { expand: 'accessPackages,resources,resourceRoles,resourceScopes' }),
        'accessPackageCatalog',
      ),
    ).toEqual([]);
  });

  test('catalog resources with roles and scopes; resource roles with their resource; resource scopes', async () => {
    const resources = await get(`${em}/catalogs/${p.catalogId}/resources`, { expand: 'roles,scopes' });
    expect(resources.value.map((r: Json) => r.originSystem).sort()).toEqual([
      'AadApplication',
      'AadGroup',
      'SharePointOnline',
    ]);
    expect(validateCollection(resources, 'accessPackageResource')).toEqual([]);
    expect(
      validateCollection(
        await get(`${em}/catalogs/${p.catalogId}/resourceRoles`, { expand: 'resource' }),
        'accessPackageResourceRole',
      ),
    ).toEqual([]);
    expect(
      validateCollection(
        await get(`${em}/catalogs/${p.catalogId}/resourceScopes`, { expand: 'resource' }),
        'accessPackageResourceScope',
      ),
    ).toEqual([]);
  });

  test('resource requests, expanded', async () => {
    expect(
      validateCollection(
        await get(`${em}/resourceRequests`, { expand: 'catalog,resource' }),
        'accessPackageResourceRequest',
      ),
    ).toEqual([]);
  });

  test('access packages with catalog, role scopes (with role and scope) and policies', async () => {
    const packages = await get(`${em}/accessPackages`, {
      expand: 'catalog,resourceRoleScopes($expand=role,scope),assignmentPolicies',
    });
    expect(validateCollection(packages, 'accessPackage')).toEqual([]);
    expect(packages.value[0].resourceRoleScopes).toHaveLength(3);
    expect(
      validateCollection(
        await get(`${em}/accessPackages/${p.accessPackage.id}/resourceRoleScopes`, { expand: 'role,scope' }),
        'accessPackageResourceRoleScope',
      ),
    ).toEqual([]);
  });

  test('assignment policies, expanded', async () => {
    const policies = await get(`${em}/assignmentPolicies`, { expand: 'accessPackage,catalog' });
    expect(validateCollection(policies, 'accessPackageAssignmentPolicy')).toEqual([]);
    expect(enumMembers('allowedTargetScope')).toContain(policies.value[0].allowedTargetScope);
  });

  test('assignment requests (add and remove), expanded', async () => {
    const requests = await get(`${em}/assignmentRequests`, {
      expand: 'accessPackage,requestor,assignment($expand=target)',
    });
    expect(validateCollection(requests, 'accessPackageAssignmentRequest')).toEqual([]);
    expect(requests.value.map((r: Json) => r.id).sort()).toEqual([requestId, removalId].sort());
  });

  test('assignments, expanded — including one being removed and, later, an expired one', async () => {
    const expand = 'target,accessPackage,assignmentPolicy';
    expect(validateCollection(await get(`${em}/assignments`, { expand }), 'accessPackageAssignment')).toEqual([]);
    await h.control.post('clock', { advanceMs: 1000 });
    const expired = await get(`${em}/assignments/${assignmentId}`, { expand });
    expect(expired.state).toBe('expired');
    expect(validateEntity(expired, 'accessPackageAssignment')).toEqual([]);
  });

  test('every POST response', async () => {
    const q = await provision(h.graph(), h.info.domain);
    expect(validateEntity(q.accessPackage, 'accessPackage')).toEqual([]);
    expect(validateEntity(q.roleScope, 'accessPackageResourceRoleScope')).toEqual([]);
    expect(validateEntity(q.policy, 'accessPackageAssignmentPolicy')).toEqual([]);
    expect(validateEntity(q.group, 'group')).toEqual([]);
    expect(
      validateEntity(
        await requestAssignment(h.graph(), 'adminAdd', q.user.id, q.policy.id, q.accessPackage.id),
        'accessPackageAssignmentRequest',
      ),
    ).toEqual([]);
  });
});

describe('the validator itself', () => {
  test('catches a property the type lacks, a bad enum value and a non-GUID id', () => {
    expect(
      validateEntity({ id: 'x', state: 'Delivered', assignmentState: 'Delivered' }, 'accessPackageAssignment'),
    ).toEqual([
      'accessPackageAssignment.state: Delivered is not a member of accessPackageAssignmentState',
      'accessPackageAssignment.assignmentState: not a property of accessPackageAssignment',
      'accessPackageAssignment.id: x is not a valid id for accessPackageAssignment',
    ]);
  });
});
