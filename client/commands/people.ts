// The people's side of a run: `request` (the requestor asks for the package), `approvals` (what waits for approval),
// `approve` / `deny` (an approver decides the current stage) and `cancel-request` (a person cancels a pending request).
// Graph lets only a signed-in person do these, so each signs one in with the device code; what it did in Graph is the
// truth the run follows, and a signal only tells the run to look now.

import type { DeviceCodeInfo } from '@azure/identity';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { ApprovalDecision } from '../../common/approvals.js';
import type { Progress } from '../../common/provisioning.js';
import { ProvisioningStage } from '../../common/search-attributes.js';
import { ConfigError } from '../../config/config-error.js';
import { discoverLocalEmulator } from '../../graph/local-emulator.js';
import { graphSettingsFromEnv } from '../../graph/settings.js';
import { delegatedScopes, signedInGraphClient } from '../../graph/sign-in.js';
import {
  approvalDecidedSignal,
  progressQuery,
  requestCancelledSignal,
  requestMadeSignal,
} from '../../workflows/messages.js';
import type { Connected } from '../connect.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Output } from '../render.js';
import { describeRun } from './inspect.js';

const EM = '/identityGovernance/entitlementManagement';

export interface PeopleOptions {
  json: boolean;
  /** Where the sign-in prompt goes: the terminal's stderr, so that --json output stays one object. */
  prompt: Output;
  env: NodeJS.ProcessEnv;
}

/**
 * A Graph client for a person: the tenant of AZURE_TENANT_ID with the public client app ENTRA_SAGA_SIGN_IN_CLIENT_ID,
 * or, with no tenant configured, the local emulator and its app.
 */
async function signIn(scope: string, options: PeopleOptions): Promise<Client> {
  const { env } = options;
  try {
    const configured = Boolean(env.AZURE_TENANT_ID?.trim());
    const settings = configured ? graphSettingsFromEnv(env) : await discoverLocalEmulator(env);
    const clientId = env.ENTRA_SAGA_SIGN_IN_CLIENT_ID?.trim() || (configured ? undefined : settings.clientId);
    if (!clientId) {
      throw new ConfigError(
        'ENTRA_SAGA_SIGN_IN_CLIENT_ID',
        'is not set: give the application (client) id of a public client app registration that people sign in to (README, "People in the loop")',
      );
    }
    const prompt = (info: DeviceCodeInfo) => options.prompt.write(`${info.message}\n`);
    return signedInGraphClient(settings, { clientId, scope, prompt });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.BadInput);
    throw error;
  }
}

