// The provisioning saga: the Microsoft Learn entitlement-management tutorial as a durable workflow.
//
//   validate → [preflight: permissions ∥ requestor domain ∥ catalog] ∥ user ∥ group(s) ∥ application look-ups
//            → [each resource into catalog → catalog resource → its role] ∥ [access package → policy]
//            → role scope(s) → request (adminAdd) → read until delivered → verify each resource
//            → clean up now | keep | hold until a teardown signal or the expiry
//
// Every step that leaves something behind is registered with the saga before it runs (steps.ts); any failure or a
// cancellation unwinds what this run holds, in dependency order, in a scope that cannot be cancelled (undo.ts).

import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { upnDomain } from '../common/defaults.js';
import { FailureType } from '../common/failure-types.js';
import type { Holder } from '../common/object-keys.js';
import { type ApprovalProgress, approvalDefaults } from '../common/approvals.js';
import type { ProvisioningInput, ProvisioningResult, UndoRecord } from '../common/provisioning.js';
import type { ResolvedStage } from '../activities/approvals.js';
import { AccessPackageName, RequestorDomain, RequestorUpn } from '../common/search-attributes.js';
import { type ValidProvisioningInput, formatIssues, validateProvisioningInput } from '../common/validation.js';
import { awaitDelivery, partialDeliveryFailure, verifyAccess } from './delivery.js';
import { joinSteps } from './join.js';
import {
  approvalDecidedSignal,
  progressQuery,
  refreshSignal,
  requestCancelledSignal,
  requestMadeSignal,
  teardownSignal,
} from './messages.js';
import { Waker, awaitApproval, recordDecision } from './people.js';
import { RunState, describeError } from './run-state.js';
import { Saga } from './saga.js';
import { type AssignmentRequest, type MadeObject, sagaSteps } from './steps.js';
import { type AssignmentFacts, undoFor } from './undo.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function provisionAccessPackage(rawInput: ProvisioningInput): Promise<ProvisioningResult> {
  const { workflowId, taskQueue } = workflowInfo();
  const state = new RunState(workflowId);
  let teardownRequested = false;
  setHandler(progressQuery, () => state.progress);
  setHandler(teardownSignal, () => {
    teardownRequested = true;
  });
  // People in the loop: entra-saga's commands tell the run to look at Graph now (people.ts).
  const waker = new Waker();
  setHandler(requestMadeSignal, () => waker.wake());
  setHandler(requestCancelledSignal, () => waker.wake());
  setHandler(refreshSignal, () => waker.wake());
  setHandler(approvalDecidedSignal, (decision) => {
    recordDecision(state, decision);
    waker.wake();
  });
  const input = await validate(rawInput, state);
  const saga = new Saga();
  const holder: Holder = { workflowId, taskQueue };
  const facts: AssignmentFacts = {};
  const steps = sagaSteps({ saga, state, holder, input });
  const result = {
    workflowId,
    outcome: 'completed',
    cleanup: input.cleanup,
    tornDown: false,
    dryRun: input.dryRun,
    catalogId: '',
    request: { id: '', state: '' },
  } as const;

  let catalogId = '';
  let request = { id: '', state: '' };
  try {
    state.setStage('Provisioning');
    const resources = steps.resources();
    if (input.dryRun) {
      // Read-only: the preflight, and each application and site with its role.
      [{ catalogId }] = await joinSteps([
        steps.preflight(),
        joinSteps(resources.map((r, i) => steps.findApplication(r, i))),
        joinSteps(resources.map((r, i) => steps.findSite(r, i))),
        steps.resolveApprovers(),
      ]);
      state.setOutcome('completed');
      return { ...result, catalogId, objects: [], undone: [] };
    }
    // Tutorial step 1: the requestor and the groups — beside the read-only preflight and the look-up of each
    // application, whose rare failure the rollback covers (runs started by 1.0.0 preflight first).
    let user: MadeObject;
    let approvalStages: ResolvedStage[] | undefined;
    if (patched('preflight-beside-first-creates')) {
      [{ catalogId }, user, , , approvalStages] = await joinSteps([
        steps.preflight(),
        steps.createUser(),
        joinSteps(resources.map((r) => steps.createGroup(r))),
        joinSteps(resources.map((r, i) => steps.findApplication(r, i))),
        steps.resolveApprovers(),
      ]);
    } else {
      ({ catalogId } = await steps.preflight());
      [user] = await joinSteps([steps.createUser(), joinSteps(resources.map((r) => steps.createGroup(r)))]);
    }
    // Step 2: each resource into the catalog, with the role the package grants, beside the package and its policy;
    // then the roles into the package.
    const packageMade = steps.createAccessPackage(catalogId);
    const [, accessPackage, policy] = await joinSteps([
      joinSteps(resources.map((r) => steps.addToCatalog(catalogId, r))),
      packageMade,
      packageMade.then((made) => steps.createPolicy(made, user, approvalStages)),
    ]);
    await joinSteps(resources.map((r) => steps.addRoleScope(accessPackage, r)));
    // Step 3: the request — the worker's adminAdd, or the requestor's own (people.ts) — and its approval when the
    // policy asks for one; then wait until it is delivered.
    const asking = input.requestedBy === 'requestor';
    const approval = input.approval;
    if (asking || approval) {
      state.setApproval(approvalProgress(input));
      const stageDays = (approval?.stages ?? []).reduce(
        (days, s) => days + (s.denyAfterDays ?? approvalDefaults.denyAfterDays),
        0,
      );
      facts.people = {
        state,
        waker,
        requestorAsks: asking,
        since: runStartedAt(),
        deniedByMs: () => {
          const since = state.progress.approval?.approvalSince;
          return (since ? Date.parse(since) : Date.now()) + (stageDays + 1) * DAY_MS;
        },
      };
    }
    const requested: AssignmentRequest & { createdDateTime?: string } = asking
      ? await steps.awaitRequest(accessPackage, user, waker, runStartedAt())
      : await steps.requestAssignment(accessPackage, policy, user);
    // A stage's deadlines count from when the request began waiting: its creation, as Graph recorded it.
    const created = requested.createdDateTime ? Date.parse(requested.createdDateTime) : NaN;
    const approve =
      asking || approval
        ? (requestState: string) =>
            state.step(
              'awaitApproval',
              () =>
                awaitApproval({
                  state,
                  waker,
                  requestId: requested.requestId,
                  requestState,
                  sinceMs: Number.isNaN(created) ? Date.now() : Math.min(created, Date.now()),
                  settings: approval ?? { stages: [] },
                }),
              (final) => `approved; request ${final}`,
            )
        : undefined;
    const toVerify = resources.map((r) => ({
      kind: r.spec.kind,
      label: r.label,
      groupId: r.group?.id,
      app:
        r.app && r.role
          ? { servicePrincipalId: r.app.servicePrincipalId, appRoleIds: [r.role.roleOriginId] }
          : undefined,
    }));
    state.setStage('AwaitingDelivery');
    request = await state.step(
      'awaitDelivery',
      async () => {
        try {
          return await awaitDelivery(requested, input.deliveryTimeoutSeconds, state, approve);
        } catch (error) {
          // One resource failed and others were delivered: name which, from what Graph shows.
          const partial =
            error instanceof ApplicationFailure &&
            (error.details?.[0] as { state?: string })?.state === 'partiallyDelivered';
          throw partial ? await partialDeliveryFailure(requested.requestId, user.id, toVerify) : error;
        }
      },
      (r) => r.state,
    );
    // Step 4: the assignment is listed for the policy, and the requestor holds each resource's role.
    state.setStage('Verifying');
    facts.assignmentId = await state.step(
      'verify',
      () => verifyAccess({ policyId: policy.id, userId: user.id, resources: toVerify }),
      () =>
        resources.length === 1 ? 'assignment delivered and membership seen' : 'assignment delivered and each role seen',
    );
    facts.requestDelivered = true;
  } catch (error) {
    await compensate(saga, holder, facts, state, error);
  }

  // Step 5: the operator's choice — clean up now, keep, or hold until a teardown signal or the expiry.
  let undone: UndoRecord[] = [];
  try {
    if (input.cleanup === 'hold') {
      state.setStage('Holding');
      await condition(() => teardownRequested, input.durationDays * DAY_MS);
    }
    if (input.cleanup !== 'keep') {
      state.setStage('TearingDown');
      undone = await state.step('teardown', () =>
        CancellationScope.nonCancellable(() => saga.unwind(undoFor(saga, holder, facts), (r) => state.recordUndo(r))),
      );
      failIfUndoFailed(undone, saga, state, 'teardown left');
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled while holding: clean up like any cancelled run.
    await compensate(saga, holder, facts, state, error);
  }
  state.setOutcome('completed');
  return { ...result, catalogId, request, tornDown: input.cleanup !== 'keep', objects: saga.records, undone };
}

