// Assignment requests and assignments on the emulator clock: submitted → delivering → delivered, removal,
// expiry, group membership as their effect, who may request what (userAdd only by the target themself), scripted
// delivery outcomes, and the rules that keep duplicates out.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startHarness, type EmulatorHarness } from './support/harness.js';
import {
  createUser,
  em,
  graphFailure,
  memberIds,
  password,
  provision,
  removeAssignment,
  requestAssignment,
  type Json,
  type Provisioned,
} from './support/steps.js';

const delayMs = 3000;
let h: EmulatorHarness;
beforeAll(async () => {
  h = await startHarness({ deliveryDelayMs: delayMs });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

const advance = (ms: number) => h.control.post('clock', { advanceMs: ms });
const getRequest = (id: string) => h.graph().api(`${em}/assignmentRequests/${id}`).get() as Promise<Json>;
const assignments = async (p: Provisioned) =>
  (await h.graph().api(`${em}/assignments`).filter(`accessPackage/id eq '${p.accessPackage.id}'`).get())
    .value as Json[];

describe('delivery', () => {
  test('adminAdd goes submitted → delivering → delivered on the clock, and only then grants membership', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(request).toMatchObject({ state: 'submitted', status: 'Accepted' });
    expect(await assignments(p)).toEqual([]);

    await advance(delayMs / 2);
    expect(await getRequest(request.id)).toMatchObject({
      state: 'delivering',
      status: 'Delivering',
      completedDateTime: null,
    });
    expect(await assignments(p)).toEqual([expect.objectContaining({ state: 'delivering', status: 'Delivering' })]);
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);

    await advance(delayMs);
    expect(await getRequest(request.id)).toMatchObject({
      state: 'delivered',
      status: 'Delivered',
      completedDateTime: expect.any(String),
    });
    expect(await assignments(p)).toEqual([expect.objectContaining({ state: 'delivered', status: 'Delivered' })]);
    expect(await memberIds(h.graph(), p.group.id)).toEqual([p.user.id]);
  });

  test('the request expands to its package, requestor (the app) and assignment with target', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    const expanded = await h
      .graph()
      .api(`${em}/assignmentRequests/${request.id}`)
      .expand('accessPackage,requestor,assignment($expand=target)')
      .get();
    expect(expanded).toMatchObject({
      accessPackage: { id: p.accessPackage.id },
      requestor: { subjectType: 'servicePrincipal' },
      assignment: {
        state: 'delivered',
        target: { objectId: p.user.id, principalName: p.user.userPrincipalName, subjectType: 'user' },
      },
    });
  });

  test('assignments are listed by assignmentPolicy/id, accessPackage/id, target/objectId and state, with $expand', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    for (const filter of [
      `assignmentPolicy/id eq '${p.policy.id}'`,
      `target/objectId eq '${p.user.id}'`,
      "state eq 'delivered'",
      "state eq 'Delivered'",
    ]) {
      expect((await h.graph().api(`${em}/assignments`).filter(filter).get()).value).toHaveLength(1);
    }
    expect((await h.graph().api(`${em}/assignments`).filter("state eq 'expired'").get()).value).toEqual([]);
    const [expanded] = (await h.graph().api(`${em}/assignments`).expand('target,accessPackage,assignmentPolicy').get())
      .value;
    expect(expanded).toMatchObject({
      target: { objectId: p.user.id },
      accessPackage: { id: p.accessPackage.id },
      assignmentPolicy: { id: p.policy.id },
    });
  });

  test('requests are listed with $filter on state and accessPackage/id', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(
      (await h.graph().api(`${em}/assignmentRequests`).filter("state eq 'submitted'").get()).value.map(
        (r: Json) => r.id,
      ),
    ).toEqual([request.id]);
    await advance(delayMs);
    expect(
      (
        await h
          .graph()
          .api(`${em}/assignmentRequests`)
          .filter(`accessPackage/id eq '${p.accessPackage.id}' and state eq 'delivered'`)
          .get()
      ).value,
    ).toHaveLength(1);
  });
});