/** What a person's Graph call was refused for, in one line. */
function refused(error: unknown, what: string): CliError {
  if (error instanceof GraphError) {
    const hint =
      error.statusCode === 403
        ? ' (the signed-in person may not do this)'
        : error.statusCode === 409
          ? ' (someone decided it already)'
          : '';
    return new CliError(
      `${what}: Graph answered ${error.statusCode} ${error.code ?? ''}${hint}: ${error.message}`,
      ExitCode.RunFailed,
    );
  }
  return new CliError(
    `${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    ExitCode.RunFailed,
  );
}

/** The run's progress, which must be open. */
async function openRun(connected: Connected, workflowId: string): Promise<Progress> {
  const description = await describeRun(connected, workflowId);
  if (description.status.name !== 'RUNNING')
    throw new CliError(`${workflowId} is ${description.status.name}, not waiting for anyone`, ExitCode.BadInput);
  return connected.client.workflow.getHandle(workflowId).query(progressQuery);
}

const idOf = (progress: Progress, kind: string) => progress.objects.find((o) => o.kind === kind)?.id;

/** The run's request, from what it shows. */
function requestOf(progress: Progress): string {
  const id = progress.approval?.requestId ?? idOf(progress, 'assignment');
  if (!id) throw new CliError(`${progress.workflowId} has no request yet (stage ${progress.stage})`, ExitCode.BadInput);
  return id;
}

/** `entra-saga request <workflowId>`: the requestor signs in and asks for the run's package (userAdd). */
export async function requestCommand(
  connected: Connected,
  workflowId: string,
  justification: string | undefined,
  options: PeopleOptions,
  out: Output,
): Promise<ExitCode> {
  const progress = await openRun(connected, workflowId);
  if (progress.stage !== 'AwaitingRequest')
    throw new CliError(
      `${workflowId} is not waiting for its requestor's request (stage ${progress.stage})`,
      ExitCode.BadInput,
    );
  const [accessPackageId, policyId, targetId] = ['accessPackage', 'assignmentPolicy', 'user'].map((k) =>
    idOf(progress, k),
  );
  const requestor = progress.objects.find((o) => o.kind === 'user')?.name;
  const graph = await signIn(delegatedScopes.requestor, options);
  const me = (await graph
    .api('/me')
    .select('id,userPrincipalName')
    .get()
    .catch((e: unknown) => {
      throw refused(e, 'sign-in');
    })) as { id: string; userPrincipalName: string };
  if (me.id !== targetId)
    throw new CliError(
      `signed in as ${me.userPrincipalName}, but the run's requestor is ${requestor}: only they can ask`,
      ExitCode.BadInput,
    );
  const request = (await graph
    .api(`${EM}/assignmentRequests`)
    .post({
      requestType: 'userAdd',
      assignment: { targetId, assignmentPolicyId: policyId, accessPackageId },
      ...(justification ? { justification } : {}),
    })
    .catch((e: unknown) => {
      throw refused(e, 'request the package');
    })) as { id: string; state: string };
  await connected.client.workflow.getHandle(workflowId).signal(requestMadeSignal, { requestId: request.id });
  out.write(
    options.json
      ? `${JSON.stringify({ workflowId, status: 'requested', requestId: request.id, state: request.state, by: me.userPrincipalName })}\n`
      : `${workflowId}: ${me.userPrincipalName} asked for the package; request ${request.id} is ${request.state}\n`,
  );
  return ExitCode.Ok;
}

interface ApprovalStage {
  id: string;
  status: string;
  reviewResult: string;
  assignedToMe?: boolean;
}

/** `entra-saga approve|deny <workflowId> --justification "…"`: an approver decides the request's current stage. */
export async function decideCommand(
  connected: Connected,
  workflowId: string,
  decision: { reviewResult: 'Approve' | 'Deny'; justification: string },
  options: PeopleOptions,
  out: Output,
): Promise<ExitCode> {
  const progress = await openRun(connected, workflowId);
  if (progress.stage !== 'AwaitingApproval')
    throw new CliError(`${workflowId} is not waiting for approval (stage ${progress.stage})`, ExitCode.BadInput);
  const requestId = requestOf(progress);
  const graph = await signIn(delegatedScopes.approver, options);
  const approval = (await graph
    .api(`${EM}/accessPackageAssignmentApprovals/${requestId}`)
    .expand('stages')
    .get()
    .catch((e: unknown) => {
      throw refused(e, `read the approval of request ${requestId}`);
    })) as { stages?: ApprovalStage[] };
  const stages = approval.stages ?? [];
  const index = stages.findIndex((s) => s.status === 'InProgress');
  const stage = stages[index];
  if (!stage) throw new CliError(`request ${requestId} has no stage waiting for a decision`, ExitCode.BadInput);
  await graph
    .api(`${EM}/accessPackageAssignmentApprovals/${requestId}/stages/${stage.id}`)
    .patch({ reviewResult: decision.reviewResult, justification: decision.justification })
    .catch((e: unknown) => {
      throw refused(e, `${decision.reviewResult.toLowerCase()} stage ${index + 1} of request ${requestId}`);
    });
  const me = (await graph.api('/me').select('userPrincipalName').get()) as { userPrincipalName: string };
  const decided: ApprovalDecision = {
    stage: index + 1,
    reviewResult: decision.reviewResult,
    by: me.userPrincipalName,
    at: new Date().toISOString(),
    ...(decision.justification ? { justification: decision.justification } : {}),
  };
  await connected.client.workflow.getHandle(workflowId).signal(approvalDecidedSignal, decided);
  const verb = decision.reviewResult === 'Approve' ? 'approved' : 'denied';
  out.write(
    options.json
      ? `${JSON.stringify({ workflowId, status: verb, requestId, ...decided })}\n`
      : `${workflowId}: ${me.userPrincipalName} ${verb} stage ${index + 1} of request ${requestId}\n`,
  );
  return ExitCode.Ok;
}

