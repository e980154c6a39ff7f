// The schedule on which the saga reads an assignment request on its way to `delivered`.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollSchedule } from '../../workflows/delivery.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** Runs a schedule whose reads each take `readMs`; returns when (after the request) each read is sent. */
function readTimes(reads: number, readMs: number | ((n: number) => number)): number[] {
  const madeAt = Date.now();
  const schedule = new PollSchedule();
  const sent: number[] = [];
  for (let n = 0; n < reads; n += 1) {
    vi.advanceTimersByTime(schedule.nextDelayMs());
    sent.push(Date.now() - madeAt);
    vi.advanceTimersByTime(typeof readMs === 'number' ? readMs : readMs(n));
  }
  return sent;
}

describe('PollSchedule', () => {
  it('reads 1 s, 2 s, 3 s … after the request, whatever each read takes', () => {
    expect(readTimes(5, 90)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(readTimes(3, 400)).toEqual([1000, 2000, 3000]);
  });

  it('moves a read whose slot has passed to the next slot ahead, never bursting to catch up', () => {
    // The second read takes 2.5 s (a throttled read waiting out Retry-After): slots 3 and 4 have passed.
    const sent = readTimes(4, (n) => (n === 1 ? 2500 : 50));
    expect(sent).toEqual([1000, 2000, 5000, 6000]);
  });

  it('leaves at least 200 ms between the end of a read and the next one', () => {
    // A read ending 100 ms before a slot skips it.
    expect(readTimes(2, 900)).toEqual([1000, 3000]);
  });

  it('after 30 s of reads, doubles the pause up to 30 s', () => {
    const schedule = new PollSchedule();
    const delays: number[] = [];
    for (let n = 0; n < 36; n += 1) {
      const delay = schedule.nextDelayMs();
      delays.push(delay);
      vi.advanceTimersByTime(delay);
    }
    expect(delays.slice(0, 30)).toEqual(Array(30).fill(1000));
    expect(delays.slice(30)).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('never waits past the limit it is given', () => {
    expect(new PollSchedule().nextDelayMs(300)).toBe(300);
  });
});
