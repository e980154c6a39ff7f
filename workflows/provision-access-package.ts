// The provisioning saga: the Microsoft Learn entitlement-management tutorial as a durable workflow.
//
//   validate → preflight (domain ∥ catalog) → user ∥ group → group into catalog → resource → Member role
//            ↘ access package (beside the catalog steps) → role scope → policy → request → poll until delivered
//            → verify → clean up now | keep | hold until a teardown signal or the expiry
//
// Every step that leaves something behind is registered with the saga before it runs; any failure or a cancellation
// unwinds what this run created, in dependency order, in a scope that cannot be cancelled.

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
import { FailureType } from '../common/failure-types.js';
import type { ObjectKind, ObjectRecord, ProvisioningInput, ProvisioningResult, UndoRecord } from '../common/provisioning.js';
import { AccessPackageName, RequestorDomain, RequestorUpn } from '../common/search-attributes.js';
import { formatIssues, validateProvisioningInput } from '../common/validation.js';
import { forward } from './activity-proxies.js';
import { awaitDelivery, verifyAccess } from './delivery.js';
import { joinSteps } from './join.js';
import { progressQuery, teardownSignal } from './messages.js';
import { RunState } from './run-state.js';
import { Saga, type TrackedObject } from './saga.js';
import type { CatalogResource } from '../activities/catalog.js';
import { undoFor, type UndoKeys } from './undo.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function provisionAccessPackage(rawInput: ProvisioningInput): Promise<ProvisioningResult> {
  const { workflowId } = workflowInfo();
  const state = new RunState(workflowId);
  let teardownRequested = false;
  setHandler(progressQuery, () => state.progress);
  setHandler(teardownSignal, () => {
    teardownRequested = true;
  });

  // 1. Validate, before any side effect.
  const validation = await state.step('validate', () => Promise.resolve(validateProvisioningInput(rawInput)));
  if (!validation.ok) {
    const message = `invalid input: ${formatIssues(validation.issues)}`;
    state.setError(message);
    state.setOutcome('failed');
    throw ApplicationFailure.create({ type: FailureType.InvalidInput, message, nonRetryable: true, details: [validation.issues] });
  }
  const input = validation.input;
  upsertSearchAttributes([
    { key: AccessPackageName, value: input.packageName },
    { key: RequestorUpn, value: input.requestorUpn.toLowerCase() },
    { key: RequestorDomain, value: input.requestorUpn.slice(input.requestorUpn.lastIndexOf('@') + 1).toLowerCase() },
  ]);

  const saga = new Saga();
  const keys: UndoKeys = {
    userPrincipalName: input.requestorUpn,
    groupMailNickname: input.groupMailNickname,
    packageName: input.packageName,
    policyName: input.policyName,
  };

  /** Registers the object, runs its step, then records the id and whether this run created it. */
  async function make(kind: ObjectKind, name: string, run: (tracked: TrackedObject) => Promise<{ id: string; created: boolean }>) {
    const tracked = saga.register(kind, name);
    const result = await run(tracked);
    const record: ObjectRecord = { kind, name, id: result.id, created: result.created };
    tracked.record = record;
    state.recordObject(record);
    return result;
  }

  let request: { id: string; state: string } = { id: '', state: '' };
  let catalogId = '';
  try {
    // 2. Preflight: read-only checks, so bad input fails with nothing created.
    state.setStage('Provisioning');
    ({ catalogId } = await state.step(
      'preflight',
      async () => {
        // Runs started before the permission check existed replay without it.
        const permissions = patched('preflight-permissions')
          ? forward.checkPermissions.executeWithOptions({ summary: 'check the Graph permissions of the worker' }, [])
          : Promise.resolve();
        const [, , catalog] = await joinSteps([
          permissions,
          forward.checkRequestorDomain.executeWithOptions({ summary: `check domain of ${input.requestorUpn}` }, [
            { userPrincipalName: input.requestorUpn },
          ]),
          forward.findCatalog.executeWithOptions({ summary: `find catalog "${input.catalogName}"` }, [{ catalogName: input.catalogName }]),
        ]);
        return catalog;
      },
      (c) => `catalog ${c.catalogId}`,
    ));
    keys.catalogId = catalogId;
    if (input.dryRun) {
      state.setOutcome('completed');
      return { workflowId, outcome: 'completed', cleanup: input.cleanup, tornDown: false, dryRun: true, catalogId, objects: [], undone: [], request };
    }

    // 3. The user and the group, side by side; then the catalog steps beside the access package.
    const [user, group] = await joinSteps([
      state.step('createUser', () =>
        make('user', input.requestorUpn, () =>
          forward.createUser.executeWithOptions({ summary: `create user ${input.requestorUpn}` }, [
            { userPrincipalName: input.requestorUpn, displayName: input.requestorDisplayName },
          ]),
        ), describeMade),
      state.step('createGroup', () =>
        make('group', input.groupName, () =>
          forward.createGroup.executeWithOptions({ summary: `create group "${input.groupName}"` }, [
            { displayName: input.groupName, mailNickname: input.groupMailNickname, description: input.groupName },
          ]),
        ), describeMade),
    ]);

    const catalogSteps = (async () => {
      const inCatalog = saga.register('catalogResource', input.groupName);
      const added = await state.step('addGroupToCatalog', () =>
        forward.addGroupToCatalog.executeWithOptions({ summary: `add group ${group.id} to catalog ${catalogId}` }, [
          { catalogId, groupId: group.id, groupCreated: group.created },
        ]),
      );
      inCatalog.record = { kind: 'catalogResource', name: input.groupName, id: group.id, created: added.created };
      const resource = await state.step('findCatalogResource', () =>
        forward.findCatalogResource.executeWithOptions({ summary: `find group ${group.id} in catalog ${catalogId}` }, [
          { catalogId, groupId: group.id },
        ]), (r) => `resource ${r.resourceId}`);
      inCatalog.record = { ...inCatalog.record, id: resource.resourceId };
      state.recordObject(inCatalog.record);
      const role = await state.step('findMemberRole', () =>
        forward.findMemberRole.executeWithOptions({ summary: `find the Member role of resource ${resource.resourceId}` }, [
          { catalogId, resourceId: resource.resourceId },
        ]), (r) => `role ${r.roleOriginId}`);
      return { resource, role };
    })();
    const packageStep = state.step('createAccessPackage', () =>
      make('accessPackage', input.packageName, () =>
        forward.createAccessPackage.executeWithOptions({ summary: `create access package "${input.packageName}"` }, [
          { catalogId, displayName: input.packageName, description: input.packageName },
        ]),
      ), describeMade);
    const createPolicy = (accessPackage: { id: string; created: boolean }) =>
      state.step('createPolicy', () =>
        make('assignmentPolicy', input.policyName, () =>
          forward.createPolicy.executeWithOptions({ summary: `create policy "${input.policyName}"` }, [
            {
              accessPackageId: accessPackage.id,
              packageCreated: accessPackage.created,
              displayName: input.policyName,
              description: `${input.policyName} can request assignment`,
              requestorId: user.id,
              durationDays: input.durationDays,
            },
          ]),
        ), describeMade);
    const addRoleScope = (accessPackage: { id: string; created: boolean }, resource: CatalogResource, role: { roleId: string; roleOriginId: string }) =>
      state.step('addRoleScope', () =>
        make('roleScope', `Member of ${input.groupName}`, () =>
          forward.addRoleScope.executeWithOptions({ summary: `add the Member role to access package ${accessPackage.id}` }, [
            {
              accessPackageId: accessPackage.id,
              packageCreated: accessPackage.created,
              resourceId: resource.resourceId,
              roleId: role.roleId,
              roleOriginId: role.roleOriginId,
              scopeId: resource.scopeId,
              scopeOriginId: resource.scopeOriginId,
            },
          ]),
        ), describeMade);

    let accessPackage: { id: string; created: boolean };
    let policy: { id: string; created: boolean };
    if (patched('policy-beside-catalog')) {
      // The policy needs only the package and the user: it is created while the catalog steps wait for Entra, so
      // that it has replicated by the time the request names it.
      const policyStep = packageStep.then((created) => createPolicy(created));
      const [{ resource, role }, createdPackage, createdPolicy] = await joinSteps([catalogSteps, packageStep, policyStep]);
      accessPackage = createdPackage;
      policy = createdPolicy;
      await addRoleScope(accessPackage, resource, role);
    } else {
      // Runs started before: the policy after the role scope.
      const [{ resource, role }, createdPackage] = await joinSteps([catalogSteps, packageStep]);
      accessPackage = createdPackage;
      await addRoleScope(accessPackage, resource, role);
      policy = await createPolicy(accessPackage);
    }

    // 4. Request the assignment and poll until it is delivered.
    const assignment = saga.register('assignment', input.requestorUpn);
    const requested = await state.step('requestAssignment', () =>
      forward.requestAssignment.executeWithOptions({ summary: `adminAdd ${input.requestorUpn} to "${input.packageName}"` }, [
        { accessPackageId: accessPackage.id, policyId: policy.id, targetId: user.id, policyCreated: policy.created },
      ]), (r) => `request ${r.requestId} ${r.state}`);
    assignment.record = {
      kind: 'assignment',
      name: input.requestorUpn,
      id: requested.requestId,
      created: !(requested.alreadyAssigned && !policy.created),
    };
    state.recordObject(assignment.record);
    state.setRequestState(requested.state);

    state.setStage('AwaitingDelivery');
    request = await state.step('awaitDelivery', () => awaitDelivery(requested, input.deliveryTimeoutSeconds, state), (r) => r.state);

    // 5. Verify: the assignment is listed for the policy and the requestor is in the group.
    state.setStage('Verifying');
    keys.assignmentId = await state.step(
      'verify',
      () => verifyAccess({ policyId: policy.id, groupId: group.id, userId: user.id }),
      () => 'assignment delivered and membership seen',
    );
    keys.requestDelivered = true;
  } catch (error) {
    await compensate(saga, keys, state, error);
  }

  // 6. The operator's choice.
  let undone: UndoRecord[] = [];
  let tornDown = false;
  try {
    if (input.cleanup === 'hold') {
      state.setStage('Holding');
      await condition(() => teardownRequested, input.durationDays * DAY_MS);
    }
    if (input.cleanup !== 'keep') {
      state.setStage('TearingDown');
      undone = await state.step('teardown', () =>
        CancellationScope.nonCancellable(() => saga.unwind(undoFor(saga, keys), (r) => state.recordUndo(r))),
      );
      tornDown = true;
      const failed = undone.filter((u) => u.outcome === 'failed');
      if (failed.length) {
        const message = `teardown left ${failed.map((u) => `${u.kind} ${u.name}`).join(', ')}: ${failed.map((u) => u.error).join('; ')}`;
        state.setError(message);
        state.setOutcome('failed');
        throw ApplicationFailure.create({
          type: FailureType.TeardownIncomplete,
          message,
          nonRetryable: true,
          details: [{ objects: saga.records, undone }],
        });
      }
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled while holding: clean up like any cancelled run.
    await compensate(saga, keys, state, error);
  }
  state.setOutcome('completed');
  return { workflowId, outcome: 'completed', cleanup: input.cleanup, tornDown, dryRun: false, catalogId, objects: saga.records, undone, request };
}

