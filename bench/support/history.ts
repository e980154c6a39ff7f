// Reads a finished provisioning run's Temporal history into a timeline: each activity (when it was scheduled,
// started and closed, how many attempts) and each timer (the saga's waits), in milliseconds from the run's start;
// and, from the worker's log, the Graph calls each activity made (at log level DEBUG the worker logs every one). The
// timeline shows where the saga's time goes, and splits its status reads by the request they were for.

import type { WorkflowHandle } from '@temporalio/client';

interface ActivitySpan {
  type: string;
  activityId: string;
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

/** A Graph call an activity made: when it was sent and answered, in ms from the run's start. */
interface GraphCallSpan {
  activityId: string;
  method: string;
  path: string;
  status: number;
  sentMs: number;
  answeredMs: number;
}

export interface RunTimeline {
  /** Epoch ms of the run's first event: the zero of the other times. */
  startedAt: number;
  durationMs: number;
  activities: ActivitySpan[];
  timers: TimerSpan[];
  graphCalls: GraphCallSpan[];
}

/** A Graph call as the worker logs it (JSON, one line), with the run it was made for; times in epoch ms. */
export interface LoggedGraphCall extends Omit<GraphCallSpan, 'sentMs' | 'answeredMs'> {
  workflowId: string;
  sentAt: number;
  answeredAt: number;
}

/** Reads a worker log line of a Graph call ("Graph GET /v1.0/… → 200"); undefined for any other line. */
export function parseGraphCallLine(line: string): LoggedGraphCall | undefined {
  const json = line.slice(line.indexOf('{'));
  if (!json.startsWith('{') || !json.includes('"msg":"Graph ')) return undefined;
  const entry = JSON.parse(json) as {
    time?: string;
    msg?: string;
    durationMs?: number;
    workflowId?: string;
    activityId?: string;
  };
  const call = /^Graph (\S+) (.+) → (\d+)$/.exec(entry.msg ?? '');
  const answeredAt = Date.parse(entry.time ?? '');
  if (!call || !entry.workflowId || !entry.activityId || Number.isNaN(answeredAt)) return undefined;
  return {
    workflowId: entry.workflowId,
    activityId: entry.activityId,
    method: call[1] as string,
    path: call[2] as string,
    status: Number(call[3]),
    sentAt: answeredAt - (entry.durationMs ?? 0),
    answeredAt,
  };
}

/** The run's timeline with the Graph calls its activities made, from the worker's log. */
export function withGraphCalls(timeline: RunTimeline, calls: readonly LoggedGraphCall[]): RunTimeline {
  const graphCalls = calls.map(({ activityId, method, path, status, sentAt, answeredAt }) => ({
    activityId,
    method,
    path,
    status,
    sentMs: sentAt - timeline.startedAt,
    answeredMs: answeredAt - timeline.startedAt,
  }));
  return { ...timeline, graphCalls: graphCalls.sort((a, b) => a.sentMs - b.sentMs) };
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
      const { activityType, activityId = '' } = event.activityTaskScheduledEventAttributes;
      activities.set(id, {
        type: activityType?.name ?? '?',
        activityId: activityId ?? '',
        scheduledMs: at,
        startedMs: Number.NaN,
        closedMs: Number.NaN,
        attempt: 1,
        ok: false,
      });
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
  return {
    startedAt: t0,
    durationMs: end - t0,
    activities: [...activities.values()],
    timers: [...timers.values()],
    graphCalls: [],
  };
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

type Span = RunTimeline['activities'][number];

/**
 * What tells the activities of one resource from another's of the same type, in their Graph calls' paths: the app's
 * service principal id, the site's URL (a group's are those that name neither).
 */
export type ResourceMarks = Partial<Record<'app' | 'site', string>>;

/** The step's activity type (`findCatalogResource (app)` → findCatalogResource) and the resource it is for. */
function stepParts(step: string): { type: string; kind?: string } {
  const match = /^(\S+) \((group|app|site)\)$/.exec(step);
  return match ? { type: match[1] as string, kind: match[2] } : { type: step };
}

/**
 * The run's activity execution for a step of the model (a status read: the last read of its request). A step of one
 * resource of several is the activity of its type whose calls name that resource; when no call tells them apart (a
 * role scope's POST), the last of its type to close.
 */
function spanOf(timeline: RunTimeline, step: string, marks: ResourceMarks = {}): Span | undefined {
  const byTime = [...timeline.activities].sort((a, b) => a.scheduledMs - b.scheduledMs);
  if (step === 'awaitDelivery' || step === 'awaitRemoval') {
    const verified = byTime.find((a) => a.type === 'listPolicyAssignments')?.scheduledMs ?? Infinity;
    return byTime
      .filter((a) => a.type === 'getRequestState' && (step === 'awaitRemoval' || a.scheduledMs < verified))
      .at(-1);
  }
  const { type, kind } = stepParts(step);
  const ofType = byTime.filter((a) => a.type === type);
  if (!kind || ofType.length < 2) return ofType.at(-1);
  const named = (a: Span, mark: string | undefined) =>
    mark !== undefined && timeline.graphCalls.some((c) => c.activityId === a.activityId && c.path.includes(mark));
  const mine = ofType.filter((a) =>
    kind === 'group'
      ? timeline.graphCalls.some((c) => c.activityId === a.activityId) && !named(a, marks.app) && !named(a, marks.site)
      : named(a, marks[kind as 'app' | 'site']),
  );
  const lastClosed = (spans: Span[]) => [...spans].sort((a, b) => a.closedMs - b.closedMs).at(-1);
  return mine.length === 1 ? mine[0] : lastClosed(mine.length ? mine : ofType);
}

/** A step of a path through the model as the run made it: when it closed, and where its time went. */
export interface StepTiming {
  step: string;
  closedMs: number;
  /** From its inputs' close (the latest) to its scheduling: the workflow task (for a status read, also its timer). */
  workflowTaskMs: number;
  /** Scheduled to closed: its dispatch, every attempt and the backoff between them. */
  activityMs: number;
  attempts: number;
  graphCalls: number;
  /** The activity's time covered by Graph calls. */
  inCallsMs: number;
  /** Before its first Graph call: dispatch, the coordinator's claim or release, a status read's wait for its moment. */
  beforeCallsMs: number;
  /** Between Graph calls, in none: the coordinator's "sending" report, visibility waits, retry backoff. */
  betweenCallsMs: number;
  /** After its last Graph call: the coordinator's report. */
  afterCallsMs: number;
  /** A status read: how long after the delivery (its request's answer + the delivery delay) it answered. */
  seenLateMs?: number;
}

/** The timings of the steps of a path (`after`: the steps each waits for), from the run's history and Graph calls. */
export function pathTimings(
  timeline: RunTimeline,
  path: readonly { name: string; after: readonly string[] }[],
  deliveryDelayMs: number,
  marks: ResourceMarks = {},
): StepTiming[] {
  const callsOf = (span: Span | undefined) =>
    span ? timeline.graphCalls.filter((c) => c.activityId === span.activityId) : [];
  const answeredAt = (step: string) =>
    callsOf(spanOf(timeline, step, marks))
      .filter((c) => c.method === 'POST')
      .at(-1)?.answeredMs;
  const timings: StepTiming[] = [];
  for (const step of path) {
    const span = spanOf(timeline, step.name, marks);
    if (!span) continue;
    const calls = callsOf(span);
    let inCallsMs = 0;
    let coveredTo = -Infinity;
    for (const c of calls) {
      inCallsMs += Math.max(0, c.answeredMs - Math.max(c.sentMs, coveredTo));
      coveredTo = Math.max(coveredTo, c.answeredMs);
    }
    const activityMs = span.closedMs - span.scheduledMs;
    const beforeCallsMs = calls.length ? (calls[0]?.sentMs ?? 0) - span.scheduledMs : activityMs;
    const afterCallsMs = calls.length ? span.closedMs - coveredTo : 0;
    const request = { awaitDelivery: 'requestAssignment', awaitRemoval: 'requestRemoval' }[step.name];
    const requestAnswered = request ? answeredAt(request) : undefined;
    const seen = calls.at(-1)?.answeredMs;
    timings.push({
      step: step.name,
      closedMs: span.closedMs,
      workflowTaskMs:
        span.scheduledMs - Math.max(0, ...step.after.map((n) => spanOf(timeline, n, marks)?.closedMs ?? 0)),
      activityMs,
      attempts: span.attempt,
      graphCalls: calls.length,
      inCallsMs,
      beforeCallsMs,
      betweenCallsMs: activityMs - inCallsMs - beforeCallsMs - afterCallsMs,
      afterCallsMs,
      ...(requestAnswered !== undefined && seen !== undefined
        ? { seenLateMs: seen - (requestAnswered + deliveryDelayMs) }
        : {}),
    });
  }
  return timings;
}
