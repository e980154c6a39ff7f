// How long this tenant's requests take to be delivered, as this worker has seen them: the delays of the last requests
// it read to their end (Graph's completedDateTime − createdDateTime). A run asks with its request for the usual
// window and plans its reads from it (workflows/read-schedule.ts). Kept in the worker, not in workflow state: it
// costs a few hundred numbers whatever the number of runs, and a new worker starts from Entra's usual seconds.

import type { DeliveryWindow } from '../common/request-states.js';

export type RequestKind = 'add' | 'remove';

/** Delays kept per kind of request: enough for steady percentiles, few enough to follow a change in the tenant. */
const kept = 50;
/** Below this many deliveries seen, the run plans from Entra's usual window instead. */
const enough = 3;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] as number;
}

export class DeliveryTimes {
  readonly #delays: Record<RequestKind, number[]> = { add: [], remove: [] };
  readonly #seen = new Set<string>();

  /** Records a request that has finished, once. */
  record(
    kind: RequestKind,
    requestId: string,
    createdDateTime?: string | null,
    completedDateTime?: string | null,
  ): void {
    const delay = Date.parse(completedDateTime ?? '') - Date.parse(createdDateTime ?? '');
    if (!Number.isFinite(delay) || delay < 0 || this.#seen.has(requestId)) return;
    this.#seen.add(requestId);
    if (this.#seen.size > 4 * kept) this.#seen.delete(this.#seen.values().next().value as string);
    const delays = this.#delays[kind];
    delays.push(delay);
    if (delays.length > kept) delays.shift();
  }

  /** The usual window of a kind of request — its 10th to 90th percentile — once enough have been seen. */
  window(kind: RequestKind): DeliveryWindow | undefined {
    const delays = this.#delays[kind];
    if (delays.length < enough) return undefined;
    const sorted = [...delays].sort((a, b) => a - b);
    return { lowMs: percentile(sorted, 0.1), highMs: percentile(sorted, 0.9) };
  }
}
