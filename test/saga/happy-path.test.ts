// The tutorial end to end on the real dev server against the emulator: the request reaches `delivered`,
// verification passes, and the tutorial's clean-up leaves the directory exactly as it was.

import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture();
});
afterAll(async () => saga?.close());

describe('the tutorial as a saga', () => {
  it('provisions, sees the request delivered, verifies and cleans up to the state before the run', async () => {
    const before = await saga.emulator.control.objects();
    const input = tutorialInput({ cleanup: 'now' });
    const handle = await saga.start(input);
    const result = await handle.result();

    expect(result.outcome).toBe('completed');
    expect(result.request.state).toBe('delivered');
    expect(result.tornDown).toBe(true);
    expect(result.objects.map((o) => [o.kind, o.created])).toEqual(
      expect.arrayContaining([
        ['user', true],
        ['group', true],
        ['catalogResource', true],
        ['accessPackage', true],
        ['roleScope', true],
        ['assignmentPolicy', true],
        ['assignment', true],
      ]),
    );
    expect(result.undone.every((u) => u.outcome === 'undone' || u.outcome === 'alreadyGone')).toBe(true);

    const after = await saga.emulator.control.objects();
    expect(after.users).toEqual(before.users);
    expect(after.groups).toEqual(before.groups);
    expect(after.catalogResources).toEqual(before.catalogResources);
    expect(after.accessPackages).toEqual(before.accessPackages);
    expect(after.assignmentPolicies).toEqual(before.assignmentPolicies);

    // The history shows one activity per Graph operation, and the polling loop.
    const history = await handle.fetchHistory();
    const activities = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => Boolean(name));
    expect(activities).toEqual(
      expect.arrayContaining([
        'checkRequestorDomain',
        'findCatalog',
        'createUser',
        'createGroup',
        'addGroupToCatalog',
        'findCatalogResource',
        'findMemberRole',
        'createAccessPackage',
        'addRoleScope',
        'createPolicy',
        'requestAssignment',
        'getRequestState',
        'listPolicyAssignments',
        'listGroupMembers',
        'requestRemoval',
        'deletePolicy',
        'deleteAccessPackage',
        'removeGroupFromCatalog',
        'deleteGroup',
        'deleteUser',
      ]),
    );
  });

  it('reads the request on a one-second grid from the moment it was made, the sub-second part of a wait in the read', async () => {
    await saga.emulator.control.configure({ deliveryDelayMs: 2500 });
    const handle = await saga.start(tutorialInput({ cleanup: 'keep' }));
    await handle.result().finally(() => saga.emulator.control.configure({ deliveryDelayMs: 300 }));
    const events = (await handle.fetchHistory()).events ?? [];
    const reads = events
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name === 'getRequestState')
      .map((a) => defaultPayloadConverter.fromPayload<{ requestId: string; readAt?: number }>(a!.input!.payloads![0]!));
    // Delivered 2.5 s after it was made: read at 1 s, 2 s and 3 s.
    const readAt = reads.map((r) => r.readAt);
    expect(readAt).toHaveLength(3);
    expect(readAt.every((t) => typeof t === 'number')).toBe(true);
    expect(readAt.map((t) => t! - readAt[0]!)).toEqual([0, 1000, 2000]);
    // Whole seconds wait on a timer; what is left of a wait under a second is waited in the read.
    const timers = events.map((e) => e.timerStartedEventAttributes?.startToFireTimeout).filter((t) => t != null);
    expect(timers.length).toBeGreaterThan(0);
    for (const timeout of timers) expect(timeout.nanos ?? 0).toBe(0);
  });

  it('keeps what it provisioned with cleanup "keep": the requestor is a member of the group', async () => {
    const input = tutorialInput({ cleanup: 'keep' });
    const result = await saga.execute(input);
    expect(result.tornDown).toBe(false);
    const objects = await saga.emulator.control.objects();
    const user = result.objects.find((o) => o.kind === 'user');
    const group = result.objects.find((o) => o.kind === 'group');
    expect(objects.users.map((u) => u.id)).toContain(user?.id);
    expect(objects.assignments.filter((a) => a.state === 'delivered').length).toBeGreaterThan(0);
    expect(objects.groupMembers?.[group?.id ?? '']).toContain(user?.id);
  });
});
