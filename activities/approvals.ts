// People in the loop, as the worker sees them with its app-only token: the approvers named by the operator, found in
// the directory (read-only, beside the preflight), and the requestor's own request for the package, found when the
// requestor asks. Deciding and cancelling are delegated-only on Graph: the CLI does them with a person's sign-in.

import type { Client } from '@microsoft/microsoft-graph-client';
import { ApplicationFailure } from '@temporalio/common';
import { type ApprovalSettings, approvalDefaults, parseApprover } from '../common/approvals.js';
import { FailureType } from '../common/failure-types.js';
import { EM, graphCall, graphCallOrNotFound, notFound, odataString, type GraphList } from './graph-call.js';

/** An approver as Graph's policy takes it: a subjectSet. */
export type SubjectSet =
  | { '@odata.type': '#microsoft.graph.singleUser'; userId: string; description: string }
  | { '@odata.type': '#microsoft.graph.groupMembers'; groupId: string; description: string }
  | { '@odata.type': '#microsoft.graph.requestorManager'; managerLevel: number };

/** A stage with its approvers found: what the policy's requestApprovalSettings.stages holds. */
export interface ResolvedStage {
  primaryApprovers: SubjectSet[];
  fallbackPrimaryApprovers: SubjectSet[];
  escalationApprovers: SubjectSet[];
  escalateAfterDays?: number;
  denyAfterDays: number;
}

interface RequestRecord {
  id: string;
  requestType: string;
  state: string;
  status?: string;
  createdDateTime?: string;
}

/** The requestor's request, as the worker found it. */
export interface FoundRequest {
  requestId: string;
  state: string;
  createdDateTime?: string;
}

export function approvalActivities(graph: Client) {
  const refuse = (field: string, problem: string) =>
    ApplicationFailure.create({ type: FailureType.PreflightFailed, message: `${field}: ${problem}` });

  async function subjectOf(ref: string, field: string): Promise<SubjectSet> {
    const approver = parseApprover(ref);
    if (!approver) throw refuse(field, `"${ref}" is not an approver`);
    switch (approver.kind) {
      case 'manager':
        return { '@odata.type': '#microsoft.graph.requestorManager', managerLevel: approver.level };
      case 'user': {
        const user = await graphCallOrNotFound(
          { description: `look up approver ${approver.userPrincipalName}`, call: 'GET /v1.0/users/{id}' },
          () =>
            graph
              .api(`/users/${encodeURIComponent(approver.userPrincipalName)}`)
              .select('id,userPrincipalName')
              .get() as Promise<{ id: string; userPrincipalName: string }>,
        );
        if (user === notFound) throw refuse(field, `no user ${approver.userPrincipalName} in the tenant`);
        return { '@odata.type': '#microsoft.graph.singleUser', userId: user.id, description: user.userPrincipalName };
      }
      case 'group': {
        const name = odataString(approver.name);
        const page = await graphCall(
          { description: `look up approver group "${approver.name}"`, call: 'GET /v1.0/groups' },
          () =>
            graph
              .api('/groups')
              .filter(`displayName eq ${name} or mailNickname eq ${name}`)
              .select('id,displayName')
              .get() as Promise<GraphList<{ id: string; displayName: string }>>,
        );
        if (page.value.length === 0) throw refuse(field, `no group "${approver.name}" (by name or mailNickname)`);
        if (page.value.length > 1)
          throw refuse(field, `${page.value.length} groups are named "${approver.name}": name it by its mailNickname`);
        const group = page.value[0] as { id: string; displayName: string };
        return { '@odata.type': '#microsoft.graph.groupMembers', groupId: group.id, description: group.displayName };
      }
    }
  }

  const subjectsOf = (refs: readonly string[] | undefined, field: string) =>
    Promise.all((refs ?? []).map((ref, i) => subjectOf(ref, `${field}[${i}]`)));

  return {
    /**
     * GET users/{upn} and groups?$filter=…: each approver of each stage, as the policy names it. An approver that is
     * not in the directory fails the preflight, naming its field, before anything is written.
     */
    async resolveApprovers(input: { approval: ApprovalSettings }): Promise<{ stages: ResolvedStage[] }> {
      const stages = await Promise.all(
        input.approval.stages.map(async (stage, i) => {
          const at = `approval.stages[${i}]`;
          const [primaryApprovers, fallbackPrimaryApprovers, escalationApprovers] = await Promise.all([
            subjectsOf(stage.approvers, `${at}.approvers`),
            subjectsOf(stage.fallbackApprovers, `${at}.fallbackApprovers`),
            subjectsOf(stage.escalationApprovers, `${at}.escalationApprovers`),
          ]);
          return {
            primaryApprovers,
            fallbackPrimaryApprovers,
            escalationApprovers,
            ...(stage.escalateAfterDays === undefined ? {} : { escalateAfterDays: stage.escalateAfterDays }),
            denyAfterDays: stage.denyAfterDays ?? approvalDefaults.denyAfterDays,
          };
        }),
      );
      return { stages };
    },

    /**
     * GET assignmentRequests?$filter=accessPackage/id eq '…' and requestType eq 'userAdd' and requestor/objectId eq
     * '…': the requestor's newest own request for the package made at or after `since`, or none yet (for a userAdd the
     * requestor is the target). Graph is the source of truth: a request made in My Access is found the same as one
     * made with `entra-saga request`.
     */
    async findRequestorRequest(input: {
      accessPackageId: string;
      targetId: string;
      since: string;
    }): Promise<{ request?: FoundRequest }> {
      const filter = [
        `accessPackage/id eq ${odataString(input.accessPackageId)}`,
        `requestType eq 'userAdd'`,
        `requestor/objectId eq ${odataString(input.targetId)}`,
      ].join(' and ');
      const mine: RequestRecord[] = [];
      let url: string | undefined = `${EM}/assignmentRequests?$filter=${encodeURIComponent(filter)}`;
      while (url) {
        const next: string = url;
        const page = await graphCall(
          {
            description: `list the requests of access package ${input.accessPackageId} by ${input.targetId}`,
            call: `GET /v1.0${EM}/assignmentRequests`,
          },
          () => graph.api(next).get() as Promise<GraphList<RequestRecord>>,
        );
        mine.push(...page.value.filter((r) => Date.parse(r.createdDateTime ?? '') >= Date.parse(input.since)));
        url = page['@odata.nextLink'];
      }
      const newest = mine.sort((a, b) => (b.createdDateTime ?? '').localeCompare(a.createdDateTime ?? ''))[0];
      return newest
        ? { request: { requestId: newest.id, state: newest.state, createdDateTime: newest.createdDateTime } }
        : {};
    },
  };
}
