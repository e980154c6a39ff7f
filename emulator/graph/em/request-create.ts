// POST assignmentRequests. Who may ask for what:
//   adminAdd / adminRemove — an app (or admin) with EntitlementManagement.ReadWrite.All; a user token gets 403;
//   userAdd / userRemove  — only the target user themself (delegated token), and only when the policy lets targets
//                            add/remove their own access and the user is among its allowed targets.
// The request is answered `submitted` / `Accepted`; delivery then runs on the emulator clock, each kind of resource
// in the package on its own delay (see em/delivery.ts and em/lifecycle.ts).

import { randomUUID } from 'node:crypto';
import { packageKinds, planDelivery, planRemoval, takeDeliveryFaults } from '../../em/delivery.js';
import { expiryTime, isOpenRequest, assignmentView, blocksDeletion, requestView } from '../../em/lifecycle.js';
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

function userSubject(user: UserRecord): SubjectSnapshot {
  return {
    id: subjectIdFor(user.id),
    objectId: user.id,
    subjectType: 'user',
    displayName: user.displayName,
    principalName: user.userPrincipalName,
    email: (user.extra.mail as string | undefined) ?? null,
  };
}

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

/** Takes the scripted delivery faults that apply to this request (see /_emulator/delivery-faults). */
function takeFaults(call: GraphCall, requestType: SupportedType, kinds: readonly OriginSystem[]) {
  const rules = call.ctx.store.state.deliveryFaults;
  const taken = takeDeliveryFaults(rules, requestType, kinds);
  if (JSON.stringify(taken.remaining) !== JSON.stringify(rules))
    call.ctx.store.mutate((s) => (s.deliveryFaults = taken.remaining));
  return taken;
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

function targetAllowed(call: GraphCall, policy: PolicyRecord, userId: string): boolean {
  switch (policy.body.allowedTargetScope) {
    case 'allMemberUsers':
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
      !targetAllowed(call, policy, target.id))
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

  const approval = policy.body.requestApprovalSettings as Record<string, unknown>;
  const needsApproval = type === 'userAdd' && approval.isApprovalRequiredForAdd === true;
  const kinds = packageKinds(state, pkg.id);
  const faults = needsApproval ? undefined : takeFaults(call, type, kinds);
  const plan = faults && planDelivery(call.now, kinds, call.ctx.config, faults.outcome, faults.kindFaults);
  const outcome = plan?.outcome ?? 'delivered';
  const deliveringAt = plan?.deliveringAt ?? null;
  const completesAt = plan?.completesAt ?? null;
  const expiration = expirationOf(policy);
  const requestId = randomUUID();
  const assignmentId = needsApproval || outcome === 'denied' ? null : randomUUID();
  const request: AssignmentRequestRecord = {
    id: requestId,
    createdAt: call.now,
    visibleAt: call.now,
    requestType: type,
    accessPackageId: pkg.id,
    policyId: policy.id,
    assignmentId,
    targetUserId: target.id,
    requestor: callerSubject(call),
    justification,
    deliveringAt,
    completesAt,
    outcome,
    scheduleStart: call.now,
    expiration,
  };
  const assignment: AssignmentRecord | undefined =
    assignmentId === null || plan === undefined || deliveringAt === null || completesAt === null
      ? undefined
      : {
          id: assignmentId,
          createdAt: call.now,
          visibleAt: deliveringAt,
          accessPackageId: pkg.id,
          policyId: policy.id,
          catalogId: pkg.catalogId,
          targetUserId: target.id,
          target: userSubject(target),
          addRequestId: requestId,
          deliveringAt,
          deliveredAt: completesAt,
          outcome,
          scheduleStart: call.now,
          expiresAt: expiryTime(expiration, call.now),
          expiration,
          deliveries: plan.deliveries,
        };
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
