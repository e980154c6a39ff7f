// Follows a run to its end: polls the progress query for the live view and waits for the result.

import type { WorkflowHandle } from '@temporalio/client';
import type { ProvisioningResult } from '../common/provisioning.js';
import { progressQuery } from '../workflows/messages.js';
import { outcomeOfFailure, outcomeOfResult, type RunOutcome } from './outcome.js';
import type { ProgressView } from './render.js';

const pollMs = 400;
const queryTimeoutMs = 3000;

/** The run's progress, or undefined when no worker answers in time (a query needs a worker). */
function queryProgress(handle: WorkflowHandle) {
  return Promise.race([
    handle.query(progressQuery).catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), queryTimeoutMs).unref()),
  ]);
}

export async function follow(handle: WorkflowHandle, view?: ProgressView): Promise<RunOutcome> {
  let done = false;
  const ended = handle
    .result()
    .then((result) => outcomeOfResult(result as ProvisioningResult), outcomeOfFailure)
    .finally(() => {
      done = true;
    });
  if (view) {
    while (!done) {
      const progress = await queryProgress(handle);
      if (progress) view.update(progress);
      await Promise.race([ended.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
    }
  }
  const outcome = await ended;
  // One last look: the view shows how every step ended, and a cancelled run (whose failure carries no details)
  // still reports what it had created and rolled back.
  const last = await queryProgress(handle);
  if (last) {
    view?.update(last);
    if (outcome.status === 'cancelled') return { ...outcome, objects: last.objects, undone: last.undone };
  }
  return outcome;
}
