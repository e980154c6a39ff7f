// /applications and /servicePrincipals: the seeded apps, creating an app with app roles and then its service
// principal, lookups with $filter/$select, Graph's errors, and the permissions these routes accept.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { defaultPermissions } from '../../emulator/index.js';
import { useHarness } from './support/harness.js';
import { createUser, graphFailure, servicePrincipalNamed, type Json } from './support/steps.js';

const h = useHarness({ permissions: [...defaultPermissions, 'Application.ReadWrite.All'] });

const role = (value: string, overrides: Json = {}) => ({
  id: randomUUID(),
  value,
  displayName: value,
  description: `${value} access`,
  allowedMemberTypes: ['User'],
  isEnabled: true,
  ...overrides,
});

const createApp = (body: Json) =>
  h
    .graph()
    .api('/applications')
    .post({ displayName: 'Payroll', ...body });

describe('the seeded apps', () => {
  test('each app has a service principal; Contoso Expenses defines Reader and Writer, Contoso Wiki no roles', async () => {
    const apps = (await h.graph().api('/applications').get()).value;
    expect(apps.map((a: Json) => a.displayName).sort()).toEqual(['Contoso Expenses', 'Contoso Wiki', 'entra-saga']);
    const expenses = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    expect(expenses).toMatchObject({
      appDisplayName: 'Contoso Expenses',
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: h.info.tenantId,
    });
    expect(expenses.appRoles.map((r: Json) => [r.value, r.allowedMemberTypes, r.isEnabled])).toEqual([
      ['Reader', ['User'], true],
      ['Writer', ['User'], true],
    ]);
    expect((await servicePrincipalNamed(h.graph(), 'Contoso Wiki')).appRoles).toEqual([]);
  });

  test('the emulator’s own app is registered: its service principal is the caller of app-only tokens', async () => {
    const own = (await h.graph().api('/servicePrincipals').filter(`appId eq '${h.info.clientId}'`).get()).value;
    expect(own).toEqual([
      expect.objectContaining({ id: '7e6d5c4b-3a29-4f18-8e07-d6c5b4a39281', appId: h.info.clientId }),
    ]);
  });

  test('$filter on appId, displayName and id; $select; GET by id', async () => {
    const expenses = await servicePrincipalNamed(h.graph(), 'Contoso Expenses');
    const byAppId = await h.graph().api('/applications').filter(`appId eq '${expenses.appId}'`).get();
    expect(byAppId.value.map((a: Json) => a.displayName)).toEqual(['Contoso Expenses']);
    const app = byAppId.value[0];
    expect((await h.graph().api('/applications').filter(`id eq '${app.id}'`).get()).value).toHaveLength(1);
    expect((await h.graph().api('/applications').filter("startswith(displayName,'contoso')").get()).value).toHaveLength(
      2,
    );
    expect((await h.graph().api(`/applications/${app.id}`).get()).appRoles).toHaveLength(2);
    expect(await h.graph().api(`/servicePrincipals/${expenses.id}`).select('appId,displayName').get()).toEqual({
      '@odata.context': expect.stringMatching(/\$metadata#servicePrincipals\/\$entity$/),
      id: expenses.id,
      appId: expenses.appId,
      displayName: 'Contoso Expenses',
    });
  });

  test('an unknown id is 404 Request_ResourceNotFound, a malformed one 400; an unknown filter property is refused', async () => {
    const missing = await graphFailure(h.graph().api(`/servicePrincipals/${randomUUID()}`).get());
    expect(missing.statusCode).toBe(404);
    expect(missing.envelope.code).toBe('Request_ResourceNotFound');
    expect((await graphFailure(h.graph().api('/applications/nope').get())).statusCode).toBe(400);
    const filter = await graphFailure(h.graph().api('/applications').filter("notes eq 'x'").get());
    expect(filter.envelope.code).toBe('Request_UnsupportedQuery');
  });
});

describe('creating an app and its service principal', () => {
  test('POST /applications, then POST /servicePrincipals {appId}: the principal shows the app’s roles', async () => {
    const app = await createApp({ appRoles: [role('Approver'), role('Auditor')] });
    expect(app).toMatchObject({
      displayName: 'Payroll',
      signInAudience: 'AzureADMyOrg',
      publisherDomain: h.info.domain,
    });
    expect(app.appRoles.map((r: Json) => r.value)).toEqual(['Approver', 'Auditor']);
    const sp = await h.graph().api('/servicePrincipals').post({ appId: app.appId });
    expect(sp).toMatchObject({ appId: app.appId, displayName: 'Payroll', accountEnabled: true });
    expect(sp.appRoles.map((r: Json) => r.id)).toEqual(app.appRoles.map((r: Json) => r.id));
    expect((await h.control.get<Json>('objects')).servicePrincipals).toContainEqual(
      expect.objectContaining({ id: sp.id, appId: app.appId, displayName: 'Payroll' }),
    );
  });

  test('a second service principal for the app is 409 Request_MultipleObjectsWithSameKeyValue', async () => {
    const app = await createApp({});
    await h.graph().api('/servicePrincipals').post({ appId: app.appId });
    const error = await graphFailure(h.graph().api('/servicePrincipals').post({ appId: app.appId }));
    expect(error.statusCode).toBe(409);
    expect(error.envelope.code).toBe('Request_MultipleObjectsWithSameKeyValue');
  });

  test('an appId with no application is 400 NoBackingApplicationObject — also while the app replicates', async () => {
    const error = await graphFailure(h.graph().api('/servicePrincipals').post({ appId: randomUUID() }));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'Request_BadRequest',
      details: [expect.objectContaining({ code: 'NoBackingApplicationObject', target: 'appId' })],
    });
    await h.control.post('config', { consistencyLagMs: 60_000 });
    const app = await createApp({});
    expect((await graphFailure(h.graph().api('/servicePrincipals').post({ appId: app.appId }))).statusCode).toBe(400);
    expect((await graphFailure(h.graph().api(`/applications/${app.id}`).get())).statusCode).toBe(404);
    await h.control.post('clock', { advanceMs: 60_000 });
    expect((await h.graph().api('/servicePrincipals').post({ appId: app.appId })).appId).toBe(app.appId);
  });

  test.each([
    [{ displayName: '' }, 'Property displayName value is required but is empty or missing.'],
    [
      { appRoles: [role('Same'), role('same')] },
      "Invalid value specified for property 'appRoles' of resource 'Application'.",
    ],
    [
      { appRoles: [role('X', { id: 'not-a-guid' })] },
      "Invalid value specified for property 'appRoles' of resource 'Application'.",
    ],
    [
      { appRoles: [role('X', { allowedMemberTypes: [] })] },
      "Invalid value specified for property 'appRoles' of resource 'Application'.",
    ],
    [{ appRoles: [role('Has space')] }, "Invalid value specified for property 'appRoles' of resource 'Application'."],
    [
      { signInAudience: 'Everyone' },
      "Invalid value specified for property 'signInAudience' of resource 'Application'.",
    ],
    [{ web: { redirectUris: [] } }, "Invalid property 'web'."],
  ])('%j is 400 Request_BadRequest', async (patch, message) => {
    const error = await graphFailure(createApp(patch));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({ code: 'Request_BadRequest', message });
    expect((await h.control.get<Json>('objects')).applications).toHaveLength(3);
  });
});