describe('removal and expiry', () => {
  test('adminRemove delivers on the clock, the assignment becomes expired (still listed) and membership ends', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    const [assignment] = await assignments(p);
    const removal = await removeAssignment(h.graph(), assignment!.id);
    expect(removal).toMatchObject({ requestType: 'adminRemove', state: 'submitted', status: 'Accepted' });
    await advance(delayMs / 2);
    expect(await getRequest(removal.id)).toMatchObject({ state: 'delivering' });
    expect(await memberIds(h.graph(), p.group.id)).toEqual([p.user.id]);
    await advance(delayMs);
    expect(await getRequest(removal.id)).toMatchObject({ state: 'delivered', status: 'Delivered' });
    expect(await assignments(p)).toEqual([
      expect.objectContaining({ id: assignment!.id, state: 'expired', expiredDateTime: expect.any(String) }),
    ]);
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);
  });

  test('an assignment expires at the policy’s afterDuration on the clock, ending membership', async () => {
    const p = await provision(h.graph(), h.info.domain, { expiration: { type: 'afterDuration', duration: 'P2D' } });
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    const [delivered] = await assignments(p);
    expect(Date.parse(delivered!.schedule.expiration.endDateTime) - Date.parse(delivered!.schedule.startDateTime)).toBe(
      2 * 86_400_000,
    );
    await advance(86_400_000 + 60_000);
    expect((await assignments(p))[0]).toMatchObject({
      state: 'delivered',
      status: 'NearExpiry1DayNotificationTriggered',
    });
    await advance(86_400_000);
    expect((await assignments(p))[0]).toMatchObject({ state: 'expired', status: 'ExpiredNotificationTriggered' });
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);
  });

  test('removing an assignment twice, or one that is still delivering, is refused', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs / 2);
    const [delivering] = await assignments(p);
    expect((await graphFailure(removeAssignment(h.graph(), delivering!.id))).statusCode).toBe(400);
    await advance(delayMs);
    await removeAssignment(h.graph(), delivering!.id);
    expect((await graphFailure(removeAssignment(h.graph(), delivering!.id))).envelope.code).toBe('ExistingOpenRequest');
    await advance(delayMs);
    expect((await graphFailure(removeAssignment(h.graph(), delivering!.id))).envelope.code).toBe(
      'InvalidAssignmentState',
    );
  });

  test('removing an unknown assignment is 404', async () => {
    expect((await graphFailure(removeAssignment(h.graph(), '0b9c2f7e-0000-4000-8000-000000000000'))).statusCode).toBe(
      404,
    );
  });

  test('DELETE on an assignment answers 404 and the assignment stays', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    const [assignment] = await assignments(p);
    const error = await graphFailure(h.graph().api(`${em}/assignments/${assignment!.id}`).delete());
    expect(error.statusCode).toBe(404);
    expect(await assignments(p)).toEqual([expect.objectContaining({ state: 'delivered' })]);
  });

  test('dropping the role scope from the package ends the membership it granted', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    await h.graph().api(`${em}/accessPackages/${p.accessPackage.id}/resourceRoleScopes/${p.roleScope.id}`).delete();
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);
  });
});

describe('who may request', () => {
  test('userAdd by the target user themself (delegated token) is accepted and delivered', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const request = await requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(request).toMatchObject({ requestType: 'userAdd', state: 'submitted' });
    await advance(delayMs);
    expect(await asUser.api(`${em}/assignmentRequests/${request.id}`).expand('requestor').get()).toMatchObject({
      state: 'delivered',
      requestor: { objectId: p.user.id, subjectType: 'user' },
    });
    expect(await memberIds(h.graph(), p.group.id)).toEqual([p.user.id]);
  });

  test('userAdd sent by the app is refused with 403 and creates nothing', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const error = await graphFailure(
      requestAssignment(h.graph(), 'userAdd', p.user.id, p.policy.id, p.accessPackage.id),
    );
    expect(error.statusCode).toBe(403);
    expect(error.envelope).toMatchObject({
      code: 'AccessDenied',
      message: "You don't meet policy requirements to request this entitlement.",
    });
    expect((await h.control.get<Json>('objects')).assignmentRequests).toEqual([]);
  });

  test('userAdd by another user, for the target, is refused', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const other = await createUser(h.graph(), h.info.domain);
    const asOther = h.graph(h.userCredential(other.userPrincipalName, password));
    expect(
      (await graphFailure(requestAssignment(asOther, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id)))
        .statusCode,
    ).toBe(403);
  });

  test('userAdd for oneself is refused when the policy does not list the user or disallows self-add', async () => {
    const p = await provision(h.graph(), h.info.domain, { requestorSettings: { enableTargetsToSelfAddAccess: false } });
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    expect(
      (await graphFailure(requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id))).statusCode,
    ).toBe(403);
    const other = await createUser(h.graph(), h.info.domain);
    const asOther = h.graph(h.userCredential(other.userPrincipalName, password));
    const policy = await h.graph().api(`${em}/assignmentPolicies/${p.policy.id}`).get();
    expect(
      (await graphFailure(requestAssignment(asOther, 'userAdd', other.id, policy.id, p.accessPackage.id))).statusCode,
    ).toBe(403);
  });

  test('a user cannot send adminAdd (403 Authorization_RequestDenied)', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const error = await graphFailure(requestAssignment(asUser, 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id));
    expect(error.envelope.code).toBe('Authorization_RequestDenied');
  });

  test('a user sees only their own requests and assignments', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const other = await createUser(h.graph(), h.info.domain);
    const asOther = h.graph(h.userCredential(other.userPrincipalName, password));
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    await advance(delayMs);
    expect((await asOther.api(`${em}/assignments`).get()).value).toEqual([]);
    expect((await asUser.api(`${em}/assignments`).get()).value).toHaveLength(1);
  });

  test('a policy requiring approval leaves userAdd requests pendingApproval until an approver decides', async () => {
    const approver = await createUser(h.graph(), h.info.domain);
    const stage = {
      durationBeforeAutomaticDenial: 'P2D',
      isApproverJustificationRequired: false,
      isEscalationEnabled: false,
      primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: approver.id }],
      fallbackPrimaryApprovers: [],
      escalationApprovers: [],
      fallbackEscalationApprovers: [],
    };
    const p = await provision(h.graph(), h.info.domain, {
      requestApprovalSettings: { isApprovalRequiredForAdd: true, isApprovalRequiredForUpdate: false, stages: [stage] },
    });
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const request = await requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(request).toMatchObject({ state: 'pendingApproval', status: 'PendingApproval' });
    await advance(10 * delayMs);
    expect(await getRequest(request.id)).toMatchObject({ state: 'pendingApproval' });
    expect(await assignments(p)).toEqual([]);
  });
});

