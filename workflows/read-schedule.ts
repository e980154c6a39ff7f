// When to read a request that is on its way (an adminAdd, an adminRemove), so that its delivery is seen soon after it
// happens at a small cost in reads.
//
// The plan starts from what is known of this tenant's deliveries: the worker keeps the delays of the requests it saw
// finish (Graph's completedDateTime − createdDateTime, activities/delivery-times.ts) and hands the usual window — from
// the 10th to the 90th percentile — to the run with its request. The first read falls at the window's start; then,
// up to twice its end, each read follows the one before by 10 % of the time since the request, at least 250 ms: a
// delivery in that span is seen within 10 % of its delay or 250 ms, whichever is larger, in a handful of reads (one,
// when deliveries take the same time). A delivery slower than that is an outlier: the pause doubles up to 30 s. Before
// any delivery was seen, the window is Entra's usual few seconds (1–8 s).
//
// Runs started by 1.0.0 read on its one-second grid instead (GridSchedule), and keep doing so when they replay.

import { patched } from '@temporalio/workflow';
import type { DeliveryWindow } from '../common/request-states.js';

export interface ReadSchedule {
  /** The wait before the next read; at most `limitMs`. */
  nextDelayMs(limitMs?: number): number;
}

/** The window assumed before any delivery was seen: Entra's requests usually deliver within seconds. */
export const priorWindow: DeliveryWindow = { lowMs: 1_000, highMs: 8_000 };

const tolerance = 0.1;
const floorMs = 250;
const capMs = 30_000;
/** Reads closer together than this tell nothing new. */
const minGapMs = 200;

export class PlannedSchedule implements ReadSchedule {
  /** Workflow time when the request was made (deterministic: the activation's timestamp). */
  private readonly madeAt = Date.now();
  private nextAt: number | undefined;
  private backoffMs = 0;

  constructor(private readonly window: DeliveryWindow = priorWindow) {}

  nextDelayMs(limitMs = Number.POSITIVE_INFINITY): number {
    const elapsed = Date.now() - this.madeAt;
    // Aim a little past the window's start: a delivery on time is then seen by the first read.
    const planned = this.nextAt ?? this.window.lowMs * (1 + tolerance / 5);
    const at = Math.max(planned, elapsed + minGapMs);
    this.nextAt = at + this.gapAfter(at);
    return Math.min(at - elapsed, limitMs);
  }

  private gapAfter(at: number): number {
    const close = Math.max(tolerance * at, floorMs);
    if (at < 2 * this.window.highMs) return close;
    this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : close * 2, capMs);
    return this.backoffMs;
  }
}

/** 1.0.0's schedule: a one-second grid from the request for 30 s, then pauses doubling up to 30 s. */
export class GridSchedule implements ReadSchedule {
  private static readonly stepMs = 1_000;
  private static readonly gridSlots = 30;
  private readonly madeAt = Date.now();
  private slot = 0;

  nextDelayMs(limitMs = Number.POSITIVE_INFINITY): number {
    const { stepMs, gridSlots } = GridSchedule;
    let delay: number;
    if (this.slot < gridSlots) {
      const elapsed = Date.now() - this.madeAt;
      this.slot = Math.max(this.slot + 1, Math.floor((elapsed + minGapMs) / stepMs) + 1);
      delay = this.slot * stepMs - elapsed;
    } else {
      this.slot += 1;
      delay = Math.min(stepMs * 2 ** (this.slot - gridSlots), capMs);
    }
    return Math.min(delay, limitMs);
  }
}

/** The schedule for a request just made: planned from the deliveries seen, or 1.0.0's grid for its runs. */
export function readScheduleFor(expected: DeliveryWindow | undefined): ReadSchedule {
  return patched('reads-planned-from-deliveries') ? new PlannedSchedule(expected) : new GridSchedule();
}
