// Graph's identity write budget as the emulator enforces it: a token bucket per app and tenant holding 3,000 writes,
// refilled at 3,000 per 150 s, both × throttleScale (emulator/server/throttle.ts). A full bucket lets 150 s worth of
// writes through at once, so a short measurement starting on a full bucket would see far more than the budget.
// Draining it first — writes the emulator charges but refuses (400), until it answers 429 — makes the sustained
// rate the only one there is.

import { type Client, GraphError } from '@microsoft/microsoft-graph-client';

const documented = { writes: 3000, windowSeconds: 150 };

/** Writes per second the emulator refills at this scale (20/s at scale 1). */
export function writeBudgetPerSecond(throttleScale: number): number {
  return (documented.writes * throttleScale) / documented.windowSeconds;
}

/** The bucket's capacity at this scale: the burst a full bucket allows. */
export function writeBurst(throttleScale: number): number {
  return Math.max(1, documented.writes * throttleScale);
}

/**
 * Empties the app's write bucket: POST /groups with an empty body (refused with 400 after the throttle has charged
 * it, so nothing is created) until Graph answers 429. Returns how many writes it took.
 */
export async function drainWriteBudget(graph: Client, parallel = 8): Promise<number> {
  let charged = 0;
  let empty = false;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (!empty) {
        try {
          await graph.api('/groups').post({});
          charged++;
        } catch (error) {
          if (!(error instanceof GraphError)) throw error;
          if (error.statusCode === 429) empty = true;
          else charged++;
        }
      }
    }),
  );
  return charged;
}