describe('duplicates and failures', () => {
  test('a second add for the same target and package is refused while the first is open or delivered', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(
      (await graphFailure(requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id)))
        .envelope.code,
    ).toBe('ExistingOpenRequest');
    await advance(delayMs);
    expect(
      (await graphFailure(requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id)))
        .envelope.code,
    ).toBe('ExistingAssignment');
    expect((await h.control.get<Json>('objects')).assignments).toHaveLength(1);
  });

  test('scripted delivery faults end a request deliveryFailed, without membership', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await h.control.post('delivery-faults', {
      rules: [{ requestType: 'adminAdd', outcome: 'deliveryFailed', times: 1 }],
    });
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(delayMs);
    expect(await getRequest(request.id)).toMatchObject({ state: 'deliveryFailed', status: 'DeliveryFailed' });
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);
    expect((await h.control.get<Json>('delivery-faults')).rules).toEqual([]);
  });

  test('a stuck delivery stays delivering however far the clock moves', async () => {
    const p = await provision(h.graph(), h.info.domain);
    await h.control.post('delivery-faults', { rules: [{ outcome: 'stuck' }] });
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await advance(1000 * delayMs);
    expect(await getRequest(request.id)).toMatchObject({ state: 'delivering' });
  });

  test('a submitted request can be canceled by its requestor; it then reports canceled and creates no assignment', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const request = await requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await asUser.api(`${em}/assignmentRequests/${request.id}/cancel`).post({});
    await advance(delayMs);
    expect(await getRequest(request.id)).toMatchObject({ state: 'canceled', status: 'Canceled' });
    expect((await h.control.get<Json>('objects')).assignments).toEqual([]);
  });

  test('cancel is delegated only: an app gets 403, and a delivering request can no longer be canceled', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const asUser = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const request = await requestAssignment(asUser, 'userAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const appOnly = await graphFailure(h.graph().api(`${em}/assignmentRequests/${request.id}/cancel`).post({}));
    expect([appOnly.statusCode, appOnly.envelope.code]).toEqual([403, 'Authorization_RequestDenied']);
    await advance(delayMs / 2);
    const late = await graphFailure(asUser.api(`${em}/assignmentRequests/${request.id}/cancel`).post({}));
    expect([late.statusCode, late.envelope.code]).toEqual([400, 'RequestNotCancelable']);
  });

  test("a user cannot cancel another's request (no assignment-manager role)", async () => {
    const p = await provision(h.graph(), h.info.domain);
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    const asTarget = h.graph(h.userCredential(p.user.userPrincipalName, password));
    const error = await graphFailure(asTarget.api(`${em}/assignmentRequests/${request.id}/cancel`).post({}));
    expect(error.statusCode).toBe(403);
    expect(await getRequest(request.id)).toMatchObject({ state: 'submitted' });
  });

  test.each([
    [{ requestType: 'AdminAdd' }, 'requestType'],
    [{ requestType: 'adminUpdate' }, 'requestType'],
    [{ assignment: undefined }, 'assignment'],
    [{ assignment: { assignmentPolicyId: 'x', accessPackageId: 'y' } }, 'assignment.targetId'],
  ])('%j is 400 InvalidModel naming %s', async (patch, target) => {
    const p = await provision(h.graph(), h.info.domain);
    const body = {
      requestType: 'adminAdd',
      assignment: { targetId: p.user.id, assignmentPolicyId: p.policy.id, accessPackageId: p.accessPackage.id },
      ...patch,
    };
    const error = await graphFailure(h.graph().api(`${em}/assignmentRequests`).post(body));
    expect(error.envelope).toMatchObject({ code: 'InvalidModel', details: [expect.objectContaining({ target })] });
  });

  test('a policy of another package is refused', async () => {
    const a = await provision(h.graph(), h.info.domain);
    const b = await provision(h.graph(), h.info.domain);
    const error = await graphFailure(
      requestAssignment(h.graph(), 'adminAdd', a.user.id, b.policy.id, a.accessPackage.id),
    );
    expect(error.statusCode).toBe(400);
  });
});
