// Starting an add request's delivery: the scripted delivery faults it takes, each kind of resource's timeline, and
// the assignment it creates (none when a whole-request fault denies it). An add request starts delivery when it is
// made, or — when its policy requires approval — when its last approval stage is approved; then it is delivering
// at once.

import { randomUUID } from 'node:crypto';
import { packageKinds, planDelivery, takeDeliveryFaults } from '../../em/delivery.js';
import { expiryTime } from '../../em/lifecycle.js';
import type {
  AssignmentRecord,
  AssignmentRequestRecord,
  DeliveryOutcome,
  OriginSystem,
  SubjectSnapshot,
  UserRecord,
} from '../../store/state.js';
import type { GraphCall } from '../route.js';
import { subjectIdFor } from './em-types.js';

export function userSubject(user: UserRecord): SubjectSnapshot {
  return {
    id: subjectIdFor(user.id),
    objectId: user.id,
    subjectType: 'user',
    displayName: user.displayName,
    principalName: user.userPrincipalName,
    email: (user.extra.mail as string | undefined) ?? null,
  };
}

/** Takes the scripted delivery faults that apply to this request (see /_emulator/delivery-faults). */
export function takeFaults(call: GraphCall, requestType: string, kinds: readonly OriginSystem[]) {
  const rules = call.ctx.store.state.deliveryFaults;
  const taken = takeDeliveryFaults(rules, requestType, kinds);
  if (JSON.stringify(taken.remaining) !== JSON.stringify(rules))
    call.ctx.store.mutate((s) => (s.deliveryFaults = taken.remaining));
  return taken;
}

export interface DeliveryStart {
  /** The request's fields from now on. */
  timeline: Pick<AssignmentRequestRecord, 'deliveringAt' | 'completesAt' | 'outcome' | 'assignmentId'>;
  assignment: AssignmentRecord | undefined;
}

/** Plans the delivery of an add request (not stored: the caller stores both parts in one mutation). */
export function startDelivery(
  call: GraphCall,
  request: Pick<AssignmentRequestRecord, 'id' | 'requestType' | 'accessPackageId' | 'policyId' | 'expiration'>,
  target: UserRecord,
  catalogId: string,
  options: { deliveringNow: boolean },
): DeliveryStart {
  const kinds = packageKinds(call.ctx.store.state, request.accessPackageId);
  const faults = takeFaults(call, request.requestType, kinds);
  const plan = planDelivery(call.now, kinds, call.ctx.config, faults.outcome, faults.kindFaults);
  const deliveringAt = options.deliveringNow ? call.now : plan.deliveringAt;
  const outcome: DeliveryOutcome = plan.outcome;
  const assignmentId = outcome === 'denied' ? null : randomUUID();
  const timeline = { deliveringAt, completesAt: plan.completesAt, outcome, assignmentId };
  if (assignmentId === null) return { timeline, assignment: undefined };
  return {
    timeline,
    assignment: {
      id: assignmentId,
      createdAt: call.now,
      visibleAt: deliveringAt,
      accessPackageId: request.accessPackageId,
      policyId: request.policyId,
      catalogId,
      targetUserId: target.id,
      target: userSubject(target),
      addRequestId: request.id,
      deliveringAt,
      deliveredAt: plan.completesAt,
      outcome,
      scheduleStart: call.now,
      expiresAt: expiryTime(request.expiration, call.now),
      expiration: request.expiration,
      deliveries: plan.deliveries,
    },
  };
}
