// Approvals as Graph v1.0 runs them: a userAdd on a policy that requires approval waits pendingApproval, each stage
// is decided by one of its approvers through EM/accessPackageAssignmentApprovals (delegated only), a denial or an
// undecided stage ends the request denied, and approving the last stage delivers it. Escalation and automatic denial
// run on the emulator clock.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import {
  approvalSettings,
  approvers,
  asUser,
  currentStage,
  decide,
  getApproval,
  getRequest,
  groupMembers,
  pendingRequest,
  requestorManager,
  singleUser,
  stage,
} from './support/approvals.js';
import { useHarness } from './support/harness.js';
import { createGroup, em, graphFailure, memberIds, provision, requestAssignment, type Json } from './support/steps.js';

const h = useHarness({ deliveryDelayMs: 300 });
const day = 86_400_000;
const advance = (ms: number) => h.control.post('clock', { advanceMs: ms });
const objects = () => h.control.get<Json>('objects');

describe('a single stage', () => {
  test('pendingApproval with no assignment until the approver approves; then delivered and a member', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    expect(p.request).toMatchObject({ state: 'pendingApproval', status: 'PendingApproval', completedDateTime: null });
    await advance(10_000);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval', status: 'PendingApproval' });
    expect((await objects()).assignments).toEqual([]);

    const asApprover = asUser(h, approver!);
    const approval = await getApproval(asApprover, p.request.id);
    expect(approval).toEqual({
      '@odata.context': expect.stringMatching(
        /\$metadata#identityGovernance\/entitlementManagement\/accessPackageAssignmentApprovals\/\$entity$/,
      ),
      id: p.request.id,
      stages: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          displayName: null,
          reviewedDateTime: null,
          reviewResult: 'NotReviewed',
          status: 'InProgress',
          assignedToMe: true,
          justification: '',
          reviewedBy: null,
        },
      ],
    });
    await decide(asApprover, p.request.id, approval.stages[0].id, 'Approve', 'Needed for the campaign');

    expect((await getApproval(asApprover, p.request.id)).stages[0]).toMatchObject({
      status: 'Completed',
      reviewResult: 'Approved',
      reviewedBy: { id: approver!.id, displayName: approver!.displayName },
      reviewedDateTime: expect.any(String),
      justification: 'Needed for the campaign',
    });
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivering' });
    await advance(300);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivered', status: 'Delivered' });
    expect(await memberIds(h.graph(), p.group.id)).toEqual([p.user.id]);
    const listed = (await objects()).assignmentRequests[0];
    expect(listed.approval).toMatchObject({
      outcome: 'approved',
      stages: [{ status: 'Completed', reviewResult: 'Approved', reviewedBy: { id: approver!.id } }],
    });
  });

  test('an approver who is not in the stage gets 403 and the request keeps pending', async () => {
    const [approver, outsider] = await approvers(h, 2);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const stageId = (await currentStage(asUser(h, approver!), p.request.id)).id;
    const error = await graphFailure(decide(asUser(h, outsider!), p.request.id, stageId, 'Approve'));
    expect(error.statusCode).toBe(403);
    const read = await graphFailure(getApproval(asUser(h, outsider!), p.request.id));
    expect([read.statusCode, read.envelope.code]).toEqual([403, 'Authorization_RequestDenied']);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval' });
  });

  test('the second approver of a group gets 409 once the first has decided', async () => {
    const [first, second] = await approvers(h, 2);
    const group = await createGroup(h.graph());
    for (const user of [first!, second!])
      await h
        .graph()
        .api(`/groups/${group.id}/members/$ref`)
        .post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
    const p = await pendingRequest(h, [stage({ primaryApprovers: [groupMembers(group.id)] })]);
    const stageId = (await currentStage(asUser(h, first!), p.request.id)).id;
    await decide(asUser(h, first!), p.request.id, stageId, 'Approve');
    const error = await graphFailure(decide(asUser(h, second!), p.request.id, stageId, 'Deny'));
    expect(error.statusCode).toBe(409);
    expect((await getApproval(asUser(h, second!), p.request.id)).stages[0]).toMatchObject({
      reviewResult: 'Approved',
      reviewedBy: { id: first!.id },
      assignedToMe: true,
    });
  });

  test('approvers cannot approve their own request, even when the policy names them', async () => {
    const group = await createGroup(h.graph());
    const p = await pendingRequest(h, [stage({ primaryApprovers: [groupMembers(group.id)] })]);
    await h
      .graph()
      .api(`/groups/${group.id}/members/$ref`)
      .post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${p.user.id}` });
    const asRequestor = asUser(h, p.user);
    const id = (await objects()).assignmentRequests[0].approval.stages[0].id;
    const error = await graphFailure(decide(asRequestor, p.request.id, id, 'Approve'));
    expect([error.statusCode, error.envelope.message]).toEqual([403, "Approvers can't approve their own requests."]);
    expect((await graphFailure(getApproval(asRequestor, p.request.id))).statusCode).toBe(403);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval' });
  });

  test('a bad reviewResult is 400 InvalidModel; an unknown stage or request is 404', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const graph = asUser(h, approver!);
    const stageId = (await currentStage(graph, p.request.id)).id;
    const bad = await graphFailure(decide(graph, p.request.id, stageId, 'Approved'));
    expect([bad.statusCode, bad.envelope.code]).toEqual([400, 'InvalidModel']);
    const unknownStage = await graphFailure(
      decide(graph, p.request.id, '0b9c2f7e-0000-4000-8000-000000000000', 'Approve'),
    );
    expect(unknownStage.statusCode).toBe(404);
    const unknownRequest = await graphFailure(getApproval(graph, '0b9c2f7e-0000-4000-8000-000000000000'));
    expect([unknownRequest.statusCode, unknownRequest.envelope.code]).toEqual([404, 'ResourceNotFound']);
  });
});

describe('several stages', () => {
  test('two stages approved by the right people, in order', async () => {
    const [a, b] = await approvers(h, 2);
    const p = await pendingRequest(h, [
      stage({ primaryApprovers: [singleUser(a!.id)] }),
      stage({ primaryApprovers: [singleUser(b!.id)] }),
    ]);
    const first = await getApproval(asUser(h, a!), p.request.id);
    expect(first.stages).toHaveLength(1);
    await decide(asUser(h, a!), p.request.id, first.stages[0].id, 'Approve');
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval' });

    const seenByB = await getApproval(asUser(h, b!), p.request.id);
    expect(seenByB.stages.map((s: Json) => [s.status, s.reviewResult, s.assignedToMe])).toEqual([
      ['Completed', 'Approved', false],
      ['InProgress', 'NotReviewed', true],
    ]);
    const wrongPerson = await graphFailure(decide(asUser(h, a!), p.request.id, seenByB.stages[1].id, 'Approve'));
    expect(wrongPerson.statusCode).toBe(403);
    await decide(asUser(h, b!), p.request.id, seenByB.stages[1].id, 'Approve');
    await advance(300);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivered' });
  });

  test('a denial at stage 2 ends the request denied, with no assignment', async () => {
    const [a, b] = await approvers(h, 2);
    const p = await pendingRequest(h, [
      stage({ primaryApprovers: [singleUser(a!.id)] }),
      stage({ primaryApprovers: [singleUser(b!.id)] }),
    ]);
    await decide(asUser(h, a!), p.request.id, (await currentStage(asUser(h, a!), p.request.id)).id, 'Approve');
    await decide(asUser(h, b!), p.request.id, (await currentStage(asUser(h, b!), p.request.id)).id, 'Deny', 'No');
    expect(await getRequest(h, p.request.id)).toMatchObject({
      state: 'denied',
      status: 'Denied',
      completedDateTime: expect.any(String),
    });
    expect((await getApproval(asUser(h, b!), p.request.id)).stages[1]).toMatchObject({
      status: 'Completed',
      reviewResult: 'Denied',
      justification: 'No',
    });
    await advance(day);
    expect((await objects()).assignments).toEqual([]);
    expect(await memberIds(h.graph(), p.group.id)).toEqual([]);
  });
});

describe('requestorManager', () => {
  test('the requestor’s manager decides', async () => {
    const [manager] = await approvers(h, 1);
    const [fallback] = await approvers(h, 1);
    const p = await pendingRequest(h, [
      stage({ primaryApprovers: [requestorManager()], fallbackPrimaryApprovers: [singleUser(fallback!.id)] }),
    ]).then(async (r) => {
      await h
        .graph()
        .api(`/users/${r.user.id}/manager/$ref`)
        .put({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${manager!.id}` });
      return r;
    });
    expect((await currentStage(asUser(h, manager!), p.request.id)).assignedToMe).toBe(true);
    expect((await graphFailure(getApproval(asUser(h, fallback!), p.request.id))).statusCode).toBe(403);
    await decide(
      asUser(h, manager!),
      p.request.id,
      (await currentStage(asUser(h, manager!), p.request.id)).id,
      'Approve',
    );
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivering' });
  });

  test('without a manager, the fallback approvers decide', async () => {
    const [fallback] = await approvers(h, 1);
    const p = await pendingRequest(h, [
      stage({ primaryApprovers: [requestorManager()], fallbackPrimaryApprovers: [singleUser(fallback!.id)] }),
    ]);
    const graph = asUser(h, fallback!);
    await decide(graph, p.request.id, (await currentStage(graph, p.request.id)).id, 'Approve');
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivering' });
  });

  test('managerLevel 2 is the manager’s manager', async () => {
    const [manager, skip] = await approvers(h, 2);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [requestorManager(2)] })]);
    const setManager = (userId: string, managerId: string) =>
      h
        .graph()
        .api(`/users/${userId}/manager/$ref`)
        .put({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${managerId}` });
    await setManager(p.user.id, manager!.id);
    await setManager(manager!.id, skip!.id);
    expect((await currentStage(asUser(h, skip!), p.request.id)).assignedToMe).toBe(true);
    expect((await graphFailure(getApproval(asUser(h, manager!), p.request.id))).statusCode).toBe(403);
  });
});

describe('time: escalation and automatic denial', () => {
  test('after durationBeforeEscalation the escalation approvers may decide too; the primary ones still can', async () => {
    const [primary, escalation] = await approvers(h, 2);
    const p = await pendingRequest(h, [
      stage({
        durationBeforeAutomaticDenial: 'P4D',
        isEscalationEnabled: true,
        durationBeforeEscalation: 'P1D',
        primaryApprovers: [singleUser(primary!.id)],
        escalationApprovers: [singleUser(escalation!.id)],
      }),
    ]);
    const stageId = (await currentStage(asUser(h, primary!), p.request.id)).id;
    expect((await graphFailure(decide(asUser(h, escalation!), p.request.id, stageId, 'Approve'))).statusCode).toBe(403);
    await advance(day);
    expect(await getRequest(h, p.request.id)).toMatchObject({
      state: 'pendingApproval',
      status: 'PendingApprovalEscalated',
    });
    expect((await currentStage(asUser(h, primary!), p.request.id)).assignedToMe).toBe(true);
    expect((await currentStage(asUser(h, escalation!), p.request.id)).assignedToMe).toBe(true);
    await decide(asUser(h, escalation!), p.request.id, stageId, 'Approve');
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'delivering' });
  });

  test('after durationBeforeAutomaticDenial the stage is Expired and the request denied; deciding then is 409', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const stageId = (await currentStage(asUser(h, approver!), p.request.id)).id;
    await advance(7 * day - 1000);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval' });
    await advance(1000);
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'denied', status: 'Expired' });
    expect((await getApproval(asUser(h, approver!), p.request.id)).stages[0]).toMatchObject({
      status: 'Expired',
      reviewResult: 'NotReviewed',
    });
    expect((await graphFailure(decide(asUser(h, approver!), p.request.id, stageId, 'Approve'))).statusCode).toBe(409);
    expect((await objects()).assignments).toEqual([]);
  });
});

describe('app-only tokens', () => {
  test('get 403 on every approval route and on cancel', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const stageId = (await currentStage(asUser(h, approver!), p.request.id)).id;
    const app = h.graph();
    const approvals = `${em}/accessPackageAssignmentApprovals`;
    for (const call of [
      app.api(`${approvals}/${p.request.id}`).get(),
      app.api(`${approvals}/${p.request.id}/stages`).get(),
      app.api(`${approvals}/${p.request.id}/stages/${stageId}`).get(),
      app.api(`${approvals}/${p.request.id}/stages/${stageId}`).patch({ reviewResult: 'Approve' }),
      app.api(`${approvals}/filterByCurrentUser(on='approver')`).get(),
      app.api(`${em}/assignmentRequests/filterByCurrentUser(on='target')`).get(),
      app.api(`${em}/assignmentRequests/${p.request.id}/cancel`).post({}),
    ]) {
      const error = await graphFailure(call);
      expect([error.statusCode, error.envelope.code]).toEqual([403, 'Authorization_RequestDenied']);
    }
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'pendingApproval' });
  });

  test('still read the request, and find a requestor’s userAdd by package, type, state and requestor', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const found = await h
      .graph()
      .api(`${em}/assignmentRequests`)
      .filter(
        `accessPackage/id eq '${p.accessPackage.id}' and requestType eq 'userAdd' and state eq 'pendingApproval' and requestor/objectId eq '${p.user.id}'`,
      )
      .expand('requestor')
      .get();
    expect(found.value).toEqual([
      expect.objectContaining({ id: p.request.id, requestor: expect.objectContaining({ objectId: p.user.id }) }),
    ]);
  });
});

describe('cancel and filterByCurrentUser', () => {
  test('the requestor cancels a pending request: canceled, no longer to approve, the stage closed', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const stageId = (await currentStage(asUser(h, approver!), p.request.id)).id;
    await asUser(h, p.user).api(`${em}/assignmentRequests/${p.request.id}/cancel`).post({});
    expect(await getRequest(h, p.request.id)).toMatchObject({ state: 'canceled', status: 'Canceled' });
    expect((await graphFailure(decide(asUser(h, approver!), p.request.id, stageId, 'Approve'))).statusCode).toBe(409);
    const toDecide = await asUser(h, approver!)
      .api(`${em}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')`)
      .get();
    expect(toDecide.value).toEqual([]);
  });

  test('approvals to decide (ids only) and requests by approver, target, createdBy and targetOrRequestor', async () => {
    const [approver] = await approvers(h, 1);
    const p = await pendingRequest(h, [stage({ primaryApprovers: [singleUser(approver!.id)] })]);
    const asApprover = asUser(h, approver!);
    const toDecide = await asApprover
      .api(`${em}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')`)
      .get();
    expect(toDecide.value).toEqual([{ '@odata.type': '#microsoft.graph.approval', id: p.request.id }]);
    const requests = (graph: typeof asApprover, on: string) =>
      graph.api(`${em}/assignmentRequests/filterByCurrentUser(on='${on}')`).get() as Promise<Json>;
    expect((await requests(asApprover, 'approver')).value.map((r: Json) => r.id)).toEqual([p.request.id]);
    expect((await requests(asApprover, 'target')).value).toEqual([]);
    const asRequestor = asUser(h, p.user);
    for (const on of ['target', 'createdBy', 'targetOrRequestor'])
      expect((await requests(asRequestor, on)).value.map((r: Json) => r.id)).toEqual([p.request.id]);
    expect((await requests(asRequestor, 'approver')).value).toEqual([]);
    const bad = await graphFailure(requests(asRequestor, 'nobody'));
    expect([bad.statusCode, bad.envelope.code]).toEqual([400, 'BadRequest']);
    // The approver may read the request itself while it waits for them.
    expect((await asApprover.api(`${em}/assignmentRequests/${p.request.id}`).get()).id).toBe(p.request.id);
  });
});

