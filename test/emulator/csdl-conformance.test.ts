// Every entity the emulator returns validates against Microsoft's v1.0 CSDL (the committed extract): no property
// the type lacks (navigation properties only when expanded), JSON types and enum values from the CSDL, GUID ids.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultPermissions } from '../../emulator/index.js';
import {
  asUser,
  currentStage,
  decide,
  groupMembers,
  requestorManager,
  singleUser,
  stage,
} from './support/approvals.js';
import { approvalsSupplement, enumMembers, validateCollection, validateEntity } from './support/csdl.js';
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

describe('approvals and managers', () => {
  test('a policy with approval stages, a pending request, its approval, stages and a manager', async () => {
    const [first, second, manager] = await Promise.all([1, 2, 3].map(() => createUser(h.graph(), h.info.domain)));
    const group = await h
      .graph()
      .api('/groups')
      .post({
        displayName: 'Approvers',
        mailEnabled: false,
        mailNickname: `approvers${randomUUID().slice(0, 8)}`,
        securityEnabled: true,
      });
    const q = await provision(h.graph(), h.info.domain, {
      requestApprovalSettings: {
        isApprovalRequiredForAdd: true,
        isApprovalRequiredForUpdate: false,
        stages: [
          stage({ primaryApprovers: [singleUser(first!.id)], fallbackPrimaryApprovers: [groupMembers(group.id)] }),
          stage({
            primaryApprovers: [{ '@odata.type': '#microsoft.graph.internalSponsors' }],
            fallbackPrimaryApprovers: [singleUser(second!.id)],
            isEscalationEnabled: true,
            durationBeforeEscalation: 'P1D',
            escalationApprovers: [requestorManager(2)],
            fallbackEscalationApprovers: [singleUser(manager!.id)],
          }),
        ],
      },
    });
    expect(validateEntity(q.policy, 'accessPackageAssignmentPolicy')).toEqual([]);
    const request = await requestAssignment(asUser(h, q.user), 'userAdd', q.user.id, q.policy.id, q.accessPackage.id);
    expect(validateEntity(request, 'accessPackageAssignmentRequest')).toEqual([]);
    await decide(asUser(h, first!), request.id, (await currentStage(asUser(h, first!), request.id)).id, 'Approve');

    const asSecond = asUser(h, second!);
    const approvals = `${em}/accessPackageAssignmentApprovals`;
    const approval = await asSecond.api(`${approvals}/${request.id}`).get();
    expect(approval.stages).toHaveLength(2);
    expect(validateEntity(approval, 'approval')).toEqual([]);
    expect(validateCollection(await asSecond.api(`${approvals}/${request.id}/stages`).get(), 'approvalStage')).toEqual(
      [],
    );
    expect(
      validateEntity(
        await asSecond.api(`${approvals}/${request.id}/stages/${approval.stages[0].id}`).get(),
        'approvalStage',
      ),
    ).toEqual([]);
    expect(
      validateCollection(await asSecond.api(`${approvals}/filterByCurrentUser(on='approver')`).get(), 'approval'),
    ).toEqual([]);
    expect(
      validateCollection(
        await asSecond.api(`${em}/assignmentRequests/filterByCurrentUser(on='approver')`).get(),
        'accessPackageAssignmentRequest',
      ),
    ).toEqual([]);

    await h
      .graph()
      .api(`/users/${q.user.id}/manager/$ref`)
      .put({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${manager!.id}` });
    expect(validateEntity(await get(`/users/${q.user.id}/manager`), 'directoryObject')).toEqual([]);
  });

  const csdl = fileURLToPath(new URL('../../../shared/graph-metadata/v1.0-cleanMetadata.xml', import.meta.url));
  test.skipIf(!existsSync(csdl))('the approvals supplement is what Microsoft’s CSDL says', () => {
    const xml = readFileSync(csdl, 'utf8');
    const block = (kind: string, name: string) => {
      const start = xml.indexOf(`<${kind} Name="${name}"`);
      return xml.slice(start, xml.indexOf(`</${kind}>`, start));
    };
    const own = (kind: string, name: string) =>
      [...block(kind, name).matchAll(/<(?:Navigation)?Property Name="(\w+)" Type="([^"]+)"/g)].map(
        ([, property, type]) => [property, type!.replace(/graph\./g, '')],
      );
    const supplement = (name: string) => {
      const type = approvalsSupplement.types[name]!;
      return [...Object.entries(type.properties), ...Object.entries(type.navigation)]
        .filter(([property]) => property !== 'id' || type.kind === 'complex')
        .map(([property, p]) => [property, p.collection ? `Collection(${p.type})` : p.type]);
    };
    expect(supplement('approval')).toEqual(own('EntityType', 'approval'));
    expect(supplement('approvalStage')).toEqual(own('EntityType', 'approvalStage'));
    expect(supplement('identity')).toEqual(own('ComplexType', 'identity'));
    for (const [name, { members }] of Object.entries(approvalsSupplement.enums))
      expect(members).toEqual([...block('EnumType', name).matchAll(/<Member Name="(\w+)"/g)].map(([, m]) => m));
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
