// The reads a run waiting for people makes, from the workflow's own schedule (workflows/people.ts): a read a minute
// into the wait, then twice as long after each read, at most every 30 minutes in the wait's first day and hourly after it, and a wake-up (with its read) when a
// reminder falls due. A window of a benchmark sees only the first minutes of most waits; the schedule says what a
// day costs, and the window checks the schedule: the reads it expects in the window are compared with the emulator's
// count.

import { approvalDefaults } from '../../common/approvals.js';
import { peopleReadDelayMs } from '../../workflows/people.js';
import type { WaitKind } from './waiting-runs.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * When a wait reads Graph, in ms from its start, up to `untilMs`. AwaitingRequest reads at once (the request may be
 * there already); AwaitingApproval has just read the request's state when its wait begins. The escalation wake-up
 * does not apply (the benchmark's stage has none), nor a signal's (no one decides).
 */
function peopleReadTimes(kind: Exclude<WaitKind, 'hold'>, untilMs: number): number[] {
  const remindMs = approvalDefaults.remindEveryHours * HOUR_MS;
  const deadlineMs = kind === 'request' ? approvalDefaults.requestTimeoutHours * HOUR_MS : Infinity;
  const reads = kind === 'request' ? [0] : [];
  let now = 0;
  let reminderDue = remindMs;
  for (let read = 0; now < untilMs && now < deadlineMs; read += 1) {
    // As the loop does: reminders recorded (the next one due), then sleep to the earliest of read, deadline, reminder.
    while (now >= reminderDue) reminderDue += remindMs;
    now = Math.min(now + peopleReadDelayMs(read, now), deadlineMs, reminderDue);
    if (now < untilMs) reads.push(now);
  }
  return reads;
}

/** Reads of one wait on each of its first `days` days. */
export function peopleReadsPerDay(kind: Exclude<WaitKind, 'hold'>, days: number): number[] {
  const perDay = Array.from({ length: days }, () => 0);
  for (const at of peopleReadTimes(kind, days * DAY_MS)) perDay[Math.floor(at / DAY_MS)]! += 1;
  return perDay;
}

/** Reads the schedule puts in [fromMs, toMs] (epoch) for waits that began at `startsMs` (epoch). */
export function expectedReadsInWindow(
  kind: Exclude<WaitKind, 'hold'>,
  startsMs: readonly number[],
  fromMs: number,
  toMs: number,
): number {
  let total = 0;
  for (const start of startsMs) {
    for (const at of peopleReadTimes(kind, toMs - start)) if (start + at >= fromMs) total += 1;
  }
  return total;
}
