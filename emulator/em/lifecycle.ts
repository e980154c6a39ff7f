// Assignment requests and assignments as pure functions of their stored timestamps and the emulator clock:
//
//   request  submitted ─(deliveringAt)→ delivering ─(completesAt)→ delivered | deliveryFailed | partiallyDelivered
//            (denied skips delivering; `stuck` never completes)
//            or, when the policy requires approval: pendingApproval ─(every stage approved)→ delivering → …,
//            or ─(a stage denied, or not decided in time)→ denied (see approval.ts)
//   assignment  delivering ─(deliveredAt)→ delivered | partiallyDelivered ─(removedAt | expiresAt)→ expired
//
// Nothing is scheduled: whoever reads computes the state for "now", so a persisted in-flight request finishes
// after a restart and advancing the clock finishes it at once.

import type { AssignmentRecord, AssignmentRequestRecord, ExpirationSnapshot } from '../store/state.js';
import { approvalView } from './approval.js';
import { parseDuration } from './durations.js';

type RequestState =
  | 'submitted'
  | 'pendingApproval'
  | 'delivering'
  | 'delivered'
  | 'deliveryFailed'
  | 'denied'
  | 'canceled'
  | 'partiallyDelivered';
type AssignmentState = 'delivering' | 'delivered' | 'expired' | 'deliveryFailed' | 'partiallyDelivered';

export interface RequestView {
  state: RequestState;
  status: string;
  completedAt: number | null;
}

export interface AssignmentView {
  state: AssignmentState;
  status: string;
  expiredAt: number | null;
}

const dayMs = 24 * 60 * 60 * 1000;

export function requestView(request: AssignmentRequestRecord, now: number): RequestView {
  if (request.canceled) return { state: 'canceled', status: 'Canceled', completedAt: request.completesAt };
  if (request.deliveringAt === null || request.completesAt === null) {
    const approval = request.approval && approvalView(request.approval, request.createdAt, now);
    // A stage left undecided is "automatically denied"; the process docs call it Expired.
    if (approval?.outcome === 'denied') return { state: 'denied', status: 'Denied', completedAt: approval.endedAt };
    if (approval?.outcome === 'expired') return { state: 'denied', status: 'Expired', completedAt: approval.endedAt };
    if (approval?.current?.escalated)
      return { state: 'pendingApproval', status: 'PendingApprovalEscalated', completedAt: null };
    return { state: 'pendingApproval', status: 'PendingApproval', completedAt: null };
  }
  if (request.outcome === 'denied') {
    return now < request.completesAt
      ? { state: 'submitted', status: 'Accepted', completedAt: null }
      : { state: 'denied', status: 'Denied', completedAt: request.completesAt };
  }
  if (now < request.deliveringAt) return { state: 'submitted', status: 'Accepted', completedAt: null };
  if (now < request.completesAt || request.outcome === 'stuck')
    return { state: 'delivering', status: 'Delivering', completedAt: null };
  switch (request.outcome) {
    case 'deliveryFailed':
      return { state: 'deliveryFailed', status: 'DeliveryFailed', completedAt: request.completesAt };
    case 'partiallyDelivered':
      return { state: 'partiallyDelivered', status: 'PartiallyDelivered', completedAt: request.completesAt };
    default:
      return { state: 'delivered', status: 'Delivered', completedAt: request.completesAt };
  }
}

export function isOpenRequest(request: AssignmentRequestRecord, now: number): boolean {
  const { state } = requestView(request, now);
  return state === 'submitted' || state === 'pendingApproval' || state === 'delivering';
}

/** Undefined while the add request has not started delivering: the assignment does not exist yet. */
export function assignmentView(assignment: AssignmentRecord, now: number): AssignmentView | undefined {
  if (now < assignment.deliveringAt) return undefined;
  if (now < assignment.deliveredAt || assignment.outcome === 'stuck')
    return { state: 'delivering', status: 'Delivering', expiredAt: null };
  if (assignment.outcome === 'deliveryFailed')
    return { state: 'deliveryFailed', status: 'DeliveryFailed', expiredAt: null };
  // A partially delivered assignment holds what was delivered until it is removed or expires, like a delivered one.
  const removedAt = assignment.removedAt;
  const expiresAt = assignment.expiresAt;
  if (removedAt !== undefined && now >= removedAt && (expiresAt === null || removedAt <= expiresAt)) {
    return { state: 'expired', status: 'Expired', expiredAt: removedAt };
  }
  if (expiresAt !== null && now >= expiresAt)
    return { state: 'expired', status: 'ExpiredNotificationTriggered', expiredAt: expiresAt };
  if (assignment.outcome === 'partiallyDelivered')
    return { state: 'partiallyDelivered', status: 'PartiallyDelivered', expiredAt: null };
  if (expiresAt !== null && expiresAt - now <= dayMs)
    return { state: 'delivered', status: 'NearExpiry1DayNotificationTriggered', expiredAt: null };
  return { state: 'delivered', status: 'Delivered', expiredAt: null };
}

/** Delivered as a whole (see em/delivery.ts for the roles of each kind of resource). */
export function grantsAccess(assignment: AssignmentRecord, now: number): boolean {
  return assignmentView(assignment, now)?.state === 'delivered';
}

/** Counts against deleting its package or policy: anything that is not over. */
export function blocksDeletion(assignment: AssignmentRecord, now: number): boolean {
  const state = assignmentView(assignment, now)?.state;
  return state === 'delivering' || state === 'delivered' || state === 'partiallyDelivered';
}

export function expiryTime(expiration: ExpirationSnapshot, start: number): number | null {
  if (expiration.type === 'afterDateTime') return expiration.endAt;
  if (expiration.type === 'afterDuration' && expiration.duration)
    return start + (parseDuration(expiration.duration) ?? 0);
  return null;
}
