// /_emulator: info, objects, stats, reset, clock, config, and the loopback-only gate.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { isLoopback } from '../../emulator/control/control-plane.js';
import { useHarness } from './support/harness.js';
import { createGroup, createUser, graphFailure, provision, requestAssignment, type Json } from './support/steps.js';

const h = useHarness();

describe('inspection', () => {
  test('info describes how to reach and trust the emulator', async () => {
    const info = await h.control.get<Json>('info');
    const port = new URL(h.emulator.url).port;
    expect(info).toEqual({
      tenantId: h.info.tenantId,
      domain: 'contoso.onmicrosoft.com',
      clientId: h.info.clientId,
      clientSecret: h.info.clientSecret,
      authorityHost: `https://127.0.0.1:${port}`,
      graphBaseUrl: `https://127.0.0.1:${port}/v1.0`,
      caCertPath: expect.stringMatching(/ca\.pem$/),
    });
    expect(existsSync(info.caCertPath)).toBe(true);
  });

  test('objects lists every kind of object with stable keys', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const objects = await h.control.get<Json>('objects');
    expect(Object.keys(objects).sort()).toEqual([
      'accessPackages',
      'appRoleAssignments',
      'applications',
      'assignmentPolicies',
      'assignmentRequests',
      'assignments',
      'catalogResources',
      'catalogs',
      'groupMembers',
      'groups',
      'now',
      'resourceRequests',
      'resourceRoleScopes',
      'servicePrincipals',
      'sites',
      'users',
    ]);
    expect(objects.assignmentRequests).toEqual([
      expect.objectContaining({ requestType: 'adminAdd', targetId: p.user.id, state: 'submitted' }),
    ]);
    expect(objects.catalogResources[0].roleIds).toHaveLength(2);
    expect(objects.groupMembers).toEqual({ [p.group.id]: [] });
  });

  test('stats count calls per method and route template, and per status', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    await h.graph().api(`/users/${user.id}`).get();
    await h.graph().api(`/users/${user.id}`).get();
    await graphFailure(h.graph().api('/users/0b9c2f7e-0000-4000-8000-000000000000').get());
    const stats = await h.control.get<Json>('stats');
    expect(stats.calls).toMatchObject({
      'POST /v1.0/users': 1,
      'GET /v1.0/users/{id}': 3,
      'POST /{tenant}/oauth2/v2.0/token': expect.any(Number),
    });
    expect(stats.routes['GET /v1.0/users/{id}']).toEqual({ 200: 2, 404: 1 });
    expect(stats.statuses['404']).toBe(1);
  });
});

describe('control', () => {
  test('reset returns to the seeded tenant and clears stats, faults, delivery faults, config and clock', async () => {
    await createGroup(h.graph());
    await h.control.post('faults', { rules: [{ path: '/nothing', status: 500 }] });
    await h.control.post('delivery-faults', { rules: [{ outcome: 'stuck' }] });
    await h.control.post('config', { latencyMs: 5 });
    await h.control.post('clock', { advanceMs: 1000 });
    await h.reset();
    expect((await h.control.get<Json>('objects')).groups).toEqual([]);
    expect((await h.control.get<Json>('faults')).rules).toEqual([]);
    expect((await h.control.get<Json>('delivery-faults')).rules).toEqual([]);
    expect((await h.control.get<Json>('config')).latencyMs).toBe(0);
    expect((await h.control.get<Json>('clock')).offsetMs).toBe(0);
    expect((await h.control.get<Json>('stats')).total).toBe(0);
  });

  test('the clock advances by advanceMs and refuses going back', async () => {
    const before = Date.parse((await h.control.get<Json>('clock')).now);
    const after = await h.control.post<Json>('clock', { advanceMs: 3_600_000 });
    expect(after.offsetMs).toBe(3_600_000);
    expect(Date.parse(after.now) - before).toBeGreaterThanOrEqual(3_600_000);
    expect((await h.control.request('POST', 'clock', { advanceMs: -1 })).status).toBe(400);
  });

  test('config changes knobs at run time and refuses unknown or invalid settings', async () => {
    expect(await h.control.post<Json>('config', { deliveryDelayMs: 10, consistencyLagMs: 20 })).toMatchObject({
      deliveryDelayMs: 10,
      consistencyLagMs: 20,
    });
    const unknown = await h.control.request('POST', 'config', { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Json).error.message).toMatch(/^colour is not a configurable setting/);
    expect((await h.control.request('POST', 'config', { latencyMs: -5 })).status).toBe(400);
  });

  test('the app and site delivery delays follow deliveryDelayMs until set; null makes them follow again', async () => {
    expect(await h.control.get<Json>('config')).toMatchObject({ appDeliveryDelayMs: null, siteDeliveryDelayMs: null });
    expect(await h.control.post<Json>('config', { appDeliveryDelayMs: 5000, siteDeliveryDelayMs: 0 })).toMatchObject({
      appDeliveryDelayMs: 5000,
      siteDeliveryDelayMs: 0,
    });
    expect((await h.control.post<Json>('config', { appDeliveryDelayMs: null })).appDeliveryDelayMs).toBeNull();
    const bad = await h.control.request('POST', 'config', { siteDeliveryDelayMs: 'slow' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error.message).toMatch(/^siteDeliveryDelayMs must be a non-negative number/);
  });

  test('the approval and device-code knobs: defaults, changes, refusals, and reset restores them', async () => {
    expect(await h.control.get<Json>('config')).toMatchObject({
      adminAddSkipsApproval: true,
      deviceCodeExpiresInSeconds: 900,
      deviceCodeIntervalSeconds: 5,
      delegatedPermissions: expect.arrayContaining(['User.Read', 'EntitlementManagement.ReadWrite.All']),
    });
    const changed = await h.control.post<Json>('config', {
      adminAddSkipsApproval: false,
      deviceCodeExpiresInSeconds: 60,
      deviceCodeIntervalSeconds: 0,
      delegatedPermissions: ['User.Read'],
    });
    expect(changed).toMatchObject({
      adminAddSkipsApproval: false,
      deviceCodeExpiresInSeconds: 60,
      deviceCodeIntervalSeconds: 0,
      delegatedPermissions: ['User.Read'],
    });
    for (const bad of [
      { adminAddSkipsApproval: 'no' },
      { deviceCodeExpiresInSeconds: 0 },
      { deviceCodeIntervalSeconds: 1.5 },
      { delegatedPermissions: 'User.Read' },
    ])
      expect((await h.control.request('POST', 'config', bad)).status).toBe(400);
    await h.reset();
    expect((await h.control.get<Json>('config')).adminAddSkipsApproval).toBe(true);
  });

  test('delivery-fault rules are validated', async () => {
    const response = await h.control.request('POST', 'delivery-faults', { rules: [{ outcome: 'exploded' }] });
    expect(response.status).toBe(400);
  });

  test('an unknown control endpoint is 404', async () => {
    expect((await h.control.request('GET', 'nothing-here')).status).toBe(404);
  });

  test('only loopback addresses pass the gate', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.5', '192.168.1.1', '::ffff:10.0.0.5', 'fe80::1', ''].some(isLoopback)).toBe(false);
  });
});