describe('adminAdd on a policy that requires approval', () => {
  test('is delivered without approval by default (adminAddSkipsApproval), as reported in practice', async () => {
    const [approver] = await approvers(h, 1);
    const stages = [stage({ primaryApprovers: [singleUser(approver!.id)] })];
    const p = await provision(h.graph(), h.info.domain, approvalSettings(stages));
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(request).toMatchObject({ state: 'submitted', status: 'Accepted' });
    await advance(300);
    expect(await getRequest(h, request.id)).toMatchObject({ state: 'delivered' });
  });

  test('with adminAddSkipsApproval false it waits for the approvers like userAdd', async () => {
    await h.control.post('config', { adminAddSkipsApproval: false });
    const [approver] = await approvers(h, 1);
    const stages = [stage({ primaryApprovers: [singleUser(approver!.id)] })];
    const p = await provision(h.graph(), h.info.domain, approvalSettings(stages));
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    expect(request).toMatchObject({ state: 'pendingApproval', status: 'PendingApproval' });
    await advance(day);
    expect((await objects()).assignments).toEqual([]);
    const graph = asUser(h, approver!);
    await decide(graph, request.id, (await currentStage(graph, request.id)).id, 'Approve');
    await advance(300);
    expect(await getRequest(h, request.id)).toMatchObject({ state: 'delivered' });
  });
});
