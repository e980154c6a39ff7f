// EM/accessPackageAssignmentApprovals — delegated only, as Graph documents ("Application: Not supported"):
//   GET …/{requestId}                 the approval of an assignment request (its id is the request's), with its stages;
//   GET …/{requestId}/stages[/{id}]   the stages reached so far (see em/approval.ts);
//   PATCH …/{requestId}/stages/{id}   {"reviewResult": "Approve" | "Deny", "justification"} by an approver of that stage
//                                     while it is in progress → 204; a denial ends the request denied, approving the
//                                     last stage starts delivery; 409 once the stage is no longer in progress;
//   GET …/filterByCurrentUser(on='approver')  the approvals the caller may decide now (ids only, as documented).
// Reading needs the caller to be an approver of one of the listed stages; the requestor and the target are never
// approvers of their own request.

import { isoTime } from '../../clock.js';
import type { StageView } from '../../em/approval.js';
import { approvalOf, decidesNow, stageApprovers } from '../../em/approvers.js';
import { graphErrors } from '../../errors/graph-errors.js';
import type { AssignmentRequestRecord } from '../../store/state.js';
import { graphBaseUrl } from '../../context.js';
import { permissions } from '../permissions.js';
import { noContent, type Json } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { checkEmBody, emBase } from './em-common.js';
import { startDelivery } from './request-delivery.js';

const approvals = `${emBase}/accessPackageAssignmentApprovals`;
const context = 'identityGovernance/entitlementManagement/accessPackageAssignmentApprovals';

function findApproval(call: GraphCall) {
  const id = call.params.id!.toLowerCase();
  const request = call.ctx.store.state.assignmentRequests.find((r) => r.id === id && r.approval);
  const view = request && approvalOf(request, call.now);
  if (!request || !view) throw graphErrors.emNotFound('approval', call.params.id!);
  return { request, view };
}

const approvesAny = (call: GraphCall, request: AssignmentRequestRecord, stages: readonly StageView[]) =>
  stages.some((stage) => stageApprovers(call.ctx.store.state, request, stage, call.now).has(call.caller.objectId));

/** An approval the caller may read: they approve (or approved) one of its stages. */
function readableApproval(call: GraphCall) {
  const found = findApproval(call);
  if (!approvesAny(call, found.request, found.view.stages)) throw graphErrors.insufficientPrivileges();
  return found;
}

function stageJson(call: GraphCall, request: AssignmentRequestRecord, stage: StageView): Json {
  const decision = stage.record.decision;
  return {
    id: stage.record.id,
    displayName: null,
    reviewedDateTime: decision ? isoTime(decision.at) : null,
    reviewResult: stage.reviewResult,
    status: stage.status,
    assignedToMe: stageApprovers(call.ctx.store.state, request, stage, call.now).has(call.caller.objectId),
    justification: decision?.justification ?? '',
    reviewedBy: decision ? { id: decision.reviewerId, displayName: decision.reviewerDisplayName } : null,
  };
}

function getApproval(call: GraphCall) {
  const query = call.query({ select: true, expand: true });
  for (const name of [...(query.select ?? []), ...query.expand.map((e) => e.name)])
    if (!['id', 'stages'].includes(name)) throw graphErrors.selectExpandUnknown(name, 'approval');
  const { request, view } = readableApproval(call);
  const withStages = !query.select || query.select.includes('stages') || query.expand.length > 0;
  return {
    status: 200,
    body: {
      '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#${context}/$entity`,
      id: request.id,
      ...(withStages ? { stages: view.stages.map((s) => stageJson(call, request, s)) } : {}),
    },
  };
}

function requireStage(call: GraphCall, stages: readonly StageView[]): StageView {
  const stage = stages.find((s) => s.record.id === call.params.stageId!.toLowerCase());
  if (!stage) throw graphErrors.emNotFound('approval stage', call.params.stageId!);
  return stage;
}

