// Applications and SharePoint Online sites as catalog resources: adding them (with the permission each kind needs),
// their roles and root scopes as Graph lists them, role scopes on them, removing them, and adding a site on the
// control plane.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { defaultPermissions } from '../../emulator/index.js';
import { useHarness } from './support/harness.js';
import {
  addResourceToCatalog,
  catalogResource,
  createPackage,
  em,
  generalCatalog,
  graphFailure,
  resourceRoles,
  servicePrincipalNamed,
  type Json,
} from './support/steps.js';

const ownerPermissions = ['Application.ReadWrite.All', 'Sites.FullControl.All'];
const h = useHarness({ permissions: [...defaultPermissions, ...ownerPermissions] });

const marketing = 'https://contoso.sharepoint.com/sites/Marketing';
const defaultAccess = '00000000-0000-0000-0000-000000000000';

async function onboard(originSystem: 'AadApplication' | 'SharePointOnline', originId: string) {
  const catalog = await generalCatalog(h.graph());
  const request = await addResourceToCatalog(h.graph(), catalog.id, originSystem, originId);
  expect(request).toMatchObject({ requestType: 'adminAdd', state: 'delivered' });
  return { catalogId: catalog.id as string, resource: await catalogResource(h.graph(), catalog.id, originId) };
}

describe('adding an application to a catalog', () => {
  test('its roles are the app roles (originId the app role id) and its root scope is the service principal', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const { catalogId, resource } = await onboard('AadApplication', sp.id);
    expect(resource).toMatchObject({
      displayName: 'Contoso Expenses',
      originId: sp.id,
      originSystem: 'AadApplication',
    });
    expect(resource.roles.map((r: Json) => [r.displayName, r.originId, r.originSystem])).toEqual(
      sp.appRoles.map((r: Json) => [r.displayName, r.id, 'AadApplication']),
    );
    expect(resource.scopes).toEqual([
      expect.objectContaining({ originId: sp.id, originSystem: 'AadApplication', isRootScope: true }),
    ]);
    const roles = await resourceRoles(h.graph(), catalogId, 'AadApplication', resource.id);
    expect(roles.map((r) => r.displayName).sort()).toEqual(['Reader', 'Writer']);
    expect(roles[0]!.resource.id).toBe(resource.id);
  });

  test('an app without app roles offers Default Access, the all-zero role id', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Wiki');
    const { resource } = await onboard('AadApplication', sp.id);
    expect(resource.roles).toEqual([
      expect.objectContaining({
        displayName: 'Default Access',
        originId: defaultAccess,
        originSystem: 'AadApplication',
      }),
    ]);
  });

  test('an app created through Graph can be added once its service principal exists', async () => {
    const app = await h
      .graph()
      .api('/applications')
      .post({
        displayName: 'Payroll',
        appRoles: [
          {
            id: randomUUID(),
            value: 'Approver',
            displayName: 'Approver',
            allowedMemberTypes: ['User'],
            isEnabled: true,
          },
          { id: randomUUID(), value: 'Daemon', displayName: 'Daemon', allowedMemberTypes: ['Application'] },
        ],
      });
    const sp = await h.graph().api('/servicePrincipals').post({ appId: app.appId });
    const { resource } = await onboard('AadApplication', sp.id);
    // Roles only applications may hold are not offered to users.
    expect(resource.roles.map((r: Json) => r.displayName)).toEqual(['Approver']);
  });

  test('an application’s appId or object id is not a service principal: 404', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const catalog = await generalCatalog(h.graph());
    const error = await graphFailure(addResourceToCatalog(h.graph(), catalog.id, 'AadApplication', sp.appId));
    expect(error.statusCode).toBe(404);
    expect(error.envelope.code).toBe('ResourceNotFound');
  });

  test('without Application.ReadWrite.All an app is 400 CallerNotResourceOwner and nothing is added', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const catalog = await generalCatalog(h.graph());
    await h.control.post('config', { permissions: [...defaultPermissions, 'Application.Read.All'] });
    const error = await graphFailure(addResourceToCatalog(h.graph(), catalog.id, 'AadApplication', sp.id));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'CallerNotResourceOwner',
      message: 'The caller is not the resource owner.',
    });
    expect((await h.control.get<Json>('objects')).catalogResources).toEqual([]);
  });

  test('adding it twice is ResourceAlreadyOnboarded; adminRemove by originId takes it out', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Wiki');
    const { catalogId } = await onboard('AadApplication', sp.id);
    const error = await graphFailure(addResourceToCatalog(h.graph(), catalogId, 'AadApplication', sp.id));
    expect(error.envelope.code).toBe('ResourceAlreadyOnboarded');
    await h
      .graph()
      .api(`${em}/resourceRequests`)
      .post({
        requestType: 'adminRemove',
        resource: { originId: sp.id, originSystem: 'AadApplication' },
        catalog: { id: catalogId },
      });
    expect((await h.control.get<Json>('objects')).catalogResources).toEqual([]);
  });
});