/** `entra-saga cancel-request <workflowId>`: the requestor (or an admin) cancels the run's pending request. */
export async function cancelRequestCommand(
  connected: Connected,
  workflowId: string,
  asAdmin: boolean,
  options: PeopleOptions,
  out: Output,
): Promise<ExitCode> {
  const progress = await openRun(connected, workflowId);
  const requestId = requestOf(progress);
  const graph = await signIn(asAdmin ? delegatedScopes.approver : delegatedScopes.requestor, options);
  await graph
    .api(`${EM}/assignmentRequests/${requestId}/cancel`)
    .post({})
    .catch((e: unknown) => {
      throw refused(e, `cancel request ${requestId}`);
    });
  const me = (await graph.api('/me').select('userPrincipalName').get()) as { userPrincipalName: string };
  await connected.client.workflow
    .getHandle(workflowId)
    .signal(requestCancelledSignal, { requestId, by: me.userPrincipalName });
  out.write(
    options.json
      ? `${JSON.stringify({ workflowId, status: 'cancelled', requestId, by: me.userPrincipalName })}\n`
      : `${workflowId}: ${me.userPrincipalName} cancelled request ${requestId}\n`,
  );
  return ExitCode.Ok;
}

interface Waiting {
  workflowId: string;
  requestId?: string;
  stage?: number;
  stages: number;
  approvers: string[];
  waitingSince?: string;
  deniesAt?: string;
  escalatesAt?: string;
}

/**
 * `entra-saga approvals [--mine]`: the runs waiting for approval, with the stage, who may decide and until when;
 * with --mine, only those the signed-in person may decide now (Graph's filterByCurrentUser).
 */
export async function approvalsCommand(
  connected: Connected,
  mine: boolean,
  options: PeopleOptions,
  out: Output,
): Promise<ExitCode> {
  const waiting: Waiting[] = [];
  const query = `${ProvisioningStage.name} = "AwaitingApproval" AND ExecutionStatus = "Running"`;
  for await (const run of connected.client.workflow.list({ query })) {
    const progress = await connected.client.workflow
      .getHandle(run.workflowId)
      .query(progressQuery)
      .catch((error: unknown) => connected.reach.ignoreUnlessUnreachable(error));
    const approval = progress?.approval;
    const stage = approval?.stages[(approval.currentStage ?? 1) - 1];
    waiting.push({
      workflowId: run.workflowId,
      requestId: approval?.requestId,
      stage: approval?.currentStage,
      stages: approval?.stages.length ?? 0,
      approvers: [...(stage?.approvers ?? []), ...(stage?.escalated ? (stage.escalationApprovers ?? []) : [])],
      waitingSince: approval?.approvalSince,
      deniesAt: stage?.deniesAt,
      escalatesAt: stage?.escalatesAt,
    });
  }
  let shown = waiting;
  if (mine) {
    const graph = await signIn(delegatedScopes.approver, options);
    const page = (await graph
      .api(`${EM}/accessPackageAssignmentApprovals/filterByCurrentUser(on='approver')`)
      .get()
      .catch((e: unknown) => {
        throw refused(e, 'list your approvals');
      })) as { value: { id: string }[] };
    const ids = new Set(page.value.map((a) => a.id));
    shown = waiting.filter((w) => w.requestId && ids.has(w.requestId));
  }
  if (options.json) {
    out.write(`${JSON.stringify({ approvals: shown })}\n`);
    return ExitCode.Ok;
  }
  if (shown.length === 0) {
    out.write(mine ? 'Nothing waits for your approval.\n' : 'No run waits for approval.\n');
    return ExitCode.Ok;
  }
  const rows = shown.map((w) => [
    w.workflowId,
    w.stage ? `${w.stage}/${w.stages}` : '?',
    w.approvers.join(', '),
    w.waitingSince ?? '',
    w.deniesAt ?? '',
  ]);
  const header = ['WORKFLOW ID', 'STAGE', 'APPROVERS', 'WAITING SINCE', 'DENIED AUTOMATICALLY AT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows])
    out.write(
      `${row
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  return ExitCode.Ok;
}
