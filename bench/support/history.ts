// Reads a finished provisioning run's Temporal history into a timeline: each activity (when it was scheduled,
// started and closed, how many attempts) and each timer (the saga's waits), in milliseconds from the run's start.
// The timeline shows where the saga's time goes, and splits its status reads by the request they were for.

import type { WorkflowHandle } from '@temporalio/client';

interface ActivitySpan {
  type: string;
  scheduledMs: number;
  startedMs: number;
  closedMs: number;
  /** Attempt of the last try (1 when the first try succeeded). */
  attempt: number;
  ok: boolean;
}

interface TimerSpan {
  startedMs: number;
  firedMs: number;
}

export interface RunTimeline {
  durationMs: number;
  activities: ActivitySpan[];
  timers: TimerSpan[];
}

interface Timestamp {
  seconds?: number | { toNumber(): number } | null;
  nanos?: number | null;
}

function toMs(ts: Timestamp | null | undefined): number {
  if (!ts) return Number.NaN;
  const s = ts.seconds;
  return (typeof s === 'number' ? s : (s?.toNumber() ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6;
}

function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  return typeof value === 'number' ? value : (value?.toNumber() ?? 0);
}

export async function runTimeline(handle: WorkflowHandle): Promise<RunTimeline> {
  const events = (await handle.fetchHistory()).events ?? [];
  const t0 = toMs(events[0]?.eventTime);
  const activities = new Map<number, ActivitySpan>();
  const timers = new Map<string, TimerSpan>();
  let end = t0;
  for (const event of events) {
    const at = toMs(event.eventTime) - t0;
    end = Math.max(end, at + t0);
    const id = toNumber(event.eventId);
    if (event.activityTaskScheduledEventAttributes) {
      const type = event.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
      activities.set(id, { type, scheduledMs: at, startedMs: Number.NaN, closedMs: Number.NaN, attempt: 1, ok: false });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const span = activities.get(toNumber(started.scheduledEventId));
      if (span) Object.assign(span, { startedMs: at, attempt: started.attempt ?? 1 });
    }
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes;
    if (closed) {
      const span = activities.get(toNumber(closed.scheduledEventId));
      if (span) Object.assign(span, { closedMs: at, ok: Boolean(event.activityTaskCompletedEventAttributes) });
    }
    if (event.timerStartedEventAttributes)
      timers.set(event.timerStartedEventAttributes.timerId ?? '', { startedMs: at, firedMs: Number.NaN });
    if (event.timerFiredEventAttributes) {
      const timer = timers.get(event.timerFiredEventAttributes.timerId ?? '');
      if (timer) timer.firedMs = at;
    }
  }
  return { durationMs: end - t0, activities: [...activities.values()], timers: [...timers.values()] };
}

/** Status reads of the run, by the request they were for. */
export interface StatusReads {
  /** Polls of the adminAdd request until it was delivered. */
  delivery: number;
  /** The clean-up's read of the adminAdd request (it must have finished before removal). */
  teardownCheck: number;
  /** Polls of the adminRemove request until it was delivered. */
  removal: number;
}

export function statusReads(timeline: RunTimeline): StatusReads {
  const reads: StatusReads = { delivery: 0, teardownCheck: 0, removal: 0 };
  let phase: keyof StatusReads = 'delivery';
  for (const a of [...timeline.activities].sort((x, y) => x.scheduledMs - y.scheduledMs)) {
    if (a.type === 'listPolicyAssignments' || a.type === 'listGroupMembers') phase = 'teardownCheck';
    if (a.type === 'requestRemoval') phase = 'removal';
    if (a.type === 'getRequestState') reads[phase] += a.attempt;
  }
  return reads;
}
