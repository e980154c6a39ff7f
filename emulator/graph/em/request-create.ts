// POST assignmentRequests. Who may ask for what:
//   adminAdd / adminRemove — an app (or admin) with EntitlementManagement.ReadWrite.All; a user token gets 403;
//   userAdd / userRemove  — only the target user themself (delegated token), and only when the policy lets targets
//                            add/remove their own access and the user is among its allowed targets.
// The request is answered `submitted` / `Accepted`; delivery then runs on the emulator clock, each kind of resource
// in the package on its own delay (see em/delivery.ts and em/lifecycle.ts). An add on a policy that requires
// approval is answered `pendingApproval` instead and delivers once every stage is approved (approvals.ts).

import { randomUUID } from 'node:crypto';
import { packageKinds, planRemoval } from '../../em/delivery.js';
import { isOpenRequest, assignmentView, blocksDeletion, requestView } from '../../em/lifecycle.js';
import { groupMemberIds } from '../../em/membership.js';
import { graphErrors } from '../../errors/graph-errors.js';
import { identityDefaults } from '../../options.js';
import {
  isVisible,
  type AssignmentRecord,
  type AssignmentRequestRecord,
  type ExpirationSnapshot,
  type OriginSystem,
  type PolicyRecord,
  type SubjectSnapshot,
  type UserRecord,
} from '../../store/state.js';
import { isPlainObject } from '../body.js';
import type { GraphCall } from '../route.js';
import { requirePackage } from './access-packages.js';
import { checkEmBody, createdReply } from './em-common.js';
import { assignmentRequestType, subjectIdFor } from './em-types.js';
import { requirePolicy } from './policies.js';
import { startDelivery, takeFaults, userSubject } from './request-delivery.js';

const requestTypes = [
  'notSpecified',
  'userAdd',
  'userUpdate',
  'userRemove',
  'adminAdd',
  'adminUpdate',
  'adminRemove',
  'systemAdd',
  'systemUpdate',
  'systemRemove',
  'onBehalfAdd',
  'unknownFutureValue',
];
const assignmentFields = [
  'id',
  'targetId',
  'assignmentPolicyId',
  'accessPackageId',
  'target',
  'schedule',
  '@odata.type',
];

type SupportedType = AssignmentRequestRecord['requestType'];

function callerSubject(call: GraphCall): SubjectSnapshot {
  if (call.caller.kind === 'user') {
    const user = call.ctx.store.state.users.find((u) => u.id === call.caller.objectId);
    if (user) return userSubject(user);
  }
  return {
    id: subjectIdFor(call.caller.objectId),
    objectId: call.caller.objectId,
    subjectType: 'servicePrincipal',
    displayName: identityDefaults.appDisplayName,
    principalName: null,
    email: null,
  };
}

function expirationOf(policy: PolicyRecord): ExpirationSnapshot {
  const expiration = policy.body.expiration as {
    type: ExpirationSnapshot['type'];
    duration: string | null;
    endDateTime: string | null;
  };
  return {
    type: expiration.type,
    duration: expiration.duration,
    endAt: expiration.endDateTime ? Date.parse(expiration.endDateTime) : null,
  };
}

/**
 * The approval stages a new add request goes through: the policy's, when it requires approval for adds — for userAdd,
 * and for adminAdd only while adminAddSkipsApproval is off (in practice adminAdd is delivered without approval).
 */
function approvalStages(call: GraphCall, policy: PolicyRecord, type: SupportedType): Record<string, unknown>[] {
  const settings = policy.body.requestApprovalSettings as { isApprovalRequiredForAdd?: boolean; stages?: unknown };
  if (settings.isApprovalRequiredForAdd !== true || !Array.isArray(settings.stages)) return [];
  if (type === 'adminAdd' && call.ctx.config.adminAddSkipsApproval) return [];
  return settings.stages as Record<string, unknown>[];
}

