// Approval policies and approvers' calls, shared by the approval tests so each test states only the behaviour it
// checks. Users act through the official Graph client with their own delegated tokens (password sign-in).
/* eslint-disable @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import type { Client } from '@microsoft/microsoft-graph-client';
import type { EmulatorHarness } from './harness.js';
import { createUser, em, password, provision, requestAssignment, type Json, type Provisioned } from './steps.js';

export const singleUser = (userId: string) => ({ '@odata.type': '#microsoft.graph.singleUser', userId });
export const groupMembers = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupMembers', groupId });
export const requestorManager = (managerLevel = 1) => ({
  '@odata.type': '#microsoft.graph.requestorManager',
  managerLevel,
});

/** One accessPackageApprovalStage, a week to decide, no escalation, unless overridden. */
export function stage(overrides: Json = {}): Json {
  return {
    durationBeforeAutomaticDenial: 'P7D',
    isApproverJustificationRequired: false,
    isEscalationEnabled: false,
    durationBeforeEscalation: 'PT0S',
    primaryApprovers: [],
    fallbackPrimaryApprovers: [],
    escalationApprovers: [],
    fallbackEscalationApprovers: [],
    ...overrides,
  };
}

export const approvalSettings = (stages: Json[]) => ({
  requestApprovalSettings: { isApprovalRequiredForAdd: true, isApprovalRequiredForUpdate: false, stages },
});

/** The official Graph client acting as this user. */
export const asUser = (h: EmulatorHarness, user: Json): Client =>
  h.graph(h.userCredential(user.userPrincipalName as string, password));

/** Users to approve with, created through Graph. */
export async function approvers(h: EmulatorHarness, count: number): Promise<Json[]> {
  return Promise.all(Array.from({ length: count }, () => createUser(h.graph(), h.info.domain)));
}

/** A package whose policy requires approval with these stages, and the requestor's userAdd on it. */
export async function pendingRequest(h: EmulatorHarness, stages: Json[]): Promise<Provisioned & { request: Json }> {
  const p = await provision(h.graph(), h.info.domain, approvalSettings(stages));
  const request = await requestAssignment(asUser(h, p.user), 'userAdd', p.user.id, p.policy.id, p.accessPackage.id);
  return { ...p, request };
}

export const getApproval = (graph: Client, requestId: string): Promise<Json> =>
  graph.api(`${em}/accessPackageAssignmentApprovals/${requestId}`).get();

export const decide = (graph: Client, requestId: string, stageId: string, reviewResult: string, justification = '') =>
  graph
    .api(`${em}/accessPackageAssignmentApprovals/${requestId}/stages/${stageId}`)
    .patch({ reviewResult, justification });

/** The stage in progress, as the approver sees it. */
export async function currentStage(graph: Client, requestId: string): Promise<Json> {
  const approval = await getApproval(graph, requestId);
  return (approval.stages as Json[]).find((s) => s.status === 'InProgress')!;
}

export const getRequest = (h: EmulatorHarness, id: string): Promise<Json> =>
  h.graph().api(`${em}/assignmentRequests/${id}`).get();
