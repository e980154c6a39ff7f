// When the saga reads a request on its way: planned from the deliveries the worker has seen (seen within 10 % of the
// delay or 250 ms, in a few reads), and 1.0.0's one-second grid, which its runs keep when they replay.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryTimes } from '../../activities/delivery-times.js';
import { GridSchedule, PlannedSchedule, priorWindow, type ReadSchedule } from '../../workflows/read-schedule.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** Runs a schedule whose reads each take `readMs`; returns when (after the request) each read is sent. */
function readTimes(schedule: ReadSchedule, reads: number, readMs = 50): number[] {
  const madeAt = Date.now();
  const sent: number[] = [];
  for (let n = 0; n < reads; n += 1) {
    vi.advanceTimersByTime(schedule.nextDelayMs());
    sent.push(Date.now() - madeAt);
    vi.advanceTimersByTime(readMs);
  }
  return sent;
}

/** The reads a delivery `delayMs` after the request takes, and how late the first read after it comes. */
function cost(schedule: ReadSchedule, delayMs: number): { reads: number; lateMs: number } {
  const times = readTimes(schedule, 400);
  const seenAt = times.find((t) => t >= delayMs) ?? Number.POSITIVE_INFINITY;
  return { reads: times.filter((t) => t <= seenAt).length, lateMs: seenAt - delayMs };
}

describe('PlannedSchedule', () => {
  it('sees a delivery as usual as the ones before with its first read', () => {
    expect(cost(new PlannedSchedule({ lowMs: 2500, highMs: 2500 }), 2500)).toEqual({ reads: 1, lateMs: 50 });
    expect(cost(new PlannedSchedule({ lowMs: 700, highMs: 700 }), 700)).toEqual({ reads: 1, lateMs: 14 });
  });

  it.each([500, 700, 1_300, 2_500, 4_200, 7_300, 20_000, 90_000, 240_000])(
    'sees a delivery after %i ms within a tenth of its delay or 250 ms, in at most 5 reads when it is usual',
    (delayMs) => {
      const usual = new PlannedSchedule({ lowMs: delayMs * 0.85, highMs: delayMs * 1.15 });
      const { reads, lateMs } = cost(usual, delayMs);
      expect(lateMs).toBeLessThanOrEqual(Math.max(0.1 * delayMs, 250) + 50);
      expect(reads).toBeLessThanOrEqual(5);
    },
  );

  it('still sees an outlier, the pause doubling up to 30 s past twice the usual window', () => {
    const schedule = new PlannedSchedule({ lowMs: 1000, highMs: 2000 });
    const times = readTimes(schedule, 40, 0);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.max(...gaps.filter((_, i) => (times[i] ?? 0) < 4000))).toBeLessThanOrEqual(400);
    // (Fake time moves in whole milliseconds: a pause may show 1 ms off.)
    expect(Math.abs(Math.max(...gaps) - 30_000)).toBeLessThanOrEqual(1);
    for (const gap of gaps.slice(-3)) expect(Math.abs(gap - 30_000)).toBeLessThanOrEqual(1);
  });

  it("before any delivery was seen, reads across Entra's usual seconds", () => {
    const { reads, lateMs } = cost(new PlannedSchedule(), 3_000);
    expect(priorWindow).toEqual({ lowMs: 1000, highMs: 8000 });
    expect(lateMs).toBeLessThanOrEqual(300);
    expect(reads).toBeLessThanOrEqual(10);
  });

  it('never reads sooner than 200 ms after the read before, nor in the past', () => {
    const schedule = new PlannedSchedule({ lowMs: 1000, highMs: 1000 });
    vi.advanceTimersByTime(5000);
    expect(schedule.nextDelayMs()).toBe(200);
    expect(schedule.nextDelayMs(150)).toBe(150);
  });
});

describe('GridSchedule (runs started by 1.0.0)', () => {
  it('reads 1 s, 2 s, 3 s … after the request, whatever each read takes', () => {
    expect(readTimes(new GridSchedule(), 5, 90)).toEqual([1000, 2000, 3000, 4000, 5000]);
  });
});

describe('DeliveryTimes', () => {
  it('gives the 10th to 90th percentile of the delays seen, once three requests have finished', () => {
    const times = new DeliveryTimes();
    const at = (ms: number) => new Date(ms).toISOString();
    times.record('add', 'r1', at(0), at(2000));
    times.record('add', 'r2', at(0), at(3000));
    expect(times.window('add')).toBeUndefined();
    times.record('add', 'r2', at(0), at(9000));
    for (const [i, ms] of [2500, 2600, 2400, 2550, 2450, 2700, 2300, 2650].entries())
      times.record('add', `s${i}`, at(0), at(ms));
    expect(times.window('add')).toEqual({ lowMs: 2000, highMs: 2700 });
    expect(times.window('remove')).toBeUndefined();
  });
});
