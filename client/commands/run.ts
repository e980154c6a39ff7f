// `run` (start and follow to the end) and `start` (start and print the workflow id).

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { tutorialDefaults, upnDomain } from '../../common/defaults.js';
import type { ProvisioningInput } from '../../common/provisioning.js';
import { AccessPackageName, ProvisioningStage, RequestorDomain, RequestorUpn } from '../../common/search-attributes.js';
import { provisioningWorkflowId } from '../../common/workflow-id.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { type Connected, webUiLink } from '../connect.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { follow } from '../follow.js';
import { type Output, ProgressView, outcomeJson, renderOutcome } from '../render.js';

export interface RunOptions {
  json: boolean;
  /** Follow to the end (run) or return after starting (start). */
  wait: boolean;
}

/** What the package grants: the tutorial's group, or each resource with its role. */
function grants(input: ProvisioningInput): string {
  if (!input.resources) return `group "${input.groupName}"`;
  return input.resources
    .map((r) => {
      const ref = r.kind === 'group' ? `"${r.name}"` : r.kind === 'app' ? `"${r.app}"` : r.url;
      return `${r.kind} ${ref}${r.role ? ` (${r.role})` : ''}`;
    })
    .join(', ');
}

/** One line for the Web UI's list of runs: at most 200 characters, cut with an ellipsis. */
function summary(input: ProvisioningInput): string {
  const line = `${input.dryRun ? 'Dry run: ' : ''}Grant ${input.requestorUpn} "${input.packageName}" (${grants(input)}, catalog "${input.catalogName}")`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function details(input: ProvisioningInput): string {
  return [
    `**Requestor:** ${input.requestorUpn}`,
    `**Access package:** ${input.packageName} in catalog ${input.catalogName}`,
    input.resources ? `**Resources:** ${grants(input)}` : `**Group:** ${input.groupName}`,
    `**Policy:** ${input.policyName ?? tutorialDefaults.policyName}, expires after ${input.durationDays} days`,
    `**Cleanup:** ${input.cleanup}${input.dryRun ? ' · dry run' : ''}`,
  ].join('\n');
}

export async function runCommand(
  connected: Connected,
  input: ProvisioningInput,
  options: RunOptions,
  out: Output,
): Promise<ExitCode> {
  const { client, settings } = connected;
  const workflowId = provisioningWorkflowId(input) + (input.dryRun ? '/dry-run' : '');
  // A start whose answer is lost is sent again unchanged, with its request id, which Temporal deduplicates: it
  // returns the run it started (even one that has ended since) rather than a second run or "already started".
  connected.reach.about(
    workflowId,
    `whether ${workflowId} started is not known: look with \`entra-saga status ${workflowId}\` once Temporal answers`,
  );
  let handle;
  try {
    handle = await client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId,
      taskQueue: settings.taskQueue,
      args: [input],
      // The same provisioning started twice joins the running one (run) or is refused (start).
      workflowIdConflictPolicy: options.wait ? WorkflowIdConflictPolicy.USE_EXISTING : WorkflowIdConflictPolicy.FAIL,
      staticSummary: summary(input),
      staticDetails: details(input),
      typedSearchAttributes: [
        { key: ProvisioningStage, value: 'Validating' },
        { key: AccessPackageName, value: input.packageName },
        { key: RequestorUpn, value: input.requestorUpn.toLowerCase() },
        { key: RequestorDomain, value: upnDomain(input.requestorUpn) },
      ],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CliError(
        `${workflowId} is already running; follow it with \`entra-saga result ${workflowId}\``,
        ExitCode.BadInput,
      );
    }
    throw error;
  }
  connected.reach.about(workflowId, `${workflowId} started; follow it with \`entra-saga result ${workflowId}\``);
  const link = webUiLink(connected, workflowId, handle.firstExecutionRunId);
  if (!options.wait) {
    out.write(
      options.json
        ? `${JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, status: 'running', webUi: link })}\n`
        : `started ${workflowId}\n  Web UI: ${link}\n`,
    );
    return ExitCode.Ok;
  }
  if (!options.json) out.write(`${summary(input)}\n  workflow ${workflowId}\n`);
  const outcome = await follow(connected, handle, options.json ? undefined : new ProgressView(out));
  if (options.json) {
    out.write(`${JSON.stringify(outcomeJson(outcome, workflowId, handle.firstExecutionRunId, link))}\n`);
  } else if (outcome.exitCode === ExitCode.BadInput) {
    // Bad input found by the run itself (no such catalog, a domain not the tenant's): one line, as for flag errors.
    throw new CliError(outcome.error ?? 'invalid input', ExitCode.BadInput);
  } else {
    out.write(renderOutcome(outcome, workflowId, link));
  }
  return outcome.exitCode;
}