/** What the run shows of its approval before the request: who asks, and each stage's approvers. */
function approvalProgress(input: ValidProvisioningInput): ApprovalProgress {
  return {
    requestedBy: input.requestedBy ?? 'operator',
    stages: (input.approval?.stages ?? []).map((stage) => ({
      approvers: stage.approvers,
      ...(stage.fallbackApprovers ? { fallbackApprovers: stage.fallbackApprovers } : {}),
      ...(stage.escalationApprovers ? { escalationApprovers: stage.escalationApprovers } : {}),
    })),
    reminders: 0,
  };
}

/** Requests made before this run started, less a margin for clocks, are an earlier run's. */
function runStartedAt(): string {
  return new Date(workflowInfo().startTime.getTime() - 5 * 60_000).toISOString();
}

/** Validates the input before any side effect, and makes the run findable by it. */
async function validate(rawInput: ProvisioningInput, state: RunState): Promise<ValidProvisioningInput> {
  const validation = await state.step('validate', () => Promise.resolve(validateProvisioningInput(rawInput)));
  if (!validation.ok) {
    const message = `invalid input: ${formatIssues(validation.issues)}`;
    state.setError(message);
    state.setOutcome('failed');
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message,
      nonRetryable: true,
      details: [validation.issues],
    });
  }
  const { input } = validation;
  upsertSearchAttributes([
    { key: AccessPackageName, value: input.packageName },
    { key: RequestorUpn, value: input.requestorUpn.toLowerCase() },
    { key: RequestorDomain, value: upnDomain(input.requestorUpn) },
  ]);
  return input;
}

