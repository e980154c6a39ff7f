// The fast tier: workflow decisions on Temporal's time-skipping test server, with the activities stubbed. Days of
// workflow time pass in seconds; the end-to-end tiers (test/saga, test/cli) keep running the real stack.

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import proto from '@temporalio/proto';
import type { Activities } from '../../activities/index.js';
import { FailureType } from '../../common/failure-types.js';
import { graphWritesQueue } from '../../common/provisioning.js';
import { projectSearchAttributes } from '../../common/search-attributes.js';
import { ensureTemporalCli, temporalTestServer } from '../../devstack/temporal-cli.mjs';
import { quietRuntime, uniqueId, workflowBundle } from './temporal.js';

/** A time-skipping test server with the project's search attributes. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = ensureTemporalCli({ tool: temporalTestServer });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      projectSearchAttributes.map((key) => [
        key.name,
        key.type === 'DATETIME'
          ? proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
          : proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/** One call of a stubbed activity: its name, input and the server's (skipped) time when it was scheduled. */
export interface StubCall {
  name: string;
  input: unknown;
  scheduledAtMs: number;
}

export type StubActivities = {
  [K in keyof Activities]: (...args: Parameters<Activities[K]>) => Promise<Awaited<ReturnType<Activities[K]>>>;
};

/**
 * Activities that succeed the way Graph does on the happy path; `overrides` replace any of them. Every call is
 * recorded with the workflow time it was scheduled at.
 */
export function stubActivities(overrides: Partial<StubActivities> = {}): {
  activities: StubActivities;
  calls: StubCall[];
} {
  const calls: StubCall[] = [];
  const made = (id: string) => Promise.resolve({ id, created: true, strays: [] });
  const removed = () => Promise.resolve({ outcome: 'undone' as const, strays: [] });
  const happy: StubActivities = {
    checkPermissions: () => Promise.resolve({ checked: true, roles: [] }),
    checkRequestorDomain: (input) => Promise.resolve({ domain: input.userPrincipalName.split('@')[1] ?? '' }),
    findCatalog: () => Promise.resolve({ catalogId: 'catalog-1' }),
    createUser: () => made('user-1'),
    createGroup: () => made('group-1'),
    addGroupToCatalog: () => made('group-1'),
    findCatalogResource: () =>
      Promise.resolve({ resourceId: 'resource-1', scopeId: 'scope-1', scopeOriginId: 'group-1' }),
    findMemberRole: () => Promise.resolve({ roleId: 'role-1', roleOriginId: 'Member_group-1' }),
    findResourceRole: (input) =>
      Promise.resolve({ roleId: `role-${input.role}`, roleOriginId: input.originIds?.[0] ?? input.role }),
    findApplication: (input) =>
      Promise.resolve({
        servicePrincipalId: 'sp-1',
        appId: input.app,
        displayName: input.app,
        roleIds: ['app-role-1'],
        roleNames: [input.role],
      }),
    listAppRoleAssignedTo: () => Promise.resolve({ assignments: [{ principalId: 'user-1', appRoleId: 'app-role-1' }] }),
    findSite: () => Promise.resolve({ siteId: 'site-1' }),
    resolveApprovers: (input) =>
      Promise.resolve({
        stages: input.approval.stages.map((stage) => ({
          primaryApprovers: stage.approvers.map((ref) => ({
            '@odata.type': '#microsoft.graph.singleUser' as const,
            userId: `id-of-${ref}`,
            description: ref,
          })),
          fallbackPrimaryApprovers: [],
          escalationApprovers: [],
          denyAfterDays: stage.denyAfterDays ?? 14,
        })),
      }),
    findRequestorRequest: () => Promise.resolve({}),
    addResourceToCatalog: (input) => made(input.originId),
    createAccessPackage: () => made('package-1'),
    createPolicy: () => made('policy-1'),
    addRoleScope: () => made('scope-1'),
    requestAssignment: () => Promise.resolve({ requestId: 'request-1', state: 'submitted', alreadyAssigned: false }),
    getRequestState: (input) => Promise.resolve({ requestId: input.requestId, state: 'delivered' }),
    listPolicyAssignments: () =>
      Promise.resolve({ assignments: [{ id: 'assignment-1', state: 'delivered', targetId: 'user-1' }] }),
    listGroupMembers: () => Promise.resolve({ memberIds: ['user-1'] }),
    requestRemoval: () => Promise.resolve({ requestId: 'removal-1', alreadyRemoved: false }),
    deleteUser: removed,
    deleteGroup: removed,
    removeGroupFromCatalog: removed,
    removeResourceFromCatalog: removed,
    deleteAccessPackage: removed,
    removeRoleScope: removed,
    deletePolicy: removed,
  };
  const activities = Object.fromEntries(
    Object.entries({ ...happy, ...overrides }).map(([name, stub]) => [
      name,
      (input: unknown) => {
        calls.push({ name, input, scheduledAtMs: Context.current().info.currentAttemptScheduledTimestampMs });
        return (stub as (input: unknown) => Promise<unknown>)(input);
      },
    ]),
  ) as StubActivities;
  return { activities, calls };
}

/** A Graph refusal as the activities raise it (final for forward steps; undos retry it). */
export function badRequest(message = 'Injected.'): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.BadRequest, message });
}

/** Runs `body` with the saga's workers (runs queue and Graph-writes queue) on the test server. */
export async function withWorkers<T>(
  env: TestWorkflowEnvironment,
  activities: StubActivities,
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = uniqueId('fast');
  const bundle = await workflowBundle();
  const runs = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  const writes = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: graphWritesQueue(taskQueue),
    activities,
  });
  return runs.runUntil(writes.runUntil(body(taskQueue)));
}