describe('permissions', () => {
  test('reading apps needs an application or directory read permission', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Group.ReadWrite.All'] });
    for (const path of ['/applications', '/servicePrincipals']) {
      const error = await graphFailure(h.graph().api(path).get());
      expect(error.statusCode).toBe(403);
      expect(error.envelope.code).toBe('Authorization_RequestDenied');
    }
    await h.control.post('config', { permissions: ['Application.Read.All'] });
    expect((await h.graph().api('/servicePrincipals').get()).value).toHaveLength(3);
    await h.control.post('config', { permissions: ['Directory.Read.All'] });
    expect((await h.graph().api('/applications').get()).value).toHaveLength(3);
  });

  test('creating needs Application.ReadWrite.All (or OwnedBy, or AppRegistration.Create for apps)', async () => {
    await h.control.post('config', { permissions: ['Application.Read.All'] });
    expect((await graphFailure(createApp({}))).statusCode).toBe(403);
    await h.control.post('config', { permissions: ['AppRegistration.Create'] });
    const app = await createApp({});
    expect((await graphFailure(h.graph().api('/servicePrincipals').post({ appId: app.appId }))).statusCode).toBe(403);
    await h.control.post('config', { permissions: ['Application.ReadWrite.All'] });
    expect((await h.graph().api('/servicePrincipals').post({ appId: app.appId })).appId).toBe(app.appId);
  });

  test('a user’s app role assignments need Directory.Read.All or AppRoleAssignment.ReadWrite.All', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    expect((await graphFailure(h.graph().api(`/users/${user.id}/appRoleAssignments`).get())).statusCode).toBe(403);
    await h.control.post('config', { permissions: ['AppRoleAssignment.ReadWrite.All'] });
    expect((await h.graph().api(`/users/${user.id}/appRoleAssignments`).get()).value).toEqual([]);
  });
});