/** Ends the run as TeardownIncomplete when an undo failed, naming what was left. */
function failIfUndoFailed(undone: UndoRecord[], saga: Saga, state: RunState, what: string): void {
  const failed = undone.filter((u) => u.outcome === 'failed');
  if (!failed.length) return;
  const message = `${what} ${failed.map((u) => `${u.kind} ${u.name}`).join(', ')}: ${failed.map((u) => u.error).join('; ')}`;
  state.setError(message);
  state.setOutcome('failed');
  throw ApplicationFailure.create({
    type: FailureType.TeardownIncomplete,
    message,
    nonRetryable: true,
    details: [{ objects: saga.records, undone }],
  });
}

/**
 * Rolls back what the run holds, then ends the run: a cancellation stays a cancellation; any other failure becomes
 * ProvisioningFailed (everything undone) or carries which undo failed. Never returns.
 */
async function compensate(
  saga: Saga,
  holder: Holder,
  facts: AssignmentFacts,
  state: RunState,
  error: unknown,
): Promise<never> {
  const cancelled = isCancellation(error);
  const reason = describeError(error);
  state.setError(reason);
  state.setStage('Compensating');
  const undone = await CancellationScope.nonCancellable(() =>
    saga.unwind(undoFor(saga, holder, facts), (r) => state.recordUndo(r)),
  );
  const failed = undone.filter((u) => u.outcome === 'failed');
  state.setOutcome(cancelled ? 'cancelled' : failed.length ? 'failed' : 'compensated');
  if (cancelled) throw error;
  const left = failed.length
    ? ` Compensation could not undo: ${failed.map((u) => `${u.kind} ${u.name} (${u.error})`).join('; ')}.`
    : '';
  throw ApplicationFailure.create({
    type: failed.length ? FailureType.TeardownIncomplete : FailureType.ProvisioningFailed,
    message: `${reason.replace(/\.+$/, '')}.${left || ' Everything this run created was rolled back.'}`,
    nonRetryable: true,
    cause: error instanceof Error ? error : undefined,
    details: [{ objects: saga.records, undone }],
  });
}
