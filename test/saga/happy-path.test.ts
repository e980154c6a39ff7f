// The tutorial end to end on the real dev server against the emulator: the request reaches `delivered`,
// verification passes, and the tutorial's clean-up leaves the directory exactly as it was.

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
