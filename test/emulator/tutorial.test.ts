// The tutorial's happy path, step by step, in Graph v1.0 (each tutorial step mapped to its v1.0 call), through the official
// Graph client and a ClientSecretCredential — asserting the emulator's state after each step, not just statuses.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type EmulatorHarness } from './support/harness.js';
import {
  addGroupToCatalog,
  addRoleScope,
  catalogResource,
  createGroup,
  createPackage,
  createPolicy,
  createUser,
  em,
  generalCatalog,
  memberIds,
  memberRole,
  removeAssignment,
  requestAssignment,
  type Json,
} from './support/steps.js';

let h: EmulatorHarness;
beforeAll(async () => {
  h = await startHarness({ deliveryDelayMs: 900 });
});
afterAll(async () => {
  await h?.close();
});

describe('the tutorial in Graph v1.0', () => {
  // One flowing scenario: each step depends on the previous one, as in the tutorial.
  const ids: Record<string, string> = {};
  let role: Json;
  let scope: Json;

  test('1. POST /users creates the requestor', async () => {
    const user = await createUser(h.graph(), h.info.domain, { displayName: 'Requestor1' });
    expect(user).toMatchObject({
      displayName: 'Requestor1',
      userPrincipalName: expect.stringMatching(/@contoso\.onmicrosoft\.com$/),
    });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user['@odata.context']).toBe(`${h.info.graphBaseUrl}/$metadata#users/$entity`);
    ids.user = user.id;
    const objects = await h.control.get<Json>('objects');
    expect(objects.users.map((u: Json) => u.id)).toEqual([user.id]);
  });

  test('2. POST /groups creates the security group', async () => {
    const group = await createGroup(h.graph(), { displayName: 'Marketing resources', mailNickname: 'markres' });
    expect(group).toMatchObject({
      displayName: 'Marketing resources',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      mailNickname: 'markres',
    });
    ids.group = group.id;
  });

  test('3. the General catalog is found by displayName', async () => {
    const catalog = await generalCatalog(h.graph());
    expect(catalog).toMatchObject({ displayName: 'General', catalogType: 'serviceDefault', state: 'published' });
    ids.catalog = catalog.id;
  });

  test('4. a resource request adds the group to the catalog, delivered at once', async () => {
    const request = await addGroupToCatalog(h.graph(), ids.catalog!, ids.group!);
    expect(request).toMatchObject({ requestType: 'adminAdd', state: 'delivered' });
    const objects = await h.control.get<Json>('objects');
    expect(objects.catalogResources).toEqual([
      expect.objectContaining({ catalogId: ids.catalog, originId: ids.group, originSystem: 'AadGroup' }),
    ]);
  });

  test('5. the catalog resource is found by originId, with its roles and root scope', async () => {
    const resource = await catalogResource(h.graph(), ids.catalog!, ids.group!);
    expect(resource.id).not.toBe(ids.group);
    expect(resource).toMatchObject({
      originId: ids.group,
      originSystem: 'AadGroup',
      displayName: 'Marketing resources',
    });
    expect(resource.roles.map((r: Json) => r.displayName).sort()).toEqual(['Member', 'Owner']);
    scope = resource.scopes.find((s: Json) => s.isRootScope);
    expect(scope).toMatchObject({ originId: ids.group, isRootScope: true });
    ids.resource = resource.id;
  });

  test('6. the Member role is found by origin system and resource id', async () => {
    role = await memberRole(h.graph(), ids.catalog!, ids.resource!);
    expect(role).toMatchObject({ displayName: 'Member', originId: `Member_${ids.group}`, originSystem: 'AadGroup' });
    expect(role.resource).toMatchObject({ id: ids.resource });
  });

  test('7. POST accessPackages creates the package in the catalog', async () => {
    const pkg = await createPackage(h.graph(), ids.catalog!, { displayName: 'Marketing Campaign' });
    expect(pkg).toMatchObject({ displayName: 'Marketing Campaign', isHidden: false });
    expect(pkg.createdDateTime).toEqual(expect.any(String));
    expect(pkg).not.toHaveProperty('catalog');
    ids.package = pkg.id;
  });

  test('8. the Member role scope is added to the package, id <roleId>_<scopeId>', async () => {
    const roleScope = await addRoleScope(h.graph(), ids.package!, role, scope, ids.resource!);
    expect(roleScope.id).toBe(`${role.id}_${scope.id}`);
    const pkg = await h
      .graph()
      .api(`${em}/accessPackages/${ids.package}`)
      .expand('resourceRoleScopes($expand=role,scope)')
      .get();
    expect(pkg.resourceRoleScopes).toEqual([
      expect.objectContaining({
        id: roleScope.id,
        role: expect.objectContaining({ displayName: 'Member' }),
        scope: expect.objectContaining({ isRootScope: true }),
      }),
    ]);
  });

  test('9. POST assignmentPolicies creates the v1.0 policy for the requestor', async () => {
    const policy = await createPolicy(h.graph(), ids.package!, ids.user!);
    expect(policy).toMatchObject({
      displayName: 'Specific users',
      allowedTargetScope: 'specificDirectoryUsers',
      specificAllowedTargets: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ids.user }],
      expiration: { type: 'afterDuration', duration: 'P30D' },
      requestApprovalSettings: { isApprovalRequiredForAdd: false, stages: [] },
    });
    ids.policy = policy.id;
  });

  test('10. the requestor asks for access (userAdd with their own token): submitted / Accepted', async () => {
    const asUser = h.graph(
      h.userCredential((await h.control.get<Json>('objects')).users[0].userPrincipalName, 'Contoso1234!'),
    );
    const request = await requestAssignment(asUser, 'userAdd', ids.user!, ids.policy!, ids.package!);
    expect(request).toMatchObject({
      requestType: 'userAdd',
      state: 'submitted',
      status: 'Accepted',
      completedDateTime: null,
    });
    ids.request = request.id;
  });

  test('11. polling the request shows delivering, then delivered / Delivered', async () => {
    const poll = () =>
      h
        .graph()
        .api(`${em}/assignmentRequests/${ids.request}`)
        .expand('accessPackage,requestor,assignment($expand=target)')
        .get() as Promise<Json>;
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const request = await poll();
      seen.add(request.state);
      if (request.state === 'delivered') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toContain('delivering');
    const request = await poll();
    expect(request).toMatchObject({ state: 'delivered', status: 'Delivered', completedDateTime: expect.any(String) });
    expect(request.accessPackage).toMatchObject({ id: ids.package });
    expect(request.requestor).toMatchObject({ objectId: ids.user, subjectType: 'user' });
    expect(request.assignment.target).toMatchObject({ objectId: ids.user });
    ids.assignment = request.assignment.id;
  });

  test('12. the assignment is listed for the policy, delivered', async () => {
    const list = await h
      .graph()
      .api(`${em}/assignments`)
      .filter(`assignmentPolicy/id eq '${ids.policy}'`)
      .expand('target')
      .get();
    expect(list.value).toEqual([
      expect.objectContaining({
        id: ids.assignment,
        state: 'delivered',
        status: 'Delivered',
        target: expect.objectContaining({ objectId: ids.user }),
      }),
    ]);
    const end = Date.parse(list.value[0].schedule.expiration.endDateTime);
    const start = Date.parse(list.value[0].schedule.startDateTime);
    expect(end - start).toBe(30 * 24 * 3600 * 1000);
  });

  test('13. the requestor is a member of the group', async () => {
    expect(await memberIds(h.graph(), ids.group!)).toEqual([ids.user]);
    const members = await h.graph().api(`/groups/${ids.group}/members`).get();
    expect(members.value[0]['@odata.type']).toBe('#microsoft.graph.user');
  });

  test('14. adminRemove ends the assignment and the membership', async () => {
    const request = await removeAssignment(h.graph(), ids.assignment!);
    expect(request).toMatchObject({ requestType: 'adminRemove', state: 'submitted' });
    await h.control.post('clock', { advanceMs: 1000 });
    const done = await h.graph().api(`${em}/assignmentRequests/${request.id}`).get();
    expect(done).toMatchObject({ state: 'delivered', status: 'Delivered' });
    const assignment = await h.graph().api(`${em}/assignments/${ids.assignment}`).get();
    expect(assignment).toMatchObject({ state: 'expired', expiredDateTime: expect.any(String) });
    expect(await memberIds(h.graph(), ids.group!)).toEqual([]);
  });

  test('15–16. the policy and then the package are deleted', async () => {
    await h.graph().api(`${em}/assignmentPolicies/${ids.policy}`).delete();
    await h.graph().api(`${em}/accessPackages/${ids.package}`).delete();
    const objects = await h.control.get<Json>('objects');
    expect(objects.assignmentPolicies).toEqual([]);
    expect(objects.accessPackages).toEqual([]);
    expect(objects.resourceRoleScopes).toEqual([]);
  });

  test('17–18. the group leaves the catalog, then the user and group are deleted: nothing is left', async () => {
    const removal = await h
      .graph()
      .api(`${em}/resourceRequests`)
      .post({
        requestType: 'adminRemove',
        resource: { originId: ids.group, originSystem: 'AadGroup' },
        catalog: { id: ids.catalog },
      });
    expect(removal).toMatchObject({ requestType: 'adminRemove', state: 'delivered' });
    await h.graph().api(`/users/${ids.user}`).delete();
    await h.graph().api(`/groups/${ids.group}`).delete();
    const objects = await h.control.get<Json>('objects');
    expect(objects).toMatchObject({
      users: [],
      groups: [],
      catalogResources: [],
      accessPackages: [],
      assignmentPolicies: [],
      groupMembers: {},
    });
  });
});
