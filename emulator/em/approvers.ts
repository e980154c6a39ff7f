// Who may decide an approval stage, resolved from the directory as it is now (a group's members, a user's manager):
//   the primary approvers — or, when they resolve to nobody (no manager, an empty group, sponsors the emulator does
//   not model), the fallback primary approvers;
//   once the stage has escalated, also the escalation approvers (or their fallbacks).
// The request's requestor and target are never approvers of it: approvers can't approve their own requests.

import type { AssignmentRequestRecord, EmulatorState, UserRecord } from '../store/state.js';
import { isVisible } from '../store/state.js';
import { approvalView, type ApprovalView, type StageView } from './approval.js';
import { groupMemberIds } from './membership.js';

/** The user's manager, if it is a live user. */
export function managerOf(state: EmulatorState, userId: string, now: number): UserRecord | undefined {
  const managerId = state.users.find((u) => u.id === userId)?.managerId;
  return managerId === undefined ? undefined : state.users.find((u) => u.id === managerId && isVisible(u, now));
}

type SubjectSet = Record<string, unknown>;

function resolve(state: EmulatorState, request: AssignmentRequestRecord, sets: unknown, now: number): Set<string> {
  const ids = new Set<string>();
  for (const set of Array.isArray(sets) ? (sets as SubjectSet[]) : []) {
    switch (set['@odata.type']) {
      case '#microsoft.graph.singleUser': {
        const user = state.users.find((u) => u.id === set.userId && isVisible(u, now));
        if (user?.accountEnabled) ids.add(user.id);
        break;
      }
      case '#microsoft.graph.groupMembers':
        for (const id of groupMemberIds(state, set.groupId as string, now)) ids.add(id);
        break;
      case '#microsoft.graph.requestorManager': {
        let manager: UserRecord | undefined = managerOf(state, request.requestor.objectId, now);
        for (let level = 1; manager && level < ((set.managerLevel as number | undefined) ?? 1); level++)
          manager = managerOf(state, manager.id, now);
        if (manager?.accountEnabled) ids.add(manager.id);
        break;
      }
      default:
      // internalSponsors, externalSponsors, targetUserSponsors: the emulator models no sponsors.
    }
  }
  ids.delete(request.requestor.objectId);
  ids.delete(request.targetUserId);
  return ids;
}

export function stageApprovers(
  state: EmulatorState,
  request: AssignmentRequestRecord,
  stage: StageView,
  now: number,
): Set<string> {
  const settings = stage.record.settings;
  const either = (primary: unknown, fallback: unknown) => {
    const ids = resolve(state, request, primary, now);
    return ids.size > 0 ? ids : resolve(state, request, fallback, now);
  };
  const approvers = either(settings.primaryApprovers, settings.fallbackPrimaryApprovers);
  if (stage.escalated)
    for (const id of either(settings.escalationApprovers, settings.fallbackEscalationApprovers)) approvers.add(id);
  return approvers;
}

/** The request's approval as of now (a canceled request's stops when it was canceled). */
export function approvalOf(request: AssignmentRequestRecord, now: number): ApprovalView | undefined {
  if (!request.approval) return undefined;
  return approvalView(
    request.approval,
    request.createdAt,
    now,
    request.canceled ? (request.completesAt ?? now) : undefined,
  );
}

/** Whether the user may decide the request's stage in progress right now. */
export function decidesNow(
  state: EmulatorState,
  request: AssignmentRequestRecord,
  userId: string,
  now: number,
): boolean {
  const current = approvalOf(request, now)?.current;
  return current !== undefined && stageApprovers(state, request, current, now).has(userId);
}
