// The activities' side of the per-object coordinator (workflows/shared-object.ts): claim an object before creating
// it, report what the create did, release it when undoing. Calls go through the worker's Temporal client with
// update-with-start, so the coordinator starts on first use and a call never races its start.

import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { type Holder, type ObjectKey, keyParts } from '../common/object-keys.js';
import type { sharedObject } from '../workflows/shared-object.js';
import {
  type ClaimAnswer,
  type MakerReport,
  type ReleaseAnswer,
  claimUpdate,
  releaseUpdate,
  reportSignal,
} from '../workflows/shared-object-messages.js';

/** Workflow ids stay well under Temporal's 1,000-character limit: a long key keeps its start and a digest. */
const maxReadableIdLength = 240;

/**
 * The coordinator's workflow id. The task queue stands for the tenant: one deployment (its workers, its write
 * budget) serves one tenant, so runs that share a task queue share the directory.
 */
export function sharedObjectWorkflowId(taskQueue: string, key: ObjectKey): string {
  const id = ['shared-object', taskQueue, key.kind, ...keyParts(key).map(encodeURIComponent)].join('/');
  if (id.length <= maxReadableIdLength) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 32);
  return `${id.slice(0, maxReadableIdLength - 34)}~${digest}`;
}

function start(holder: Holder, key: ObjectKey) {
  return new WithStartWorkflowOperation<typeof sharedObject>('sharedObject', {
    workflowId: sharedObjectWorkflowId(holder.taskQueue, key),
    taskQueue: holder.taskQueue,
    args: [undefined],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `${key.kind} ${keyParts(key).join(' / ')}`.slice(0, 200),
  });
}

/**
 * An update can meet the coordinator as it ends (nothing held for a few seconds) or continues as new; asked again,
 * it reaches the next run. Other failures leave for the activity's retry policy.
 */
async function update<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const closed =
        error instanceof WorkflowUpdateFailedError ||
        /completed|continued|not found/i.test(String((error as Error)?.message));
      if (!closed || attempt >= 5) throw error;
    }
  }
}

/** Claims the object: use it (it exists), make it (this run is its one maker), asking again while another makes it. */
export async function claim(holder: Holder, key: ObjectKey): Promise<Exclude<ClaimAnswer, { role: 'wait' }>> {
  const { client } = Context.current();
  for (;;) {
    const answer = await update(() =>
      client.workflow.executeUpdateWithStart(claimUpdate, {
        args: [{ holder: holder.workflowId }],
        startWorkflowOperation: start(holder, key),
      }),
    );
    if (answer.role !== 'wait') return answer;
    Context.current().heartbeat();
  }
}

/** Tells the coordinator what the maker did; recorded by Temporal before this returns. */
export async function report(holder: Holder, key: ObjectKey, event: MakerReport): Promise<void> {
  const { client } = Context.current();
  await client.workflow.signalWithStart<typeof sharedObject, [{ holder: string; report: MakerReport }]>(
    'sharedObject',
    {
      workflowId: sharedObjectWorkflowId(holder.taskQueue, key),
      taskQueue: holder.taskQueue,
      args: [undefined],
      signal: reportSignal,
      signalArgs: [{ holder: holder.workflowId, report: event }],
    },
  );
}

/** Drops the run's hold; the answer says whether this run must remove the object (it was the last holder). */
export async function release(holder: Holder, key: ObjectKey): Promise<ReleaseAnswer> {
  const { client } = Context.current();
  return update(() =>
    client.workflow.executeUpdateWithStart(releaseUpdate, {
      args: [{ holder: holder.workflowId }],
      startWorkflowOperation: start(holder, key),
    }),
  );
}
