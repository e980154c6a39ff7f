// Joining parallel steps of the saga. Promise.all rejects at the first failure while the other steps are still
// running; compensating then would miss what a straggler creates a moment later. `joinSteps` waits for every step
// to settle, then fails with the first failure.

type Settled<T extends readonly unknown[]> = { [K in keyof T]: Promise<T[K]> };

export async function joinSteps<T extends readonly unknown[]>(steps: Settled<T>): Promise<T> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