function targetAllowed(call: GraphCall, policy: PolicyRecord, user: UserRecord): boolean {
  const userId = user.id;
  switch (policy.body.allowedTargetScope) {
    case 'allMemberUsers':
      return (user.extra.userType ?? 'Member') !== 'Guest';
    case 'allDirectoryUsers':
      return true;
    case 'specificDirectoryUsers':
      return (policy.body.specificAllowedTargets as Record<string, unknown>[]).some((t) =>
        t['@odata.type'] === '#microsoft.graph.singleUser'
          ? t.userId === userId
          : t['@odata.type'] === '#microsoft.graph.groupMembers' &&
            groupMemberIds(call.ctx.store.state, t.groupId as string, call.now).includes(userId),
      );
    default:
      return false;
  }
}

export function createAssignmentRequest(call: GraphCall) {
  const body = checkEmBody(call.body(), 'accessPackageAssignmentRequest', {
    requestType: 'string',
    assignment: 'object',
    justification: 'string',
    schedule: 'object',
    answers: 'object[]',
    accessPackage: 'object',
  });
  const requestType = body.requestType;
  if (typeof requestType !== 'string')
    throw graphErrors.invalidModel('requestType', "The 'requestType' property is required.");
  if (!requestTypes.includes(requestType))
    throw graphErrors.invalidModel('requestType', `'${requestType}' is not a valid accessPackageRequestType.`);
  if (!['adminAdd', 'userAdd', 'adminRemove', 'userRemove'].includes(requestType)) {
    throw graphErrors.invalidModel(
      'requestType',
      `Requests of type '${requestType}' are not supported by the emulator.`,
    );
  }
  const type = requestType as SupportedType;
  const isAdmin = type.startsWith('admin');
  if (isAdmin && call.caller.kind !== 'app') throw graphErrors.insufficientPrivileges();
  if (!isAdmin && call.caller.kind !== 'user') throw graphErrors.policyRequirementsNotMet();
  const assignment = body.assignment;
  if (!isPlainObject(assignment))
    throw graphErrors.invalidModel('assignment', "The 'assignment' property is required.");
  for (const key of Object.keys(assignment))
    if (!assignmentFields.includes(key)) throw graphErrors.unknownEmProperty(key, 'accessPackageAssignment');
  if (Array.isArray(body.answers) && body.answers.length > 0)
    throw graphErrors.invalidModel('answers', 'Answers are not supported by the emulator.');
  const justification = (body.justification as string | null | undefined) ?? null;
  return type.endsWith('Add')
    ? add(call, type, assignment, justification)
    : remove(call, type, assignment, justification);
}

function idOf(value: Record<string, unknown>, property: string): string {
  const id = value[property];
  if (typeof id !== 'string' || id.trim() === '')
    throw graphErrors.invalidModel(`assignment.${property}`, `The assignment's '${property}' is required.`);
  return id.toLowerCase();
}

function add(
  call: GraphCall,
  type: SupportedType,
  assignmentBody: Record<string, unknown>,
  justification: string | null,
) {
  const targetId = idOf(assignmentBody, 'targetId');
  const policyId = idOf(assignmentBody, 'assignmentPolicyId');
  const pkg = requirePackage(call, idOf(assignmentBody, 'accessPackageId'));
  const policy = requirePolicy(call, policyId);
  if (policy.accessPackageId !== pkg.id)
    throw graphErrors.invalidModel(
      'assignment.assignmentPolicyId',
      'The assignment policy does not belong to the access package.',
    );
  const target = call.ctx.store.state.users.find((u) => u.id === targetId && isVisible(u, call.now));
  if (!target) throw graphErrors.emNotFound('subject', targetId);
  const requestorSettings = policy.body.requestorSettings as Record<string, unknown>;
  if (
    type === 'userAdd' &&
    (call.caller.objectId !== target.id ||
      requestorSettings.enableTargetsToSelfAddAccess !== true ||
      !targetAllowed(call, policy, target))
  ) {
    throw graphErrors.policyRequirementsNotMet();
  }
  const state = call.ctx.store.state;
  if (
    state.assignments.some(
      (a) => a.accessPackageId === pkg.id && a.targetUserId === target.id && blocksDeletion(a, call.now),
    )
  )
    throw graphErrors.existingAssignment();
  if (
    state.assignmentRequests.some(
      (r) =>
        r.accessPackageId === pkg.id &&
        r.targetUserId === target.id &&
        r.requestType.endsWith('Add') &&
        isOpenRequest(r, call.now),
    )
  ) {
    throw graphErrors.existingOpenRequest();
  }

  const request: AssignmentRequestRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now,
    requestType: type,
    accessPackageId: pkg.id,
    policyId: policy.id,
    assignmentId: null,
    targetUserId: target.id,
    requestor: callerSubject(call),
    justification,
    deliveringAt: null,
    completesAt: null,
    outcome: 'delivered',
    scheduleStart: call.now,
    expiration: expirationOf(policy),
  };
  let assignment: AssignmentRecord | undefined;
  const stages = approvalStages(call, policy, type);
  if (stages.length > 0) {
    request.approval = { stages: stages.map((settings) => ({ id: randomUUID(), settings })) };
  } else {
    const started = startDelivery(call, request, target, pkg.catalogId, { deliveringNow: false });
    Object.assign(request, started.timeline);
    assignment = started.assignment;
  }
  call.ctx.store.mutate((s) => {
    s.assignmentRequests.push(request);
    if (assignment) s.assignments.push(assignment);
  });
  return submittedReply(call, request);
}

