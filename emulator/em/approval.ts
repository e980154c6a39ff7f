// An assignment request's approval as a pure function of its stored decisions and the emulator clock:
//
//   stage 1 starts when the request is made; stage n when stage n − 1 is approved.
//   A stage is InProgress until an approver decides (Completed: Approved | Denied) or its
//   durationBeforeAutomaticDenial passes (Expired, and the request is denied). With escalation enabled, from
//   durationBeforeEscalation on the escalation approvers may decide too (the primary ones still can).
//   Any denial ends the approval; the last stage's approval starts delivery.
//
// Only the stages reached so far are listed (decided ones and the one in progress): later stages have no status in
// Graph's approvalStage vocabulary (InProgress, Initializing, Completed, Expired). A canceled request's open stage
// ends Completed without a review.

import type { ApprovalRecord, ApprovalStageRecord } from '../store/state.js';
import { parseDuration } from './durations.js';

type StageStatus = 'InProgress' | 'Completed' | 'Expired';

export interface StageView {
  record: ApprovalStageRecord;
  startedAt: number;
  /** Denied automatically at this time unless decided before. */
  expiresAt: number;
  status: StageStatus;
  reviewResult: 'NotReviewed' | 'Approved' | 'Denied';
  /** Escalation approvers may decide (or could, when it was decided). */
  escalated: boolean;
}

export interface ApprovalView {
  stages: StageView[];
  outcome: 'pending' | 'approved' | 'denied' | 'expired' | 'canceled';
  /** When the approval ended (last decision, automatic denial or cancellation); null while pending. */
  endedAt: number | null;
  /** The stage in progress, while pending. */
  current: StageView | undefined;
}

const durationMs = (value: unknown) => (typeof value === 'string' ? (parseDuration(value) ?? 0) : 0);

function escalatesAt(record: ApprovalStageRecord, startedAt: number): number | undefined {
  return record.settings.isEscalationEnabled === true
    ? startedAt + durationMs(record.settings.durationBeforeEscalation)
    : undefined;
}

/** `canceledAt`: when the request was canceled, if it was. */
export function approvalView(
  approval: ApprovalRecord,
  createdAt: number,
  now: number,
  canceledAt?: number,
): ApprovalView {
  const stages: StageView[] = [];
  let startedAt = createdAt;
  for (const record of approval.stages) {
    const expiresAt = startedAt + durationMs(record.settings.durationBeforeAutomaticDenial);
    const escalation = escalatesAt(record, startedAt);
    const decision = record.decision;
    if (decision) {
      const escalated = escalation !== undefined && decision.at >= escalation;
      stages.push({ record, startedAt, expiresAt, status: 'Completed', reviewResult: decision.result, escalated });
      if (decision.result === 'Denied') return { stages, outcome: 'denied', endedAt: decision.at, current: undefined };
      startedAt = decision.at;
      continue;
    }
    const stopped = canceledAt !== undefined && canceledAt < expiresAt;
    const at = stopped ? canceledAt : Math.min(now, expiresAt);
    const view: StageView = {
      record,
      startedAt,
      expiresAt,
      status: stopped ? 'Completed' : now >= expiresAt ? 'Expired' : 'InProgress',
      reviewResult: 'NotReviewed',
      escalated: escalation !== undefined && at >= escalation,
    };
    stages.push(view);
    if (stopped) return { stages, outcome: 'canceled', endedAt: canceledAt, current: undefined };
    if (view.status === 'Expired') return { stages, outcome: 'expired', endedAt: expiresAt, current: undefined };
    return { stages, outcome: 'pending', endedAt: null, current: view };
  }
  return { stages, outcome: 'approved', endedAt: startedAt, current: undefined };
}
