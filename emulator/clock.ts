// The emulator clock: wall time plus an offset that `POST /_emulator/clock` advances. Every directory timestamp and
// every state machine (delivery, removal, expiry, replication lag) reads this clock, so advancing it is equivalent
// to waiting. Token lifetimes deliberately use the wall clock: SDK credentials cache tokens by wall time, and
// advancing the clock by 30 days to expire an assignment must not invalidate every cached token.

export interface EmulatorClock {
  now(): number;
  offsetMs(): number;
}

export function createClock(readOffset: () => number): EmulatorClock {
  return {
    now: () => Date.now() + readOffset(),
    offsetMs: readOffset,
  };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
