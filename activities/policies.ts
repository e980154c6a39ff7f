// The assignment policy: who may be assigned (the requestor), expiring after N days, with the approval stages the
// operator asked for (none by default).

import type { Client } from '@microsoft/microsoft-graph-client';
import { EM, graphCall, odataString, visible, type FoundObject, type GraphList } from './graph-call.js';
import { type KeyedObjectGraph, makeOnce, removeOnce } from './keyed-objects.js';
import type { Holder } from '../common/object-keys.js';
import type { ResolvedStage } from './approvals.js';
import type { MadeObject, RemovedObject } from './types.js';

interface PolicyRecord extends FoundObject {
  displayName: string;
  specificAllowedTargets?: { '@odata.type'?: string; userId?: string }[];
}

export interface CreatePolicyInput {
  holder: Holder;
  accessPackageId: string;
  displayName: string;
  description: string;
  /** The requestor: the one user the policy allows. */
  requestorId: string;
  durationDays: number;
  /** The run created the package moments ago: it has no policies yet, so a first maker skips the lookup. */
  packageCreated?: boolean;
  /** Approval stages, approvers found; none: no approval. */
  approvalStages?: ResolvedStage[];
}

export interface DeletePolicyInput {
  holder: Holder;
  accessPackageId: string;
  displayName: string;
  requestorId: string;
}

/** Graph's requestApprovalSettings for the stages: durations in days, escalation only where it has approvers. */
function approvalSettings(stages: readonly ResolvedStage[]): Record<string, unknown> {
  return {
    isApprovalRequiredForAdd: stages.length > 0,
    isApprovalRequiredForUpdate: false,
    stages: stages.map((stage) => ({
      durationBeforeAutomaticDenial: `P${stage.denyAfterDays}D`,
      isApproverJustificationRequired: false,
      isEscalationEnabled: stage.escalateAfterDays !== undefined && stage.escalationApprovers.length > 0,
      durationBeforeEscalation: stage.escalateAfterDays === undefined ? 'PT0S' : `P${stage.escalateAfterDays}D`,
      primaryApprovers: stage.primaryApprovers,
      fallbackPrimaryApprovers: stage.fallbackPrimaryApprovers,
      escalationApprovers: stage.escalationApprovers,
      fallbackEscalationApprovers: [],
    })),
  };
}

/** The tutorial's policy in its v1.0 shape (the accessPackageAssignmentPolicy resource of Graph v1.0): specific users, expiry after N days, and the approval stages given (none: no approval). */
export function policyBody(input: Omit<CreatePolicyInput, 'holder'>): Record<string, unknown> {
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
    requestApprovalSettings: approvalSettings(input.approvalStages ?? []),
    accessPackage: { id: input.accessPackageId },
  };
}

export function policyActivities(graph: Client) {
  function policyGraph(key: Omit<DeletePolicyInput, 'holder'>, create?: CreatePolicyInput): KeyedObjectGraph {
    return {
      what: `policy "${key.displayName}" on access package ${key.accessPackageId}`,
      calls: {
        create: `POST /v1.0${EM}/assignmentPolicies`,
        remove: `DELETE /v1.0${EM}/assignmentPolicies/{id}`,
        read: `GET /v1.0${EM}/assignmentPolicies/{id}`,
      },
      async findAll() {
        const page = await graphCall(
          {
            description: `list policies of access package ${key.accessPackageId}`,
            call: `GET /v1.0${EM}/assignmentPolicies`,
            mayLag: true,
          },
          () =>
            graph
              .api(`${EM}/assignmentPolicies`)
              .filter(`accessPackage/id eq ${odataString(key.accessPackageId)}`)
              .get() as Promise<GraphList<PolicyRecord>>,
        );
        // A policy of the same name for another requestor is not this key's: it would not allow this requestor.
        return page.value.filter(
          (p) =>
            p.displayName.toLowerCase() === key.displayName.toLowerCase() &&
            (p.specificAllowedTargets ?? []).some((t) => t.userId === key.requestorId),
        );
      },
      async create() {
        if (!create) throw new Error('a policy is created only by createPolicy');
        return ((await graph.api(`${EM}/assignmentPolicies`).post(policyBody(create))) as PolicyRecord).id;
      },
      remove: (id) => graph.api(`${EM}/assignmentPolicies/${id}`).delete() as Promise<unknown>,
      read: (id) => graph.api(`${EM}/assignmentPolicies/${id}`).get() as Promise<unknown>,
    };
  }

  const policyKey = (input: Omit<DeletePolicyInput, 'holder'>) =>
    ({
      kind: 'assignmentPolicy',
      accessPackageId: input.accessPackageId,
      displayName: input.displayName,
      requestorId: input.requestorId,
    }) as const;

  return {
    /** POST assignmentPolicies, unless the package has a policy of that name for this requestor (adopted). */
    createPolicy(input: CreatePolicyInput): Promise<MadeObject> {
      return makeOnce(input.holder, policyKey(input), policyGraph(input, input), {
        parentJustMade: input.packageCreated,
        probe: visible(graph, `${EM}/accessPackages/${input.accessPackageId}`, `/users/${input.requestorId}`),
      });
    },

    /** DELETE assignmentPolicies/{id}; Graph refuses while the policy has assignments. */
    deletePolicy(input: DeletePolicyInput): Promise<RemovedObject> {
      return removeOnce(input.holder, policyKey(input), policyGraph(input));
    },
  };
}
