// The runs of a chaos run: what each asks for, which objects runs share, and how each one ends.

import { type Client, ServiceError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Outcome, ProvisioningInput, ProvisioningResult } from '../common/provisioning.js';
import { provisioningWorkflowId, teardownWorkflowId } from '../common/workflow-id.js';
import { outcomeOfFailure } from '../client/outcome.js';

export interface PlannedRun {
  workflowId: string;
  input: ProvisioningInput;
}

export interface RunEnd {
  status: Outcome;
  error?: string;
}

/**
 * `runs` runs in share groups of `share`: the runs of a group ask for the same group and the same access package, each
 * for a requestor and a policy of its own, and all start at the same moment. The last run of a group of two or more
 * keeps its access and is torn down as soon as it completes (so it still holds the shared objects while the others
 * let go of them); the others clean up at once. `stamp` keeps names apart from earlier chaos runs.
 */
export function planRuns(runs: number, share: number, stamp: string): PlannedRun[] {
  return Array.from({ length: runs }, (_, i) => {
    const group = Math.floor(i / share);
    const groupSize = Math.min(share, runs - group * share);
    const lastOfGroup = i === group * share + groupSize - 1;
    const requestor = `chaos-${stamp}-${i}`;
    const input: ProvisioningInput = {
      requestorUpn: `${requestor}@contoso.onmicrosoft.com`,
      groupName: `Chaos ${stamp} group ${group}`,
      groupMailNickname: `chaos${stamp}g${group}`,
      packageName: `Chaos ${stamp} package ${group}`,
      // The directory snapshot shows a policy's name, not its requestor: a name per run makes the name its key.
      policyName: `Policy for ${requestor}`,
      catalogName: 'General',
      durationDays: 30,
      cleanup: groupSize > 1 && lastOfGroup ? 'keep' : 'now',
      deliveryTimeoutSeconds: 600,
    };
    return { workflowId: provisioningWorkflowId(input), input };
  });
}

export async function startRuns(client: Client, taskQueue: string, runs: PlannedRun[]): Promise<void> {
  await Promise.all(
    runs.map((run) =>
      client.workflow.start('provisionAccessPackage', { workflowId: run.workflowId, taskQueue, args: [run.input] }),
    ),
  );
}

/**
 * Calls Temporal again while it answers with a service error (it is restarting, or a service behind the frontend is)
 * for up to two minutes: the chaos run must see each run's real end, not its own client's trouble.
 */
async function throughOutages<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ServiceError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Waits for the run's outcome; a kept run that completed is then torn down, as `entra-saga teardown` does it. */
export async function runEnd(client: Client, taskQueue: string, run: PlannedRun): Promise<RunEnd> {
  let result: ProvisioningResult;
  try {
    result = (await throughOutages(() => client.workflow.getHandle(run.workflowId).result())) as ProvisioningResult;
  } catch (error) {
    return ended(error);
  }
  if (run.input.cleanup !== 'keep') return { status: 'completed' };
  const workflowId = teardownWorkflowId(run.workflowId);
  try {
    await throughOutages(async () => {
      try {
        await client.workflow.start('teardownProvisioning', {
          workflowId,
          taskQueue,
          args: [{ workflowId: run.workflowId, objects: result.objects, catalogId: result.catalogId }],
        });
      } catch (error) {
        // A start whose answer was lost to an outage went through: the retry finds it running.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
    await throughOutages(() => client.workflow.getHandle(workflowId).result());
    return { status: 'completed' };
  } catch (error) {
    return { status: 'failed', error: `teardown: ${ended(error).error ?? ''}` };
  }
}

function ended(error: unknown): RunEnd {
  try {
    const { status, error: message } = outcomeOfFailure(error);
    return { status, error: message };
  } catch {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The object coordinators (workflows/shared-object.ts) of the task queue still open `graceMs` after the runs ended:
 * one ends a few seconds after nothing is held, so one left open is wedged — a claim on its key would wait forever.
 */
export async function coordinatorsLeftOpen(client: Client, taskQueue: string, graceMs = 20_000): Promise<string[]> {
  const query = `WorkflowType = "sharedObject" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`;
  const deadline = Date.now() + graceMs;
  for (;;) {
    const open: string[] = [];
    for await (const workflow of client.workflow.list({ query })) open.push(workflow.workflowId);
    if (!open.length || Date.now() >= deadline) return open.sort();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
