// `status`, `list` and `result`: read-only views of runs.

import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { ApprovalProgress } from '../../common/approvals.js';
import { orderedSteps } from '../../common/provisioning.js';
import { ProvisioningOutcome, ProvisioningStage } from '../../common/search-attributes.js';
import { progressQuery } from '../../workflows/messages.js';
import { type Connected, webUiLink } from '../connect.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { follow, followingHint } from '../follow.js';
import { type Output, outcomeJson, renderOutcome } from '../render.js';

export async function describeRun(connected: Connected, workflowId: string): Promise<WorkflowExecutionDescription> {
  if (connected.reach.workflowId === undefined) connected.reach.about(workflowId, '');
  try {
    return await connected.client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new CliError(
        `no run with workflow id ${workflowId}; list runs with \`entra-saga list\``,
        ExitCode.BadInput,
      );
    }
    throw error;
  }
}

/** Who asks, and each approval stage: who decides, until when, and the decision once made. */
function approvalStatus(approval: ApprovalProgress): string[] {
  const lines = [
    `  requested by: ${approval.requestedBy}${approval.requestDeadline && !approval.requestId ? ` (asks by ${approval.requestDeadline})` : ''}`,
  ];
  approval.stages.forEach((stage, i) => {
    const state = stage.decision
      ? `${stage.decision.reviewResult === 'Approve' ? 'approved' : 'denied'} by ${stage.decision.by} at ${stage.decision.at}${stage.decision.justification ? ` ("${stage.decision.justification}")` : ''}`
      : approval.currentStage === i + 1
        ? `waiting since ${i === 0 ? approval.approvalSince : (approval.stages[i - 1]?.decision?.at ?? '?')}${stage.escalatesAt ? `, escalates to ${stage.escalationApprovers?.join(', ')} at ${stage.escalatesAt}` : ''}${stage.deniesAt ? `, denied automatically at ${stage.deniesAt}` : ''}`
        : 'not reached';
    lines.push(`  approval stage ${i + 1} (${stage.approvers.join(', ')}): ${state}`);
  });
  if (approval.cancelHint) lines.push(`  to finish the rollback: ${approval.cancelHint}`);
  return lines;
}

export async function statusCommand(
  connected: Connected,
  workflowId: string,
  json: boolean,
  out: Output,
): Promise<ExitCode> {
  const description = await describeRun(connected, workflowId);
  const progress = await connected.client.workflow
    .getHandle(workflowId)
    .query(progressQuery)
    .catch((error: unknown) => connected.reach.ignoreUnlessUnreachable(error));
  const stage = description.typedSearchAttributes.get(ProvisioningStage);
  const outcome = description.typedSearchAttributes.get(ProvisioningOutcome);
  const link = webUiLink(connected, workflowId, description.runId);
  if (json) {
    out.write(
      `${JSON.stringify({ workflowId, runId: description.runId, status: description.status.name, stage, outcome, progress, webUi: link })}\n`,
    );
    return ExitCode.Ok;
  }
  const lines = [
    `${workflowId}: ${description.status.name}${stage ? ` · stage ${stage}` : ''}${outcome ? ` · ${outcome}` : ''}`,
  ];
  if (progress) {
    if (progress.requestState) lines.push(`  request state: ${progress.requestState}`);
    for (const [name, step] of orderedSteps(progress))
      lines.push(`  ${name}: ${step.state}${step.detail ? ` — ${step.detail}` : ''}`);
    for (const o of progress.objects)
      lines.push(`  ${o.created ? 'created' : 'adopted'} ${o.kind} ${o.name} (${o.id})`);
    if (progress.approval) lines.push(...approvalStatus(progress.approval));
    if (progress.error) lines.push(`  error: ${progress.error}`);
  } else if (description.status.name === 'RUNNING') {
    lines.push('  (no worker answered the progress query: is a worker running on the task queue?)');
  }
  lines.push(`  Web UI: ${link}`);
  out.write(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

export async function listCommand(
  connected: Connected,
  options: { query?: string; limit: number; json: boolean },
  out: Output,
): Promise<ExitCode> {
  const query = options.query
    ? `WorkflowType = 'provisionAccessPackage' AND (${options.query})`
    : `WorkflowType = 'provisionAccessPackage'`;
  const rows: {
    workflowId: string;
    runId: string;
    status: string;
    stage?: string;
    outcome?: string;
    startTime: string;
  }[] = [];
  try {
    for await (const run of connected.client.workflow.list({ query, pageSize: Math.min(options.limit, 100) })) {
      rows.push({
        workflowId: run.workflowId,
        runId: run.runId,
        status: run.status.name,
        stage: run.typedSearchAttributes.get(ProvisioningStage),
        outcome: run.typedSearchAttributes.get(ProvisioningOutcome),
        startTime: run.startTime.toISOString(),
      });
      if (rows.length >= options.limit) break;
    }
  } catch (error) {
    connected.reach.ignoreUnlessUnreachable(error);
    throw new CliError(
      `--query is not a valid visibility query: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      ExitCode.BadInput,
    );
  }
  if (options.json) {
    out.write(`${JSON.stringify({ runs: rows })}\n`);
  } else if (!rows.length) {
    out.write('no provisioning runs\n');
  } else {
    const line = (started: string, status: string, stage: string, outcome: string, id: string) =>
      `${started.padEnd(24)}  ${status.padEnd(10)} ${stage.padEnd(16)} ${outcome.padEnd(11)} ${id}\n`;
    out.write(line('STARTED', 'STATUS', 'STAGE', 'OUTCOME', 'WORKFLOW ID'));
    for (const r of rows) out.write(line(r.startTime, r.status, r.stage ?? '', r.outcome ?? '', r.workflowId));
  }
  return ExitCode.Ok;
}

export async function resultCommand(
  connected: Connected,
  workflowId: string,
  json: boolean,
  out: Output,
): Promise<ExitCode> {
  connected.reach.about(workflowId, followingHint(workflowId));
  const description = await describeRun(connected, workflowId);
  const outcome = await follow(connected, connected.client.workflow.getHandle(workflowId));
  const link = webUiLink(connected, workflowId, description.runId);
  out.write(
    json
      ? `${JSON.stringify(outcomeJson(outcome, workflowId, description.runId, link))}\n`
      : renderOutcome(outcome, workflowId, link),
  );
  return outcome.exitCode;
}
