// Teardown of a run that kept its access (cleanup "keep"), later, from the objects its result recorded. Releases
// what that run holds, in the same order and with the same undos as compensation.

import { ApplicationFailure, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../common/failure-types.js';
import type { TeardownInput, UndoRecord } from '../common/provisioning.js';
import { progressQuery } from './messages.js';
import { RunState } from './run-state.js';
import { Saga } from './saga.js';
import { undoFor } from './undo.js';

export async function teardownProvisioning(
  input: TeardownInput,
): Promise<{ workflowId: string; undone: UndoRecord[] }> {
  const state = new RunState(workflowInfo().workflowId);
  setHandler(progressQuery, () => state.progress);
  const saga = new Saga();
  saga.load(input.objects);
  for (const object of input.objects) state.recordObject(object);
  state.setStage('TearingDown');
  // The objects are held by the run that made them: its workflow id is the holder the coordinators know.
  const holder = { workflowId: input.workflowId, taskQueue: workflowInfo().taskQueue };
  const undone = await state.step('teardown', () => saga.unwind(undoFor(saga, holder), (r) => state.recordUndo(r)));
  const failed = undone.filter((u) => u.outcome === 'failed');
  if (failed.length) {
    state.setOutcome('failed');
    throw ApplicationFailure.create({
      type: FailureType.TeardownIncomplete,
      nonRetryable: true,
      message: `teardown of ${input.workflowId} could not undo: ${failed.map((u) => `${u.kind} ${u.name} (${u.error})`).join('; ')}`,
      details: [{ undone }],
    });
  }
  state.setOutcome('completed');
  return { workflowId: input.workflowId, undone };
}
