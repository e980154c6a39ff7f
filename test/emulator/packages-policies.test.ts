// Access packages, their resource role scopes, and assignment policies in the v1.0 shape.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
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
  graphFailure,
  memberRole,
  policyBody,
  provision,
  requestAssignment,
  type Json,
} from './support/steps.js';

let h: EmulatorHarness;
beforeAll(async () => {
  h = await startHarness({ deliveryDelayMs: 0 });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

describe('access packages', () => {
  test('created in a catalog; listed with $filter on displayName; $expand=catalog', async () => {
    const catalog = await generalCatalog(h.graph());
    const pkg = await createPackage(h.graph(), catalog.id, { displayName: 'Marketing Campaign' });
    await createPackage(h.graph(), catalog.id, { displayName: 'Sales Campaign' });
    const found = await h
      .graph()
      .api(`${em}/accessPackages`)
      .filter("displayName eq 'Marketing Campaign'")
      .expand('catalog')
      .get();
    expect(found.value).toEqual([
      expect.objectContaining({
        id: pkg.id,
        catalog: expect.objectContaining({ id: catalog.id, displayName: 'General' }),
      }),
    ]);
  });

  test.each([
    [{ displayName: undefined }, 'displayName'],
    [{ catalog: undefined }, 'catalog'],
    [{ catalog: {} }, 'catalog'],
  ])('%j is 400 InvalidModel naming %s', async (patch, target) => {
    const catalog = await generalCatalog(h.graph());
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/accessPackages`)
        .post({ displayName: 'P', catalog: { id: catalog.id }, ...patch }),
    );
    expect(error.envelope).toMatchObject({ code: 'InvalidModel', details: [expect.objectContaining({ target })] });
  });

  test('an unknown catalog is 404; an unknown property 400', async () => {
    expect(
      (
        await graphFailure(
          h
            .graph()
            .api(`${em}/accessPackages`)
            .post({ displayName: 'P', catalog: { id: '00000000-0000-4000-8000-000000000000' } }),
        )
      ).statusCode,
    ).toBe(404);
    const catalog = await generalCatalog(h.graph());
    const error = await graphFailure(
      h.graph().api(`${em}/accessPackages`).post({ displayName: 'P', catalogId: catalog.id }),
    );
    expect(error.envelope.message).toMatch(
      /^The property 'catalogId' does not exist on type 'microsoft.graph.accessPackage'/,
    );
  });

  test('PATCH updates the description', async () => {
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    await h.graph().api(`${em}/accessPackages/${pkg.id}`).patch({ description: 'Updated' });
    expect((await h.graph().api(`${em}/accessPackages/${pkg.id}`).get()).description).toBe('Updated');
  });

  test('DELETE is refused while the package has an assignment, and succeeds after removal', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const error = await graphFailure(h.graph().api(`${em}/accessPackages/${p.accessPackage.id}`).delete());
    expect(error.statusCode).toBe(400);
    expect(error.envelope.code).toBe('AccessPackageHasAssignments');
    const [assignment] = (await h.graph().api(`${em}/assignments`).get()).value;
    await h
      .graph()
      .api(`${em}/assignmentRequests`)
      .post({ requestType: 'adminRemove', assignment: { id: assignment.id } });
    await h.graph().api(`${em}/accessPackages/${p.accessPackage.id}`).delete();
    expect((await h.control.get<Json>('objects')).accessPackages).toEqual([]);
  });
});

describe('resource role scopes', () => {
  test('the role and scope may be named by origin id instead of id', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    const resource = await catalogResource(h.graph(), catalog.id, group.id);
    const pkg = await createPackage(h.graph(), catalog.id);
    const roleScope = await h
      .graph()
      .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
      .post({
        role: { originId: `Member_${group.id}`, originSystem: 'AadGroup', resource: { id: resource.id } },
        scope: { originId: group.id, originSystem: 'AadGroup', isRootScope: true },
      });
    const member = await memberRole(h.graph(), catalog.id, resource.id);
    expect(roleScope.id).toBe(`${member.id}_${resource.scopes[0].id}`);
  });

  test('listing, getting with $expand=role,scope, and deleting a role scope', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const path = `${em}/accessPackages/${p.accessPackage.id}/resourceRoleScopes`;
    expect((await h.graph().api(path).get()).value.map((rs: Json) => rs.id)).toEqual([p.roleScope.id]);
    const one = await h.graph().api(`${path}/${p.roleScope.id}`).expand('role,scope').get();
    expect(one).toMatchObject({ role: { id: p.role.id }, scope: { id: p.scope.id } });
    await h.graph().api(`${path}/${p.roleScope.id}`).delete();
    expect((await h.graph().api(path).get()).value).toEqual([]);
  });

  test('adding the same role scope twice is refused', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const error = await graphFailure(addRoleScope(h.graph(), p.accessPackage.id, p.role, p.scope, p.resource.id));
    expect(error.statusCode).toBe(400);
    expect((await h.control.get<Json>('objects')).resourceRoleScopes).toHaveLength(1);
  });

  test('a role that is not in the package’s catalog is 404 RoleNotFound', async () => {
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
        .post({
          role: { id: '00000000-0000-4000-8000-000000000000', originSystem: 'AadGroup' },
          scope: { originId: 'x', originSystem: 'AadGroup' },
        }),
    );
    expect(error.statusCode).toBe(404);
    expect(error.envelope.code).toBe('RoleNotFound');
  });
});

describe('assignment policies', () => {
  test('the stored policy is the full v1.0 shape with defaults filled in', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const policy = await h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).get();
    expect(policy).toMatchObject({
      allowedTargetScope: 'specificDirectoryUsers',
      requestorSettings: {
        enableTargetsToSelfAddAccess: true,
        enableOnBehalfRequestorsToRemoveAccess: false,
        onBehalfRequestors: [],
      },
      requestApprovalSettings: { isApprovalRequiredForAdd: false, isRequestorJustificationRequired: false, stages: [] },
      reviewSettings: null,
      automaticRequestSettings: null,
    });
    expect(policy).not.toHaveProperty('accessPackage');
  });

  test('listed by accessPackage/id, and with $expand=accessPackage', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const other = await createPackage(h.graph(), p.catalogId);
    await createPolicy(h.graph(), other.id, p.user.id);
    const list = await h
      .graph()
      .api(`${em}/assignmentPolicies`)
      .filter(`accessPackage/id eq '${p.accessPackage.id}'`)
      .expand('accessPackage')
      .get();
    expect(list.value).toEqual([
      expect.objectContaining({ id: p.policy.id, accessPackage: expect.objectContaining({ id: p.accessPackage.id }) }),
    ]);
  });

  test.each([
    [{ displayName: undefined }, 'displayName'],
    [{ accessPackage: undefined }, 'accessPackage'],
    [{ allowedTargetScope: 'SpecificDirectorySubjects' }, 'allowedTargetScope'],
    [{ expiration: { type: 'afterDuration' } }, 'expiration.duration'],
    [{ expiration: { type: 'afterDuration', duration: '30 days' } }, 'expiration.duration'],
    [{ specificAllowedTargets: [] }, 'specificAllowedTargets'],
    [{ requestApprovalSettings: { isApprovalRequiredForAdd: true, stages: [] } }, 'requestApprovalSettings.stages'],
  ])('%j is 400 InvalidModel naming %s', async (patch, target) => {
    const user = await createUser(h.graph(), h.info.domain);
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/assignmentPolicies`)
        .post({ ...policyBody(pkg.id, user.id), ...patch }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({ code: 'InvalidModel', details: [expect.objectContaining({ target })] });
    expect((await h.control.get<Json>('objects')).assignmentPolicies).toEqual([]);
  });

  test('beta-only fields (durationInDays, requestorSettings.scopeType) are unknown properties in v1.0', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    const a = await graphFailure(
      h
        .graph()
        .api(`${em}/assignmentPolicies`)
        .post({ ...policyBody(pkg.id, user.id), durationInDays: 30 }),
    );
    expect(a.envelope.message).toMatch(/'durationInDays' does not exist/);
    const b = await graphFailure(
      h
        .graph()
        .api(`${em}/assignmentPolicies`)
        .post({ ...policyBody(pkg.id, user.id), requestorSettings: { scopeType: 'SpecificDirectorySubjects' } }),
    );
    expect(b.envelope.message).toMatch(/'scopeType' does not exist/);
  });

  test('a singleUser target that does not exist is 404', async () => {
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    const error = await graphFailure(createPolicy(h.graph(), pkg.id, '0b9c2f7e-0000-4000-8000-000000000000'));
    expect(error.statusCode).toBe(404);
  });

  test('PUT replaces the policy', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await h
      .graph()
      .api(`${em}/assignmentPolicies/${p.policy.id}`)
      .put(policyBody(p.accessPackage.id, p.user.id, { displayName: 'Renamed', expiration: { type: 'noExpiration' } }));
    const policy = await h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).get();
    expect(policy).toMatchObject({
      displayName: 'Renamed',
      expiration: { type: 'noExpiration', duration: null, endDateTime: null },
    });
  });

  test('DELETE is refused while the policy has an assignment', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const error = await graphFailure(h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).delete());
    expect(error.statusCode).toBe(400);
    expect(error.envelope.code).toBe('PolicyHasAssignments');
    expect((await h.control.get<Json>('objects')).assignmentPolicies).toHaveLength(1);
  });

  test('DELETE without assignments answers 204 and a second DELETE 404', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).delete();
    expect((await graphFailure(h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).delete())).statusCode).toBe(
      404,
    );
  });
});