function remove(
  call: GraphCall,
  type: SupportedType,
  assignmentBody: Record<string, unknown>,
  justification: string | null,
) {
  const assignmentId = idOf(assignmentBody, 'id');
  const assignment = call.ctx.store.state.assignments.find((a) => a.id === assignmentId);
  const view = assignment ? assignmentView(assignment, call.now) : undefined;
  if (!assignment || !view) throw graphErrors.emNotFound('assignment', assignmentId);
  const policy = call.ctx.store.state.policies.find((p) => p.id === assignment.policyId);
  if (type === 'userRemove') {
    const settings = policy?.body.requestorSettings as Record<string, unknown> | undefined;
    if (call.caller.objectId !== assignment.targetUserId || settings?.enableTargetsToSelfRemoveAccess !== true)
      throw graphErrors.policyRequirementsNotMet();
  }
  const previous = call.ctx.store.state.assignmentRequests.find((r) => r.id === assignment.removeRequestId);
  if (previous && isOpenRequest(previous, call.now)) throw graphErrors.existingOpenRequest();
  // Delivered and partially delivered assignments can be removed (the latter losing what was delivered).
  if (
    (view.state !== 'delivered' && view.state !== 'partiallyDelivered') ||
    (previous && requestView(previous, call.now).state === 'delivered')
  )
    throw graphErrors.invalidAssignmentState(assignment.id);

  const kinds = [
    ...new Set([
      ...packageKinds(call.ctx.store.state, assignment.accessPackageId),
      ...(Object.keys(assignment.deliveries ?? {}) as OriginSystem[]),
    ]),
  ];
  const { outcome } = takeFaults(call, type, kinds);
  const plan = planRemoval(call.now, kinds, call.ctx.config);
  const request: AssignmentRequestRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now,
    requestType: type,
    accessPackageId: assignment.accessPackageId,
    policyId: assignment.policyId,
    assignmentId: assignment.id,
    targetUserId: assignment.targetUserId,
    requestor: callerSubject(call),
    justification,
    deliveringAt: plan.deliveringAt,
    completesAt: plan.completesAt,
    outcome,
    scheduleStart: call.now,
    expiration: assignment.expiration,
  };
  call.ctx.store.mutate((s) => {
    s.assignmentRequests.push(request);
    const stored = s.assignments.find((a) => a.id === assignment.id)!;
    stored.removeRequestId = request.id;
    if (outcome === 'delivered') {
      stored.removedAt = plan.completesAt;
      stored.removals = plan.removals;
    } else {
      delete stored.removedAt;
      delete stored.removals;
    }
  });
  return submittedReply(call, request);
}

/** The create response shows the request as submitted (or awaiting approval), whatever the delivery delay. */
function submittedReply(call: GraphCall, request: AssignmentRequestRecord) {
  const reply = createdReply(call, 'assignmentRequests', assignmentRequestType, request);
  const body = reply.body as Record<string, unknown>;
  const pending = request.deliveringAt === null;
  body.state = pending ? 'pendingApproval' : 'submitted';
  body.status = pending ? 'PendingApproval' : 'Accepted';
  body.completedDateTime = null;
  return reply;
}
