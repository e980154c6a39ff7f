// Assignment requests (list, get, cancel, filterByCurrentUser; create is in request-create.ts) and assignments (list,
// get). Users acting for themselves see only their own requests and assignments, and the requests they may approve
// now. DELETE on an assignment answers 404, as the service does: assignments end only through adminRemove /
// userRemove requests or expiry.

import { decidesNow } from '../../em/approvers.js';
import { assignmentView, requestView } from '../../em/lifecycle.js';
import { graphErrors } from '../../errors/graph-errors.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { AssignmentRecord, AssignmentRequestRecord } from '../../store/state.js';
import { permissions } from '../permissions.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { emBase, getReply, listReply } from './em-common.js';
import { assignmentRequestType, assignmentType } from './em-types.js';
import { createAssignmentRequest } from './request-create.js';

function requestFilter(now: number): FilterSchema<AssignmentRequestRecord> {
  return {
    typeName: 'accessPackageAssignmentRequest',
    properties: {
      id: { get: (r) => r.id, ops: ['eq', 'ne'] },
      state: { get: (r) => requestView(r, now).state, ops: ['eq', 'ne'] },
      status: { get: (r) => requestView(r, now).status, ops: ['eq', 'ne'] },
      requesttype: { get: (r) => r.requestType, ops: ['eq', 'ne'] },
      'accesspackage/id': { get: (r) => r.accessPackageId, ops: ['eq'] },
      'assignment/id': { get: (r) => r.assignmentId, ops: ['eq'] },
      'requestor/objectid': { get: (r) => r.requestor.objectId, ops: ['eq'] },
    },
  };
}

function assignmentFilter(now: number): FilterSchema<AssignmentRecord> {
  return {
    typeName: 'accessPackageAssignment',
    properties: {
      id: { get: (a) => a.id, ops: ['eq', 'ne'] },
      state: { get: (a) => assignmentView(a, now)?.state, ops: ['eq', 'ne'] },
      status: { get: (a) => assignmentView(a, now)?.status, ops: ['eq', 'ne'] },
      'accesspackage/id': { get: (a) => a.accessPackageId, ops: ['eq'] },
      'assignmentpolicy/id': { get: (a) => a.policyId, ops: ['eq'] },
      'target/objectid': { get: (a) => a.targetUserId, ops: ['eq'] },
      'target/id': { get: (a) => a.target.id, ops: ['eq'] },
      'accesspackage/catalog/id': { get: (a) => a.catalogId, ops: ['eq'] },
    },
  };
}

/**
 * Delegated callers are ordinary users (no entitlement-management role), whatever their scopes: they see requests they
 * made or that target them.
 */
const mine = (call: GraphCall, targetUserId: string, requestorId?: string) =>
  call.caller.kind === 'app' || targetUserId === call.caller.objectId || requestorId === call.caller.objectId;

function visibleRequests(call: GraphCall): AssignmentRequestRecord[] {
  const state = call.ctx.store.state;
  return state.assignmentRequests.filter(
    (r) => mine(call, r.targetUserId, r.requestor.objectId) || decidesNow(state, r, call.caller.objectId, call.now),
  );
}

function visibleAssignments(call: GraphCall): AssignmentRecord[] {
  return call.ctx.store.state.assignments.filter(
    (a) => assignmentView(a, call.now) !== undefined && mine(call, a.targetUserId),
  );
}

function requireRequest(call: GraphCall): AssignmentRequestRecord {
  const id = call.params.id!.toLowerCase();
  const request = visibleRequests(call).find((r) => r.id === id);
  if (!request) throw graphErrors.emNotFound('assignment request', call.params.id!);
  return request;
}

/**
 * POST …/{id}/cancel, delegated only. A user cancels their own request (EntitlementMgmt-SubjectAccess.ReadWrite);
 * another's needs EntitlementManagement.ReadWrite.All and an Access package assignment manager role, which emulator
 * users never hold. Only a request still submitted (Accepted) or pending approval can be canceled.
 */