function decideStage(call: GraphCall) {
  const { request, view } = findApproval(call);
  const stage = requireStage(call, view.stages);
  const body = checkEmBody(call.body(), 'approvalStage', { reviewResult: 'string', justification: 'string' });
  const answer = typeof body.reviewResult === 'string' ? body.reviewResult.toLowerCase() : undefined;
  if (answer !== 'approve' && answer !== 'deny')
    throw graphErrors.invalidModel('reviewResult', "'reviewResult' must be 'Approve' or 'Deny'.");
  const caller = call.caller.objectId;
  if (caller === request.requestor.objectId || caller === request.targetUserId) throw graphErrors.ownRequestApproval();
  if (!stageApprovers(call.ctx.store.state, request, stage, call.now).has(caller)) throw graphErrors.notAnApprover();
  if (stage.status !== 'InProgress' || request.canceled) throw graphErrors.stageAlreadyDecided(stage.record.id);

  const state = call.ctx.store.state;
  const reviewer = state.users.find((u) => u.id === caller);
  const decision = {
    result: answer === 'approve' ? ('Approved' as const) : ('Denied' as const),
    at: call.now,
    reviewerId: caller,
    reviewerDisplayName: reviewer?.displayName ?? '',
    justification: (body.justification as string | null | undefined) ?? '',
  };
  const last = stage.record === request.approval!.stages.at(-1);
  const target = state.users.find((u) => u.id === request.targetUserId);
  const catalogId =
    state.accessPackages.find((p) => p.id === request.accessPackageId)?.catalogId ??
    state.policies.find((p) => p.id === request.policyId)?.catalogId ??
    '';
  // Approving the last stage starts delivery (a target deleted meanwhile cannot be delivered to).
  const delivery =
    decision.result !== 'Approved' || !last
      ? undefined
      : target && target.deletedAt === undefined
        ? startDelivery(call, request, target, catalogId, { deliveringNow: true })
        : {
            timeline: {
              deliveringAt: call.now,
              completesAt: call.now,
              outcome: 'deliveryFailed' as const,
              assignmentId: null,
            },
            assignment: undefined,
          };
  call.ctx.store.mutate((s) => {
    const stored = s.assignmentRequests.find((r) => r.id === request.id)!;
    stored.approval!.stages.find((x) => x.id === stage.record.id)!.decision = decision;
    if (delivery) {
      Object.assign(stored, delivery.timeline);
      if (delivery.assignment) s.assignments.push(delivery.assignment);
    }
  });
  return noContent();
}

function approvalsToDecide(call: GraphCall) {
  call.query({});
  const on = call.params.on!;
  if (on.toLowerCase() !== 'approver')
    throw graphErrors.invalidFunctionParameter('on', on, 'approvalFilterByCurrentUserOptions');
  const state = call.ctx.store.state;
  const value = state.assignmentRequests
    .filter((r) => decidesNow(state, r, call.caller.objectId, call.now))
    .map((r) => ({ '@odata.type': '#microsoft.graph.approval', id: r.id }));
  return {
    status: 200,
    body: { '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#Collection(microsoft.graph.approval)`, value },
  };
}

export const approvalRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${approvals}/filterByCurrentUser(on={on})`,
    permissions: permissions.approvalsWrite,
    handler: approvalsToDecide,
  },
  { method: 'GET', template: `${approvals}/{id}`, permissions: permissions.approvalsRead, handler: getApproval },
  {
    method: 'GET',
    template: `${approvals}/{id}/stages`,
    permissions: permissions.approvalsRead,
    handler: (call) => {
      call.query({});
      const { request, view } = readableApproval(call);
      return {
        status: 200,
        body: {
          '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#${context}('${request.id}')/stages`,
          value: view.stages.map((s) => stageJson(call, request, s)),
        },
      };
    },
  },
  {
    method: 'GET',
    template: `${approvals}/{id}/stages/{stageId}`,
    permissions: permissions.approvalsRead,
    handler: (call) => {
      call.query({});
      const { request, view } = readableApproval(call);
      const stage = requireStage(call, view.stages);
      return {
        status: 200,
        body: {
          '@odata.context': `${graphBaseUrl(call.ctx)}/$metadata#${context}('${request.id}')/stages/$entity`,
          ...stageJson(call, request, stage),
        },
      };
    },
  },
  {
    method: 'PATCH',
    template: `${approvals}/{id}/stages/{stageId}`,
    permissions: permissions.approvalsWrite,
    handler: decideStage,
  },
];
