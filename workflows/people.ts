// Waiting for people: the requestor's own request (AwaitingRequest) and the approvers' decisions (AwaitingApproval).
//
// People take hours or days, so the run reads Graph rarely: a minute into a wait, then twice as long after each read,
// at most every 30 minutes in the wait's first day and every hour after it (about 50 reads the first day, 24 a day
// after, far inside Graph's read budget). The hourly pace also bounds the run's history: about 11 events a read, so
// the longest wait the input allows (30 days to ask, 3 stages of 14 days) stays near 30,000 events, well inside
// Temporal's limit of 51,200 for one run. Between reads the run is a durable timer on the Temporal server, so a worker may evict it from its cache and
// replay it when it wakes; a signal from entra-saga's own commands (`request`, `approve`, `deny`, `cancel-request`)
// wakes it at once. A decision made in the portal or in My Access is seen at the next read: Graph is the source of
// truth, the signals only say "look now".

import { ApplicationFailure, condition, log } from '@temporalio/workflow';
import {
  type ApprovalDecision,
  type ApprovalSettings,
  type ApprovalStageProgress,
  approvalDefaults,
} from '../common/approvals.js';
import { FailureType } from '../common/failure-types.js';
import type { FoundRequest } from '../activities/approvals.js';
import { reads } from './activity-proxies.js';
import type { RunState } from './run-state.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const firstReadMs = MINUTE_MS;
const longestReadFirstDayMs = 30 * MINUTE_MS;
const longestReadMs = HOUR_MS;

/** The request states in which a request waits for people (Graph's `state`; `submitted` before approval starts). */
const waitingStates = new Set(['submitted', 'pendingApproval']);

/** The pause before the next read of a wait for people, after `reads` reads and `waitedMs` of waiting. */
export function peopleReadDelayMs(reads: number, waitedMs: number): number {
  return Math.min(firstReadMs * 2 ** reads, waitedMs < DAY_MS ? longestReadFirstDayMs : longestReadMs);
}

/** Lets a signal cut a wait short: the handler wakes it, the wait takes the wake-up. */
export class Waker {
  private woken = false;

  wake(): void {
    this.woken = true;
  }

