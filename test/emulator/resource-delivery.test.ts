// Delivery resource by resource: a package holding a group, an app role and a site role delivers each on its own
// delay (deliveryDelayMs, appDeliveryDelayMs, siteDeliveryDelayMs) and its request is delivered when all are; the app
// role shows as the user's app role assignment until removal or expiry; per-kind delivery faults end a request
// partiallyDelivered or deliveryFailed.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defaultPermissions } from '../../emulator/index.js';
import { startHarness, type EmulatorHarness } from './support/harness.js';
import {
  addGroupToCatalog,
  addResourceToCatalog,
  addRoleScope,
  catalogResource,
  createGroup,
  createPackage,
  createPolicy,
  createUser,
  em,
  generalCatalog,
  memberIds,
  removeAssignment,
  requestAssignment,
  servicePrincipalNamed,
  type Json,
} from './support/steps.js';

// Far apart, so the wall time a test takes never moves a step across a boundary.
const groupDelayMs = 10_000;
const appDelayMs = 40_000;
const siteDelayMs = 120_000;
const marketing = 'https://contoso.sharepoint.com/sites/Marketing';

let h: EmulatorHarness;
beforeAll(async () => {
  h = await startHarness({
    deliveryDelayMs: groupDelayMs,
    appDeliveryDelayMs: appDelayMs,
    siteDeliveryDelayMs: siteDelayMs,
    permissions: [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All', 'Directory.Read.All'],
  });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

/** The clock since the request, moved forward to `atMs`. */
let elapsed = 0;
const advanceTo = async (atMs: number) => {
  await h.control.post('clock', { advanceMs: atMs - elapsed });
  elapsed = atMs;
};

interface Mixed {
  user: Json;
  group: Json;
  sp: Json;
  reader: Json;
  accessPackage: Json;
  policy: Json;
}

/** A package with the group's Member role, Contoso Expenses' Reader app role and the Marketing site's Members role. */
async function provisionMixed(): Promise<Mixed> {
  const graph = h.graph();
  const [user, group, catalog, sp] = await Promise.all([
    createUser(graph, h.info.domain),
    createGroup(graph),
    generalCatalog(graph),
    servicePrincipalNamed(graph, 'Contoso Expenses'),
  ]);
  await addGroupToCatalog(graph, catalog.id, group.id);
  await addResourceToCatalog(graph, catalog.id, 'AadApplication', sp.id);
  await addResourceToCatalog(graph, catalog.id, 'SharePointOnline', marketing);
  const accessPackage = await createPackage(graph, catalog.id);
  const roleOf = async (originId: string, pick: (role: Json) => boolean) => {
    const resource = await catalogResource(graph, catalog.id, originId);
    const role = resource.roles.find(pick);
    await addRoleScope(graph, accessPackage.id, role, resource.scopes[0], resource.id);
    return role;
  };
  await roleOf(group.id, (r) => r.displayName === 'Member');
  const reader = await roleOf(sp.id, (r) => r.displayName === 'Reader');
  await roleOf(marketing, (r) => r.originId === '5');
  const policy = await createPolicy(graph, accessPackage.id, user.id, {
    expiration: { type: 'afterDuration', duration: 'P2D' },
  });
  elapsed = 0;
  return { user, group, sp, reader, accessPackage, policy };
}

const request = (m: Mixed) => requestAssignment(h.graph(), 'adminAdd', m.user.id, m.policy.id, m.accessPackage.id);
const requestState = async (id: string) => (await h.graph().api(`${em}/assignmentRequests/${id}`).get()).state;
const assignmentOf = async (m: Mixed) =>
  (await h.graph().api(`${em}/assignments`).filter(`accessPackage/id eq '${m.accessPackage.id}'`).get()).value[0];
const appRoles = async (m: Mixed) => (await h.graph().api(`/users/${m.user.id}/appRoleAssignments`).get()).value;
const siteAccess = async () =>
  (await h.control.get<Json>('objects')).sites.find((s: Json) => s.url === marketing).access as Json[];

describe('each kind of resource on its own delay', () => {
  test('the group, then the app role, then the site; the request is delivered only when all three are', async () => {
    const m = await provisionMixed();
    const req = await request(m);
    expect(req.state).toBe('submitted');

    await advanceTo(groupDelayMs / 3);
    expect(await requestState(req.id)).toBe('delivering');
    expect(await memberIds(h.graph(), m.group.id)).toEqual([]);

    await advanceTo(groupDelayMs);
    expect(await memberIds(h.graph(), m.group.id)).toEqual([m.user.id]);
    expect(await appRoles(m)).toEqual([]);
    expect((await assignmentOf(m)).state).toBe('delivering');

    await advanceTo(appDelayMs);
    expect(await appRoles(m)).toEqual([
      expect.objectContaining({
        appRoleId: m.reader.originId,
        principalId: m.user.id,
        principalType: 'User',
        principalDisplayName: m.user.displayName,
        resourceId: m.sp.id,
        resourceDisplayName: 'Contoso Expenses',
      }),
    ]);
    expect((await h.graph().api(`/servicePrincipals/${m.sp.id}/appRoleAssignedTo`).get()).value).toEqual([
      expect.objectContaining({ principalId: m.user.id, appRoleId: m.reader.originId }),
    ]);
    expect(await requestState(req.id)).toBe('delivering');
    expect(await siteAccess()).toEqual([]);

    await advanceTo(siteDelayMs);
    expect(await requestState(req.id)).toBe('delivered');
    expect((await assignmentOf(m)).state).toBe('delivered');
    expect(await siteAccess()).toEqual([
      { principalId: m.user.id, roleOriginId: '5', roleDisplayName: 'Marketing Members' },
    ]);
    expect((await h.control.get<Json>('objects')).appRoleAssignments).toEqual([
      expect.objectContaining({ principalId: m.user.id, resourceId: m.sp.id, appRoleId: m.reader.originId }),
    ]);
  });

  test('removal takes each kind away on its delay; the app role assignment goes away', async () => {
    const m = await provisionMixed();
    await request(m);
    await advanceTo(siteDelayMs);
    const [before] = await appRoles(m);
    elapsed = 0;
    const removal = await removeAssignment(h.graph(), (await assignmentOf(m)).id);

    await advanceTo(groupDelayMs);
    expect(await memberIds(h.graph(), m.group.id)).toEqual([]);
    expect(await appRoles(m)).toEqual([before]);

    await advanceTo(appDelayMs);
    expect(await appRoles(m)).toEqual([]);
    expect((await h.graph().api(`/servicePrincipals/${m.sp.id}/appRoleAssignedTo`).get()).value).toEqual([]);
    expect(await siteAccess()).toHaveLength(1);
    expect(await requestState(removal.id)).toBe('delivering');

    await advanceTo(siteDelayMs);
    expect(await requestState(removal.id)).toBe('delivered');
    expect((await assignmentOf(m)).state).toBe('expired');
    expect(await siteAccess()).toEqual([]);
    expect((await h.control.get<Json>('objects')).appRoleAssignments).toEqual([]);
  });

  test('expiry takes the app role away too', async () => {
    const m = await provisionMixed();
    await request(m);
    await advanceTo(siteDelayMs);
    expect(await appRoles(m)).toHaveLength(1);
    await advanceTo(2 * 86_400_000);
    expect((await assignmentOf(m)).state).toBe('expired');
    expect(await appRoles(m)).toEqual([]);
  });

  test('the per-kind delays change at run time; null makes a kind follow deliveryDelayMs', async () => {
    const m = await provisionMixed();
    await h.control.post('config', { deliveryDelayMs: 60_000, appDeliveryDelayMs: null, siteDeliveryDelayMs: null });
    const req = await request(m);
    await advanceTo(55_000);
    expect(await requestState(req.id)).toBe('delivering');
    await advanceTo(60_000);
    expect(await requestState(req.id)).toBe('delivered');
    expect(await appRoles(m)).toHaveLength(1);
  });
});

describe('per-kind delivery faults', () => {
  test('one kind failing while the others deliver ends the request partiallyDelivered; it can be removed', async () => {
    const m = await provisionMixed();
    await h.control.post('delivery-faults', {
      rules: [{ originSystem: 'SharePointOnline', outcome: 'deliveryFailed' }],
    });
    const req = await request(m);
    await advanceTo(siteDelayMs);
    expect(await h.graph().api(`${em}/assignmentRequests/${req.id}`).get()).toMatchObject({
      state: 'partiallyDelivered',
      status: 'PartiallyDelivered',
    });
    const assignment = await assignmentOf(m);
    expect(assignment.state).toBe('partiallyDelivered');
    expect(await memberIds(h.graph(), m.group.id)).toEqual([m.user.id]);
    expect(await appRoles(m)).toHaveLength(1);
    expect(await siteAccess()).toEqual([]);
    expect((await h.control.get<Json>('delivery-faults')).rules).toEqual([]);

    elapsed = 0;
    const removal = await removeAssignment(h.graph(), assignment.id);
    await advanceTo(siteDelayMs);
    expect(await requestState(removal.id)).toBe('delivered');
    expect((await assignmentOf(m)).state).toBe('expired');
    expect(await appRoles(m)).toEqual([]);
    expect(await memberIds(h.graph(), m.group.id)).toEqual([]);
  });

  test('every kind failing ends the request deliveryFailed, granting nothing', async () => {
    const m = await provisionMixed();
    await h.control.post('delivery-faults', {
      rules: ['AadGroup', 'AadApplication', 'SharePointOnline'].map((originSystem) => ({
        originSystem,
        outcome: 'deliveryFailed',
      })),
    });
    const req = await request(m);
    await advanceTo(siteDelayMs);
    expect(await requestState(req.id)).toBe('deliveryFailed');
    expect(await memberIds(h.graph(), m.group.id)).toEqual([]);
    expect(await appRoles(m)).toEqual([]);
  });

  test('a stuck kind holds the request delivering while the others deliver', async () => {
    const m = await provisionMixed();
    await h.control.post('delivery-faults', { rules: [{ originSystem: 'AadApplication', outcome: 'stuck' }] });
    const req = await request(m);
    await advanceTo(100 * siteDelayMs);
    expect(await requestState(req.id)).toBe('delivering');
    expect(await memberIds(h.graph(), m.group.id)).toEqual([m.user.id]);
    expect(await appRoles(m)).toEqual([]);
  });

  test('a rule for a kind the package does not hold stays for a later request', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    const resource = await catalogResource(h.graph(), catalog.id, group.id);
    const pkg = await createPackage(h.graph(), catalog.id);
    const member = resource.roles.find((r: Json) => r.displayName === 'Member');
    await addRoleScope(h.graph(), pkg.id, member, resource.scopes[0], resource.id);
    const policy = await createPolicy(h.graph(), pkg.id, user.id);
    await h.control.post('delivery-faults', { rules: [{ originSystem: 'AadApplication', outcome: 'deliveryFailed' }] });
    const req = await requestAssignment(h.graph(), 'adminAdd', user.id, policy.id, pkg.id);
    await h.control.post('clock', { advanceMs: groupDelayMs });
    expect(await requestState(req.id)).toBe('delivered');
    expect((await h.control.get<Json>('delivery-faults')).rules).toEqual([
      { originSystem: 'AadApplication', outcome: 'deliveryFailed', times: 1 },
    ]);
  });

  test.each([
    [
      { originSystem: 'Exchange', outcome: 'deliveryFailed' },
      /originSystem must be one of AadGroup, AadApplication, SharePointOnline/,
    ],
    [{ originSystem: 'AadApplication', outcome: 'partiallyDelivered' }, /outcome must be one of deliveryFailed, stuck/],
    [{ originSystem: 'AadApplication', outcome: 'stuck', requestType: 'adminRemove' }, /requestType must be an add/],
  ])('%j is refused naming the field', async (rule, message) => {
    const response = await h.control.request('POST', 'delivery-faults', { rules: [rule] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toMatch(message);
  });
});