function cancelRequest(call: GraphCall) {
  const id = call.params.id!.toLowerCase();
  const request = call.ctx.store.state.assignmentRequests.find((r) => r.id === id);
  if (!request) throw graphErrors.emNotFound('assignment request', call.params.id!);
  if (request.requestor.objectId !== call.caller.objectId) throw graphErrors.insufficientPrivileges();
  const { state } = requestView(request, call.now);
  if (state !== 'submitted' && state !== 'pendingApproval') throw graphErrors.requestNotCancelable(request.id);
  call.ctx.store.mutate((s) => {
    const stored = s.assignmentRequests.find((r) => r.id === request.id)!;
    stored.outcome = 'denied';
    stored.deliveringAt = call.now;
    stored.completesAt = call.now;
    stored.canceled = true;
    s.assignments = s.assignments.filter((a) => a.addRequestId !== request.id);
    if (stored.requestType.endsWith('Remove')) {
      const assignment = s.assignments.find((a) => a.id === stored.assignmentId);
      if (assignment) {
        delete assignment.removedAt;
        delete assignment.removals;
      }
    }
  });
  return { status: 200 };
}

/** The `on` options of assignmentRequests/filterByCurrentUser the emulator answers. */
const currentUserFilters: Record<string, (call: GraphCall, r: AssignmentRequestRecord) => boolean> = {
  target: (call, r) => r.targetUserId === call.caller.objectId,
  createdby: (call, r) => r.requestor.objectId === call.caller.objectId,
  approver: (call, r) => decidesNow(call.ctx.store.state, r, call.caller.objectId, call.now),
  targetorrequestor: (call, r) =>
    r.targetUserId === call.caller.objectId || r.requestor.objectId === call.caller.objectId,
};

function requestsOfCurrentUser(call: GraphCall) {
  const on = call.params.on!;
  const matches = currentUserFilters[on.toLowerCase()];
  if (!matches)
    throw graphErrors.invalidFunctionParameter('on', on, 'accessPackageAssignmentRequestFilterByCurrentUserOptions');
  const requests = call.ctx.store.state.assignmentRequests.filter((r) => matches(call, r));
  return listReply(call, 'assignmentRequests', assignmentRequestType, requests, requestFilter(call.now));
}

export const assignmentRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${emBase}/assignmentRequests`,
    permissions: permissions.emSubjectRead,
    handler: (call) =>
      listReply(call, 'assignmentRequests', assignmentRequestType, visibleRequests(call), requestFilter(call.now)),
  },
  {
    method: 'POST',
    template: `${emBase}/assignmentRequests`,
    permissions: permissions.emSubjectAccess,
    handler: createAssignmentRequest,
  },
  {
    method: 'GET',
    template: `${emBase}/assignmentRequests/{id}`,
    permissions: permissions.emSubjectRead,
    handler: (call) => getReply(call, 'assignmentRequests', assignmentRequestType, requireRequest(call)),
  },
  {
    method: 'GET',
    template: `${emBase}/assignmentRequests/filterByCurrentUser(on={on})`,
    permissions: permissions.requestsOfCurrentUser,
    handler: requestsOfCurrentUser,
  },
  {
    method: 'POST',
    template: `${emBase}/assignmentRequests/{id}/cancel`,
    permissions: permissions.emCancel,
    handler: cancelRequest,
  },
  {
    method: 'GET',
    template: `${emBase}/assignments`,
    permissions: permissions.emSubjectRead,
    handler: (call) =>
      listReply(call, 'assignments', assignmentType, visibleAssignments(call), assignmentFilter(call.now)),
  },
  {
    method: 'GET',
    template: `${emBase}/assignments/{id}`,
    permissions: permissions.emSubjectRead,
    handler: (call) => {
      const assignment = visibleAssignments(call).find((a) => a.id === call.params.id!.toLowerCase());
      if (!assignment) throw graphErrors.emNotFound('assignment', call.params.id!);
      return getReply(call, 'assignments', assignmentType, assignment);
    },
  },
  {
    method: 'DELETE',
    template: `${emBase}/assignments/{id}`,
    permissions: permissions.emWrite,
    handler: () => {
      throw graphErrors.assignmentDeleteNotFound();
    },
  },
];