  /** Sleeps until `ms` have passed or a signal woke it. */
  async sleep(ms: number): Promise<void> {
    if (ms > 0 && !this.woken) await condition(() => this.woken, ms);
    this.woken = false;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Counts reminders: every `everyMs` of a wait, the run records one (progress, worker log) for the operator's alerts. */
class Reminders {
  private next: number;

  constructor(
    private readonly state: RunState,
    private readonly everyMs: number,
    startMs: number,
  ) {
    this.next = startMs + everyMs;
  }

  get dueAtMs(): number {
    return this.next;
  }

  /** Records the reminders that fell due, naming what the run waits for. */
  record(waitingFor: string): void {
    while (Date.now() >= this.next) {
      this.next += this.everyMs;
      this.state.updateApproval((a) => (a.reminders += 1));
      log.warn(`reminder: ${this.state.progress.workflowId} waits for ${waitingFor}`, {
        workflowId: this.state.progress.workflowId,
        reminders: this.state.progress.approval?.reminders,
      });
    }
  }
}

/**
 * Waits for the requestor's own request for the package (userAdd, made with `entra-saga request` or in My Access),
 * reading Graph on the people schedule, until `timeoutHours` have passed: then RequestNotMade ends the run.
 */
export async function awaitRequestorsRequest(input: {
  state: RunState;
  waker: Waker;
  accessPackageId: string;
  targetId: string;
  requestorUpn: string;
  timeoutHours: number;
  remindEveryHours: number;
  /** Requests older than this are an earlier run's. */
  since: string;
}): Promise<FoundRequest> {
  const { state, waker } = input;
  const startMs = Date.now();
  const deadlineMs = startMs + input.timeoutHours * HOUR_MS;
  state.setStage('AwaitingRequest');
  state.setAwaitingSince(new Date(startMs));
  state.updateApproval((a) => {
    a.requestAwaitedSince = iso(startMs);
    a.requestDeadline = iso(deadlineMs);
  });
  const reminders = new Reminders(state, input.remindEveryHours * HOUR_MS, startMs);
  try {
    return await waitForRequest();
  } finally {
    state.setAwaitingSince(undefined);
  }

  async function waitForRequest(): Promise<FoundRequest> {
    for (let read = 0; ; read += 1) {
      const { request } = await reads.findRequestorRequest.executeWithOptions(
        { summary: `look for ${input.requestorUpn}'s request` },
        [{ accessPackageId: input.accessPackageId, targetId: input.targetId, since: input.since }],
      );
      if (request) return request;
      if (Date.now() >= deadlineMs) {
        throw ApplicationFailure.create({
          type: FailureType.RequestNotMade,
          nonRetryable: true,
          message: `${input.requestorUpn} did not ask for the package within ${input.timeoutHours} h (by ${iso(deadlineMs)})`,
        });
      }
      reminders.record(`${input.requestorUpn} to ask for the package (deadline ${iso(deadlineMs)})`);
      const nextRead = Date.now() + peopleReadDelayMs(read, Date.now() - startMs);
      await waker.sleep(Math.min(nextRead, deadlineMs, reminders.dueAtMs) - Date.now());
    }
  }
}

/** The stage waiting now, 1-based: the one after the last approval the run was told of. */
function currentStage(stages: readonly ApprovalStageProgress[]): number {
  const approved = stages.filter((s) => s.decision?.reviewResult === 'Approve').length;
  return Math.min(approved + 1, stages.length);
}

/**
 * Shows when the current stage escalates and is denied automatically, counted from when it began: the request's
 * arrival for stage 1, the previous stage's approval for the next.
 */
function scheduleStage(state: RunState, settings: ApprovalSettings, approvalSinceMs: number): void {
  state.updateApproval((a) => {
    const index = currentStage(a.stages) - 1;
    const previous = a.stages[index - 1]?.decision;
    const startMs = index === 0 ? approvalSinceMs : previous ? Date.parse(previous.at) : undefined;
    const spec = settings.stages[index];
    const stage = a.stages[index];
    a.currentStage = index + 1;
    if (startMs === undefined || !spec || !stage) return;
    if (spec.escalateAfterDays !== undefined) stage.escalatesAt = iso(startMs + spec.escalateAfterDays * DAY_MS);
    stage.deniesAt = iso(startMs + (spec.denyAfterDays ?? approvalDefaults.denyAfterDays) * DAY_MS);
  });
}

/** Records an approver's decision (from `entra-saga approve|deny`, after Graph accepted it). */
export function recordDecision(state: RunState, decision: ApprovalDecision): void {
  state.updateApproval((a) => {
    const stage = a.stages[decision.stage - 1];
    if (stage && !stage.decision) stage.decision = decision;
  });
}

/**
 * Follows a request while it waits for approval, on the people schedule, until it leaves `pendingApproval`: returns
 * its state then (delivering, delivered, …). A denial — by an approver, or by Entra once a stage waited its time —
 * ends the run (ApprovalDenied), as does a cancellation (RequestCanceled).
 */
export async function awaitApproval(input: {
  state: RunState;
  waker: Waker;
  requestId: string;
  requestState: string;
  /** When the request began waiting (its creation), for the stages' deadlines. */
  sinceMs: number;
  settings: ApprovalSettings;
}): Promise<string> {
  const { state, waker, settings } = input;
  state.setStage('AwaitingApproval');
  state.setAwaitingSince(new Date(input.sinceMs));
  state.updateApproval((a) => (a.approvalSince = iso(input.sinceMs)));
  scheduleStage(state, settings, input.sinceMs);
  // Entra denies a stage that waited its time; a day past the last stage's, the run stops waiting for it.
  const totalDays = settings.stages.reduce((days, s) => days + (s.denyAfterDays ?? approvalDefaults.denyAfterDays), 0);
  const deadlineMs = input.sinceMs + (totalDays + 1) * DAY_MS;
  const reminders = new Reminders(
    state,
    (settings.remindEveryHours ?? approvalDefaults.remindEveryHours) * HOUR_MS,
    Date.now(),
  );
  let current = input.requestState;
  try {
    for (let read = 0; waitingStates.has(current); read += 1) {
      const waitingFor = () => {
        const stage = state.progress.approval?.stages[(state.progress.approval.currentStage ?? 1) - 1];
        return `approval stage ${state.progress.approval?.currentStage} (${stage?.approvers.join(', ')})`;
      };
      if (Date.now() >= deadlineMs) {
        throw ApplicationFailure.create({
          type: FailureType.ApprovalDenied,
          nonRetryable: true,
          message: `the request ${input.requestId} was still ${current} a day after its last stage was due to be denied automatically`,
        });
      }
      reminders.record(waitingFor());
      const escalation = nextEscalationMs(state);
      const nextRead = Date.now() + peopleReadDelayMs(read, Date.now() - input.sinceMs);
      await waker.sleep(Math.min(nextRead, deadlineMs, reminders.dueAtMs, escalation ?? Infinity) - Date.now());
      noteEscalation(state);
      scheduleStage(state, settings, input.sinceMs);
      ({ state: current } = await reads.getRequestState.executeWithOptions(
        { summary: `read the request ${input.requestId} (${current})` },
        [{ requestId: input.requestId }],
      ));
      state.setRequestState(current);
    }
  } finally {
    state.setAwaitingSince(undefined);
  }
  if (current === 'denied') throw denial(state, input.requestId);
  if (current === 'canceled') {
    throw ApplicationFailure.create({
      type: FailureType.RequestCanceled,
      nonRetryable: true,
      message: `the request ${input.requestId} was cancelled while it waited for approval`,
    });
  }
  return current;
}

/** The escalation time of the current stage, while it is still ahead. */
function nextEscalationMs(state: RunState): number | undefined {
  const a = state.progress.approval;
  const at = a?.stages[(a.currentStage ?? 1) - 1]?.escalatesAt;
  return at && Date.parse(at) > Date.now() ? Date.parse(at) : undefined;
}

/** Logs the escalation of the current stage once its time has come (Entra forwards the request then). */
function noteEscalation(state: RunState): void {
  const a = state.progress.approval;
  const stage = a?.stages[(a.currentStage ?? 1) - 1];
  if (!stage?.escalatesAt || stage.escalated || Date.parse(stage.escalatesAt) > Date.now()) return;
  state.updateApproval(() => (stage.escalated = true));
  log.info(`approval stage ${a?.currentStage} of ${state.progress.workflowId} escalated`, {
    escalationApprovers: stage.escalationApprovers,
  });
}

/** Who denied, as far as the run knows: an approver it was told of, Entra's automatic denial, or someone else. */
function denial(state: RunState, requestId: string): ApplicationFailure {
  const a = state.progress.approval;
  const index = (a?.currentStage ?? 1) - 1;
  const stage = a?.stages[index];
  const deny = a?.stages.find((s) => s.decision?.reviewResult === 'Deny')?.decision;
  const automatic = stage?.deniesAt && Date.parse(stage.deniesAt) <= Date.now();
  const message = deny
    ? `the request ${requestId} was denied at approval stage ${deny.stage} by ${deny.by}${deny.justification ? ` (“${deny.justification}”)` : ''}`
    : automatic
      ? `the request ${requestId} was denied automatically: approval stage ${index + 1} was not decided by ${stage.deniesAt}`
      : `the request ${requestId} was denied at approval stage ${index + 1} or later (decided outside entra-saga)`;
  return ApplicationFailure.create({ type: FailureType.ApprovalDenied, nonRetryable: true, message });
}
