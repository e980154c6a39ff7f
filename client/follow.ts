// Follows a run to its end: polls the progress query for the live view and waits for the result.
//
// Only the run's close event, read from Temporal, is an outcome. While Temporal cannot be reached the calls wait
// (reconnect.ts); if the CLI stops waiting, the transport error propagates (exit 3) and is never read as the run's end.

import type { WorkflowHandle } from '@temporalio/client';
import type { ProvisioningResult } from '../common/provisioning.js';
import { progressQuery } from '../workflows/messages.js';
import type { Connected } from './connect.js';
import { outcomeOfFailure, outcomeOfResult, type RunOutcome } from './outcome.js';
import type { ProgressView } from './render.js';

const pollMs = 400;
const queryTimeoutMs = 3000;

/**
 * A query with a deadline of its own: undefined when no worker answers in time (a query needs a worker) or Temporal
 * cannot be reached. The deadline also bounds its retries, so that polls do not pile up during an outage.
 */
export function queryWithin<T>(connected: Pick<Connected, 'client'>, query: () => Promise<T>): Promise<T | undefined> {
  return connected.client.connection.withDeadline(Date.now() + queryTimeoutMs, query).catch(() => undefined);
}

/** What to tell the operator about a run the CLI follows, should it stop waiting for Temporal. */
export function followingHint(workflowId: string): string {
  return `${workflowId} had not ended when the CLI last heard from Temporal, and goes on there: follow it with \`entra-saga result ${workflowId}\``;
}

export async function follow(connected: Connected, handle: WorkflowHandle, view?: ProgressView): Promise<RunOutcome> {
  connected.reach.about(handle.workflowId, followingHint(handle.workflowId));
  // A line about the connection goes to stderr, below the live view: the view starts a new block under it.
  const stopListening = connected.reach.onNotice(() => view?.restart());
  try {
    let done = false;
    const ended = handle
      .result()
      .then((result) => outcomeOfResult(result as ProvisioningResult), outcomeOfFailure)
      .finally(() => {
        done = true;
      });
    if (view) {
      while (!done) {
        const progress = await queryWithin(connected, () => handle.query(progressQuery));
        if (progress) view.update(progress);
        await Promise.race([ended.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
      }
    }
    const outcome = await ended;
    // One last look: the view shows how every step ended, and a cancelled run (whose failure carries no details)
    // still reports what it had created and rolled back.
    const last = await queryWithin(connected, () => handle.query(progressQuery));
    if (last) {
      view?.update(last);
      if (outcome.status === 'cancelled') return { ...outcome, objects: last.objects, undone: last.undone };
    }
    return outcome;
  } finally {
    stopListening();
  }
}
