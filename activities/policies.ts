// The assignment policy: who may be assigned (the requestor), with no approval, expiring after N days.

import type { Client } from '@microsoft/microsoft-graph-client';
import { EM, createdByThisStep, deleteCreated, firstAttempt, graphCall, odataString, visible, type GraphList } from './graph-call.js';
import type { CreatedOrAdopted, UndoOutcome } from './types.js';

const permission = 'EntitlementManagement.ReadWrite.All';

interface PolicyRecord {
  id: string;
  displayName: string;
  createdDateTime?: string | null;
  specificAllowedTargets?: { '@odata.type'?: string; userId?: string }[];
}

export interface CreatePolicyInput {
  accessPackageId: string;
  displayName: string;
  description: string;
  /** The requestor: the one user the policy allows. */
  requestorId: string;
  durationDays: number;
  /** The run created the package moments ago: it has no policies yet, so the first attempt skips the lookup. */
  packageCreated?: boolean;
}

export interface DeletePolicyInput {
  id?: string;
  /** Without an id: the policy with this name on this package, only if created at or after `createdSince`. */
  accessPackageId?: string;
  displayName?: string;
  createdSince?: string;
}

/** The tutorial's policy in its v1.0 shape (graph-api.md §3.3): specific users, no approval, expiry after N days. */
export function policyBody(input: CreatePolicyInput): Record<string, unknown> {
  return {
    displayName: input.displayName,
    description: input.description,
    allowedTargetScope: 'specificDirectoryUsers',
    specificAllowedTargets: [{ '@odata.type': '#microsoft.graph.singleUser', userId: input.requestorId }],
    expiration: { type: 'afterDuration', duration: `P${input.durationDays}D` },
    requestorSettings: {
      enableTargetsToSelfAddAccess: true,
      enableTargetsToSelfUpdateAccess: false,
      enableTargetsToSelfRemoveAccess: true,
      allowCustomAssignmentSchedule: false,
      enableOnBehalfRequestorsToAddAccess: false,
      enableOnBehalfRequestorsToUpdateAccess: false,
      enableOnBehalfRequestorsToRemoveAccess: false,
      onBehalfRequestors: [],
    },
    requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, stages: [] },
    accessPackage: { id: input.accessPackageId },
  };
}

export function policyActivities(graph: Client) {
  /** The package's policy with this name that allows `requestorId` (any of that name when no requestor is given). */
  async function findPolicy(accessPackageId: string, displayName: string, requestorId?: string): Promise<PolicyRecord | undefined> {
    const page = await graphCall({ description: `list policies of access package ${accessPackageId}`, permission, mayLag: true }, () =>
      graph
        .api(`${EM}/assignmentPolicies`)
        .filter(`accessPackage/id eq ${odataString(accessPackageId)}`)
        .get() as Promise<GraphList<PolicyRecord>>,
    );
    return page.value.find(
      (p) => p.displayName === displayName && (!requestorId || (p.specificAllowedTargets ?? []).some((t) => t.userId === requestorId)),
    );
  }

  return {
    /** POST assignmentPolicies, after looking for a policy of that name on the package. */
    async createPolicy(input: CreatePolicyInput): Promise<CreatedOrAdopted> {
      // A policy of the same name for another requestor is not ours to reuse: it would not allow this one.
      const existing =
        input.packageCreated && firstAttempt() ? undefined : await findPolicy(input.accessPackageId, input.displayName, input.requestorId);
      if (existing) return { id: existing.id, created: createdByThisStep(existing.createdDateTime) };
      const created = await graphCall(
        { description: `create policy "${input.displayName}" on access package ${input.accessPackageId}`, permission, mayLag: true },
        () => graph.api(`${EM}/assignmentPolicies`).post(policyBody(input)) as Promise<PolicyRecord>,
        visible(graph, `${EM}/accessPackages/${input.accessPackageId}`, `/users/${input.requestorId}`),
      );
      return { id: created.id, created: true };
    },

    /** DELETE assignmentPolicies/{id}; Graph refuses while the policy has assignments. */
    deletePolicy(input: DeletePolicyInput): Promise<UndoOutcome> {
      const { accessPackageId, displayName } = input;
      return deleteCreated({
        id: input.id,
        createdSince: input.createdSince,
        find: accessPackageId && displayName ? () => findPolicy(accessPackageId, displayName) : undefined,
        remove: (id) => graph.api(`${EM}/assignmentPolicies/${id}`).delete() as Promise<unknown>,
        operation: { description: `delete policy ${input.id ?? displayName}`, permission },
      });
    },
  };
}