function describeMade(result: { id: string; created: boolean }): string {
  return `${result.created ? 'created' : 'adopted'} ${result.id}`;
}

/**
 * Rolls back what the run created, then ends the run: a cancellation stays a cancellation; any other failure becomes
 * ProvisioningFailed (everything undone) or carries which undo failed. Never returns.
 */
async function compensate(saga: Saga, keys: UndoKeys, state: RunState, error: unknown): Promise<never> {
  const cancelled = isCancellation(error);
  const reason = describeError(error);
  state.setError(reason);
  state.setStage('Compensating');
  const undone = await CancellationScope.nonCancellable(() =>
    saga.unwind(undoFor(saga, keys), (r) => state.recordUndo(r)),
  );
  const failed = undone.filter((u) => u.outcome === 'failed');
  state.setOutcome(cancelled ? 'cancelled' : failed.length ? 'failed' : 'compensated');
  if (cancelled) throw error;
  const left = failed.length ? ` Compensation could not undo: ${failed.map((u) => `${u.kind} ${u.name} (${u.error})`).join('; ')}.` : '';
  throw ApplicationFailure.create({
    type: failed.length ? FailureType.TeardownIncomplete : FailureType.ProvisioningFailed,
    message: `${reason.replace(/\.+$/, '')}.${left || ' Everything this run created was rolled back.'}`,
    nonRetryable: true,
    cause: error instanceof Error ? error : undefined,
    details: [{ objects: saga.records, undone }],
  });
}

/** The innermost useful message of a failure chain (activity failures wrap the activity's own error). */
function describeError(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