describe('adding a SharePoint Online site to a catalog', () => {
  test('its roles are the site groups with their sequence numbers, its root scope the site URL', async () => {
    const { catalogId, resource } = await onboard('SharePointOnline', marketing);
    expect(resource).toMatchObject({ displayName: 'Marketing', originId: marketing, originSystem: 'SharePointOnline' });
    expect(resource.scopes).toEqual([
      expect.objectContaining({ originId: marketing, isRootScope: true, displayName: 'Root' }),
    ]);
    const roles = await resourceRoles(h.graph(), catalogId, 'SharePointOnline', resource.id);
    expect(roles.map((r) => [r.displayName, r.originId])).toEqual([
      ['Marketing Owners', '3'],
      ['Marketing Visitors', '4'],
      ['Marketing Members', '5'],
    ]);
  });

  test('the URL matches without case or a trailing slash; the resource keeps the site’s own URL', async () => {
    const catalog = await generalCatalog(h.graph());
    await addResourceToCatalog(h.graph(), catalog.id, 'SharePointOnline', `${marketing.toUpperCase()}/`);
    const list = await h.graph().api(`${em}/catalogs/${catalog.id}/resources`).get();
    expect(list.value.map((r: Json) => r.originId)).toEqual([marketing]);
  });

  test('without Sites.FullControl.All a site is 400 CallerNotResourceOwner', async () => {
    const catalog = await generalCatalog(h.graph());
    await h.control.post('config', { permissions: [...defaultPermissions, 'Application.ReadWrite.All'] });
    const error = await graphFailure(addResourceToCatalog(h.graph(), catalog.id, 'SharePointOnline', marketing));
    expect(error.statusCode).toBe(400);
    expect(error.envelope.code).toBe('CallerNotResourceOwner');
  });

  test('an unknown site is 404; an unknown origin system is 400 InvalidModel naming it', async () => {
    const catalog = await generalCatalog(h.graph());
    const unknown = 'https://contoso.sharepoint.com/sites/Nowhere';
    expect(
      (await graphFailure(addResourceToCatalog(h.graph(), catalog.id, 'SharePointOnline', unknown))).statusCode,
    ).toBe(404);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/resourceRequests`)
        .post({
          requestType: 'adminAdd',
          resource: { originId: 'x', originSystem: 'Exchange' },
          catalog: { id: catalog.id },
        }),
    );
    expect(error.envelope).toMatchObject({
      code: 'InvalidModel',
      details: [expect.objectContaining({ target: 'resource.originSystem' })],
    });
  });
});

describe('role scopes on app and site roles', () => {
  test('an app role (role originId the app role id) and Default Access', async () => {
    const expensesSp = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const wikiSp = await servicePrincipalNamed(h.graph(), 'Contoso Wiki');
    const { catalogId, resource: expenses } = await onboard('AadApplication', expensesSp.id);
    const { resource: wiki } = await onboard('AadApplication', wikiSp.id);
    const pkg = await createPackage(h.graph(), catalogId);
    const reader = expenses.roles.find((r: Json) => r.displayName === 'Reader');
    const scoped = await h
      .graph()
      .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
      .post({
        role: {
          originId: reader.originId,
          originSystem: 'AadApplication',
          resource: { id: expenses.id, originId: expensesSp.id, originSystem: 'AadApplication' },
        },
        scope: { originId: expensesSp.id, originSystem: 'AadApplication', isRootScope: true },
      });
    expect(scoped.id).toBe(`${reader.id}_${expenses.scopes[0].id}`);
    await h
      .graph()
      .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
      .post({
        role: {
          id: wiki.roles[0].id,
          originId: defaultAccess,
          originSystem: 'AadApplication',
          resource: { id: wiki.id },
        },
        scope: { id: wiki.scopes[0].id, originId: wikiSp.id, originSystem: 'AadApplication' },
      });
    const expanded = await h
      .graph()
      .api(`${em}/accessPackages/${pkg.id}`)
      .expand('resourceRoleScopes($expand=role)')
      .get();
    expect(expanded.resourceRoleScopes.map((rs: Json) => rs.role.displayName).sort()).toEqual([
      'Default Access',
      'Reader',
    ]);
  });

  test('an app role the app does not define is 404 RoleNotFound', async () => {
    const sp = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const { catalogId, resource } = await onboard('AadApplication', sp.id);
    const pkg = await createPackage(h.graph(), catalogId);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
        .post({
          role: { originId: randomUUID(), originSystem: 'AadApplication', resource: { id: resource.id } },
          scope: { originId: sp.id, originSystem: 'AadApplication', isRootScope: true },
        }),
    );
    expect(error.statusCode).toBe(404);
    expect(error.envelope).toMatchObject({ code: 'RoleNotFound', message: 'The role was not found.' });
  });

  test('a site role by its sequence number, as the docs send it (no role id); sites sharing numbers stay apart', async () => {
    const { catalogId, resource: marketingResource } = await onboard('SharePointOnline', marketing);
    await addResourceToCatalog(h.graph(), catalogId, 'SharePointOnline', 'https://contoso.sharepoint.com/sites/Sales');
    const pkg = await createPackage(h.graph(), catalogId);
    const scoped = await h
      .graph()
      .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
      .post({
        role: { displayName: 'Marketing Visitors', originSystem: 'SharePointOnline', originId: '4' },
        scope: {
          displayName: 'Root',
          description: 'Root Scope',
          originId: marketing,
          originSystem: 'SharePointOnline',
          isRootScope: true,
        },
      });
    const visitors = marketingResource.roles.find((r: Json) => r.originId === '4');
    expect(scoped.id).toBe(`${visitors.id}_${marketingResource.scopes[0].id}`);
  });

  test('the site URL as the role originId is 404 ResourceNotFound', async () => {
    const { catalogId, resource } = await onboard('SharePointOnline', marketing);
    const pkg = await createPackage(h.graph(), catalogId);
    const error = await graphFailure(
      h
        .graph()
        .api(`${em}/accessPackages/${pkg.id}/resourceRoleScopes`)
        .post({
          role: { originSystem: 'SharePointOnline', originId: marketing, resource: { id: resource.id } },
          scope: { originId: marketing, originSystem: 'SharePointOnline', isRootScope: true },
        }),
    );
    expect(error.statusCode).toBe(404);
    expect(error.envelope).toMatchObject({ code: 'ResourceNotFound', message: 'The resource was not found.' });
  });
});

describe('reading a site', () => {
  test('by path (hostname:/sites/name) and by its composite id, with $select', async () => {
    const site = await h.graph().api('/sites/contoso.sharepoint.com:/sites/Marketing').get();
    expect(site).toMatchObject({ displayName: 'Marketing', name: 'Marketing', webUrl: marketing });
    const [hostname, collectionId, webId] = (site.id as string).split(',');
    expect(hostname).toBe('contoso.sharepoint.com');
    expect(collectionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(webId).toMatch(/^[0-9a-f-]{36}$/);
    expect(webId).not.toBe(collectionId);
    const byId = await h.graph().api(`/sites/${site.id}`).select('webUrl').get();
    expect(byId).toMatchObject({ id: site.id, webUrl: marketing });
    expect(byId.displayName).toBeUndefined();
  });

  test('a site that is not there is 404 itemNotFound; without a Sites permission 403', async () => {
    const missing = await graphFailure(h.graph().api('/sites/contoso.sharepoint.com:/sites/Nowhere').get());
    expect([missing.statusCode, missing.envelope.code]).toEqual([404, 'itemNotFound']);
    await h.control.post('config', { permissions: defaultPermissions });
    const denied = await graphFailure(h.graph().api('/sites/contoso.sharepoint.com:/sites/Marketing').get());
    expect(denied.statusCode).toBe(403);
  });
});

describe('adding a site on the control plane', () => {
  test('POST /_emulator/sites adds a site with its roles, which can then join a catalog', async () => {
    const site = await h.control.post<Json>('sites', { url: 'https://contoso.sharepoint.com/teams/Finance/' });
    expect(site).toMatchObject({
      url: 'https://contoso.sharepoint.com/teams/Finance',
      title: 'Finance',
      roles: [
        { originId: '3', displayName: 'Finance Owners' },
        { originId: '4', displayName: 'Finance Visitors' },
        { originId: '5', displayName: 'Finance Members' },
      ],
    });
    const { resource } = await onboard('SharePointOnline', site.url);
    expect(resource.displayName).toBe('Finance');
    expect((await h.control.get<Json>('objects')).sites.map((s: Json) => s.title)).toEqual([
      'Marketing',
      'Sales',
      'Finance',
    ]);
    await h.reset();
    expect((await h.control.get<Json>('sites')).sites).toHaveLength(2);
  });

  test('a title may be given', async () => {
    const site = await h.control.post<Json>('sites', {
      url: 'https://contoso.sharepoint.com/sites/hr',
      title: 'Human Resources',
    });
    expect(site.title).toBe('Human Resources');
  });

  test.each([
    [{}, /^url must be a site URL/],
    [{ url: 'not a url' }, /^url must be a site URL/],
    [
      { url: 'https://fabrikam.sharepoint.com/sites/X' },
      /^url must be a site URL such as https:\/\/contoso\.sharepoint\.com/,
    ],
    [{ url: 'https://contoso.sharepoint.com/sites/X?x=1' }, /^url must be a site URL/],
    [{ url: 'https://contoso.sharepoint.com/Shared%20Documents' }, /^url must be a site URL/],
    [{ url: marketing.toLowerCase() }, /^url: a site .* already exists$/],
    [{ url: 'https://contoso.sharepoint.com/sites/X', title: '' }, /^title must be/],
    [{ url: 'https://contoso.sharepoint.com/sites/X', owner: 'me' }, /^owner is not a site field/],
  ])('%j is a 400 naming the field', async (body, message) => {
    const response = await h.control.request('POST', 'sites', body);
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as Json;
    expect(envelope.error.code).toBe('BadRequest');
    expect(envelope.error.message).toMatch(message);
    expect((await h.control.get<Json>('sites')).sites).toHaveLength(2);
  });
});
