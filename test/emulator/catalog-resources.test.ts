// Catalogs, resource requests (adminAdd / adminRemove of an AadGroup) and the catalog's resources and roles.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { useHarness } from './support/harness.js';
import {
  addGroupToCatalog,
  catalogResource,
  createGroup,
  em,
  generalCatalog,
  graphFailure,
  memberRole,
  provision,
  type Json,
} from './support/steps.js';

const h = useHarness();

describe('catalogs', () => {
  test('the list holds the built-in General catalog; unmatched filters return nothing', async () => {
    const all = await h.graph().api(`${em}/catalogs`).get();
    expect(all.value).toEqual([
      expect.objectContaining({
        displayName: 'General',
        catalogType: 'serviceDefault',
        state: 'published',
        isExternallyVisible: true,
        description: 'Built-in catalog.',
      }),
    ]);
    expect((await h.graph().api(`${em}/catalogs`).filter("displayName eq 'Nope'").get()).value).toEqual([]);
    expect(
      (await h.graph().api(`${em}/catalogs`).filter("contains(tolower(displayName),'gen')").get()).value,
    ).toHaveLength(1);
  });

  test('GET by id; an unknown id is 404 ResourceNotFound', async () => {
    const catalog = await generalCatalog(h.graph());
    expect((await h.graph().api(`${em}/catalogs/${catalog.id}`).get()).displayName).toBe('General');
    const error = await graphFailure(h.graph().api(`${em}/catalogs/00000000-0000-4000-8000-000000000000`).get());
    expect(error.statusCode).toBe(404);
    expect(error.envelope.code).toBe('ResourceNotFound');
  });

  test('reading catalogs needs an entitlement-management permission', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Group.ReadWrite.All'] });
    const error = await graphFailure(h.graph().api(`${em}/catalogs`).get());
    expect(error.statusCode).toBe(403);
    expect(error.envelope.code).toBe('Authorization_RequestDenied');
  });
});

describe('adding a group to a catalog', () => {
  test('creates one resource with Member and Owner roles and a root scope, found by originId or id', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    const resource = await catalogResource(h.graph(), catalog.id, group.id);
    expect(resource.roles.map((r: Json) => r.originId).sort()).toEqual([`Member_${group.id}`, `Owner_${group.id}`]);
    expect(resource.scopes).toEqual([
      expect.objectContaining({ originId: group.id, isRootScope: true, originSystem: 'AadGroup' }),
    ]);
    const byId = await h.graph().api(`${em}/catalogs/${catalog.id}/resources`).filter(`id eq '${resource.id}'`).get();
    expect(byId.value.map((r: Json) => r.id)).toEqual([resource.id]);
    expect(byId.value[0]).not.toHaveProperty('roles');
  });

  test('the Member role filter matches only that resource’s roles', async () => {
    const [a, b] = [await createGroup(h.graph()), await createGroup(h.graph())];
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, a.id);
    await addGroupToCatalog(h.graph(), catalog.id, b.id);
    const resource = await catalogResource(h.graph(), catalog.id, a.id);
    const roles = await h
      .graph()
      .api(`${em}/catalogs/${catalog.id}/resourceRoles`)
      .filter(`(originSystem eq 'AadGroup' and resource/id eq '${resource.id}')`)
      .get();
    expect(roles.value.map((r: Json) => r.originId).sort()).toEqual([`Member_${a.id}`, `Owner_${a.id}`]);
    expect(roles.value[0]).not.toHaveProperty('resource');
    expect((await memberRole(h.graph(), catalog.id, resource.id)).resource.id).toBe(resource.id);
  });

  test('adding a group already in the catalog is refused and nothing is duplicated', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    const error = await graphFailure(addGroupToCatalog(h.graph(), catalog.id, group.id));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'ResourceAlreadyOnboarded',
      message: 'The specified resource is already onboarded to ELM.',
    });
    expect((await h.control.get<Json>('objects')).catalogResources).toHaveLength(1);
  });

  test('an app without Group.ReadWrite.All gets 400 CallerNotResourceOwner', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await h.control.post('config', { permissions: ['EntitlementManagement.ReadWrite.All'] });
    const error = await graphFailure(addGroupToCatalog(h.graph(), catalog.id, group.id));
    expect(error.statusCode).toBe(400);
    expect(error.envelope.code).toBe('CallerNotResourceOwner');
    expect((await h.control.get<Json>('objects')).catalogResources).toEqual([]);
  });

  test('a group that does not exist is 404', async () => {
    const catalog = await generalCatalog(h.graph());
    const error = await graphFailure(addGroupToCatalog(h.graph(), catalog.id, '0b9c2f7e-0000-4000-8000-000000000000'));
    expect(error.statusCode).toBe(404);
    expect(error.envelope.code).toBe('ResourceNotFound');
  });

  test.each([
    [{ requestType: 'AdminAdd' }, 'requestType'],
    [{ requestType: 'userAdd' }, 'requestType'],
    [{ catalog: undefined }, 'catalog'],
    [{ resource: { originId: 'x' } }, 'resource.originSystem'],
  ])('an invalid body %j is 400 InvalidModel naming %s', async (patch, target) => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    const body: Json = {
      requestType: 'adminAdd',
      resource: { originId: group.id, originSystem: 'AadGroup' },
      catalog: { id: catalog.id },
      ...patch,
    };
    const error = await graphFailure(h.graph().api(`${em}/resourceRequests`).post(body));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({ code: 'InvalidModel', details: [expect.objectContaining({ target })] });
  });

  test('an unknown property in the body is refused', async () => {
    const catalog = await generalCatalog(h.graph());
    const error = await graphFailure(
      h.graph().api(`${em}/resourceRequests`).post({ requestType: 'adminAdd', catalogId: catalog.id }),
    );
    expect(error.envelope.message).toMatch(
      /^The property 'catalogId' does not exist on type 'microsoft.graph.accessPackageResourceRequest'/,
    );
  });
});

describe('removing a group from a catalog', () => {
  test('adminRemove deletes the resource with its roles and scopes', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    const removal = await h
      .graph()
      .api(`${em}/resourceRequests`)
      .post({
        requestType: 'adminRemove',
        resource: { originId: group.id, originSystem: 'AadGroup' },
        catalog: { id: catalog.id },
      });
    expect(removal).toMatchObject({ requestType: 'adminRemove', state: 'delivered' });
    expect((await h.graph().api(`${em}/catalogs/${catalog.id}/resources`).get()).value).toEqual([]);
    expect((await h.graph().api(`${em}/catalogs/${catalog.id}/resourceRoles`).get()).value).toEqual([]);
  });

  test('while a package still scopes one of its roles: 400 InvalidDeleteResourceHasEntitlements', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/resourceRequests`)
        .post({ requestType: 'adminRemove', resource: { id: p.resource.id }, catalog: { id: p.catalogId } }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'InvalidDeleteResourceHasEntitlements',
      message: `The resource: ${p.group.displayName} can not be deleted because there are active entitlements.`,
    });
    expect((await h.control.get<Json>('objects')).catalogResources).toHaveLength(1);
  });

  test('a group not in the catalog is 404', async () => {
    const catalog = await generalCatalog(h.graph());
    const group = await createGroup(h.graph());
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/resourceRequests`)
        .post({
          requestType: 'adminRemove',
          resource: { originId: group.id, originSystem: 'AadGroup' },
          catalog: { id: catalog.id },
        }),
    );
    expect(error.statusCode).toBe(404);
  });
});
