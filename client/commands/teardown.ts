// `teardown` (remove what a run created: signal a holding run, or tear a kept run down from its recorded ids) and
// `cancel` (cancel a running run, which compensates it).

import { WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { ProvisioningResult, UndoRecord } from '../../common/provisioning.js';
import { teardownWorkflowId } from '../../common/workflow-id.js';
import { teardownSignal } from '../../workflows/messages.js';
import type { teardownProvisioning } from '../../workflows/teardown-provisioning.js';
import { type Connected, webUiLink } from '../connect.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { follow } from '../follow.js';
import { outcomeOfFailure } from '../outcome.js';
import { type Output, ProgressView, outcomeJson, renderOutcome } from '../render.js';
import { describeRun } from './inspect.js';

function printUndone(out: Output, json: boolean, workflowId: string, undone: UndoRecord[], link: string): void {
  if (json) {
    out.write(`${JSON.stringify({ workflowId, status: 'tornDown', undone, webUi: link })}\n`);
    return;
  }
  out.write(
    `${workflowId}: torn down\n${undone.map((u) => `  ${u.kind} ${u.name}: ${u.outcome}`).join('\n')}\n  Web UI: ${link}\n`,
  );
}

export async function teardownCommand(
  connected: Connected,
  workflowId: string,
  json: boolean,
  out: Output,
): Promise<ExitCode> {
  connected.reach.about(
    workflowId,
    `nothing was asked of ${workflowId} yet: run \`entra-saga teardown ${workflowId}\` again once Temporal answers`,
  );
  const description = await describeRun(connected, workflowId);
  const handle = connected.client.workflow.getHandle(workflowId);
  const link = webUiLink(connected, workflowId, description.runId);
  if (description.status.name === 'RUNNING') {
    connected.reach.about(
      workflowId,
      `whether ${workflowId} received the teardown is not known: look with \`entra-saga status ${workflowId}\``,
    );
    await handle.signal(teardownSignal);
    const outcome = await follow(connected, handle, json ? undefined : new ProgressView(out));
    out.write(
      json
        ? `${JSON.stringify(outcomeJson(outcome, workflowId, description.runId, link))}\n`
        : renderOutcome(outcome, workflowId, link),
    );
    return outcome.exitCode;
  }
  if (description.status.name !== 'COMPLETED') {
    throw new CliError(
      `${workflowId} ended ${description.status.name}: its compensation already removed what it created`,
      ExitCode.BadInput,
    );
  }
  const result = (await handle.result()) as ProvisioningResult;
  if (result.dryRun || result.tornDown || !result.objects.some((o) => o.created)) {
    throw new CliError(
      `${workflowId} left nothing to tear down (${result.dryRun ? 'dry run' : result.tornDown ? 'already cleaned up' : 'it created nothing'})`,
      ExitCode.BadInput,
    );
  }
  const teardownId = teardownWorkflowId(workflowId);
  const previous = await connected.client.workflow
    .getHandle(teardownId)
    .describe()
    .catch((error: unknown) => {
      // No teardown yet; any other failure (Temporal unreachable) is not "none".
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
  if (previous?.status.name === 'COMPLETED') {
    throw new CliError(`${workflowId} was already torn down (${teardownId})`, ExitCode.BadInput);
  }
  connected.reach.about(
    teardownId,
    `whether the teardown ${teardownId} started is not known: look with \`entra-saga status ${teardownId}\`; \`entra-saga teardown ${workflowId}\` again joins it`,
  );
  const teardown = await connected.client.workflow.start<typeof teardownProvisioning>('teardownProvisioning', {
    workflowId: teardownId,
    taskQueue: connected.settings.taskQueue,
    args: [{ workflowId, objects: result.objects, catalogId: result.catalogId }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Tear down ${workflowId}`.slice(0, 200),
  });
  connected.reach.about(
    teardownId,
    `the teardown ${teardownId} had not ended when the CLI last heard from Temporal, and goes on there: \`entra-saga teardown ${workflowId}\` again follows it`,
  );
  try {
    const { undone } = await teardown.result();
    printUndone(out, json, workflowId, undone, webUiLink(connected, teardownId, teardown.firstExecutionRunId));
    return ExitCode.Ok;
  } catch (error) {
    const outcome = outcomeOfFailure(error);
    out.write(
      json
        ? `${JSON.stringify(outcomeJson(outcome, teardownId, teardown.firstExecutionRunId, link))}\n`
        : renderOutcome(outcome, teardownId, link),
    );
    return ExitCode.RunFailed;
  }
}

export async function cancelCommand(
  connected: Connected,
  workflowId: string,
  options: { json: boolean; wait: boolean },
  out: Output,
): Promise<ExitCode> {
  connected.reach.about(
    workflowId,
    `${workflowId} was not asked to cancel: run \`entra-saga cancel ${workflowId}\` again once Temporal answers`,
  );
  const description = await describeRun(connected, workflowId);
  if (description.status.name !== 'RUNNING') {
    throw new CliError(
      `${workflowId} is not running (${description.status.name}); nothing to cancel`,
      ExitCode.BadInput,
    );
  }
  const handle = connected.client.workflow.getHandle(workflowId);
  connected.reach.about(
    workflowId,
    `whether ${workflowId} was asked to cancel is not known: look with \`entra-saga status ${workflowId}\``,
  );
  await handle.cancel();
  const link = webUiLink(connected, workflowId, description.runId);
  if (!options.wait) {
    out.write(
      options.json
        ? `${JSON.stringify({ workflowId, status: 'cancelling', webUi: link })}\n`
        : `cancelling ${workflowId}: it compensates what it created\n`,
    );
    return ExitCode.Ok;
  }
  const outcome = await follow(connected, handle, options.json ? undefined : new ProgressView(out));
  out.write(
    options.json
      ? `${JSON.stringify(outcomeJson(outcome, workflowId, description.runId, link))}\n`
      : renderOutcome(outcome, workflowId, link),
  );
  return outcome.status === 'cancelled' ? ExitCode.Ok : ExitCode.RunFailed;
}
