// GET /_emulator/objects: every live object, for leak checks after a run (objects still inside their replication
// lag are included; deleted users and groups are not), with what access packages grant now (group members, app role
// assignments, site access). Each list item is deliberately small and stable.

import { isoTime } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import type { AssignmentRequestRecord } from '../store/state.js';
import { assignmentView, requestView } from '../em/lifecycle.js';
import { appRoleGrants } from '../em/app-role-assignments.js';
import { approvalOf } from '../em/approvers.js';
import { allGroupMembers, siteAccess } from '../em/membership.js';

export function objectsSnapshot(ctx: EmulatorContext): Record<string, unknown> {
  const state = ctx.store.state;
  const now = ctx.clock.now();
  return {
    now: isoTime(now),
    users: state.users
      .filter((u) => u.deletedAt === undefined)
      .map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
        mailNickname: u.mailNickname,
        accountEnabled: u.accountEnabled,
        managerId: u.managerId ?? null,
        createdDateTime: isoTime(u.createdAt),
      })),
    groups: state.groups
      .filter((g) => g.deletedAt === undefined)
      .map((g) => ({
        id: g.id,
        displayName: g.displayName,
        mailNickname: g.mailNickname,
        securityEnabled: g.securityEnabled,
        mailEnabled: g.mailEnabled,
        createdDateTime: isoTime(g.createdAt),
      })),
    applications: state.applications
      .filter((a) => a.deletedAt === undefined)
      .map((a) => ({
        id: a.id,
        appId: a.appId,
        displayName: a.displayName,
        appRoles: a.appRoles.map((r) => ({ id: r.id, value: r.value, displayName: r.displayName })),
        createdDateTime: isoTime(a.createdAt),
      })),
    servicePrincipals: state.servicePrincipals
      .filter((sp) => sp.deletedAt === undefined)
      .map((sp) => ({
        id: sp.id,
        appId: sp.appId,
        displayName: state.applications.find((a) => a.appId === sp.appId)?.displayName ?? null,
        createdDateTime: isoTime(sp.createdAt),
      })),
    sites: state.sites.map((site) => ({
      id: site.id,
      url: site.url,
      title: site.title,
      // Who the tenant's access packages give which of the site's roles now (Graph shows no site membership).
      access: siteAccess(state, site.url, now),
    })),
    appRoleAssignments: appRoleGrants(state, now).map((g) => ({
      id: g.id,
      appRoleId: g.appRoleId,
      principalId: g.principalId,
      resourceId: g.resourceId,
      createdDateTime: isoTime(g.createdAt),
    })),
    catalogs: state.catalogs.map((c) => ({ id: c.id, displayName: c.displayName, catalogType: c.catalogType })),
    catalogResources: state.resources.map((r) => ({
      id: r.id,
      catalogId: r.catalogId,
      originId: r.originId,
      originSystem: r.originSystem,
      displayName: r.displayName,
      roleIds: state.resourceRoles.filter((x) => x.resourceId === r.id).map((x) => x.id),
      scopeIds: state.resourceScopes.filter((x) => x.resourceId === r.id).map((x) => x.id),
    })),
    accessPackages: state.accessPackages.map((p) => ({ id: p.id, catalogId: p.catalogId, displayName: p.displayName })),
    resourceRoleScopes: state.roleScopes.map((rs) => ({
      id: rs.id,
      accessPackageId: rs.accessPackageId,
      roleId: rs.roleId,
      scopeId: rs.scopeId,
    })),
    assignmentPolicies: state.policies.map((p) => ({
      id: p.id,
      accessPackageId: p.accessPackageId,
      displayName: p.body.displayName,
    })),
    assignments: state.assignments.map((a) => {
      const view = assignmentView(a, now);
      return {
        id: a.id,
        accessPackageId: a.accessPackageId,
        assignmentPolicyId: a.policyId,
        targetId: a.targetUserId,
        state: view?.state ?? 'pending',
        status: view?.status ?? 'Pending',
      };
    }),
    assignmentRequests: state.assignmentRequests.map((r) => {
      const view = requestView(r, now);
      return {
        id: r.id,
        requestType: r.requestType,
        accessPackageId: r.accessPackageId,
        assignmentPolicyId: r.policyId,
        assignmentId: r.assignmentId,
        targetId: r.targetUserId,
        requestorId: r.requestor.objectId,
        state: view.state,
        status: view.status,
        approval: approvalSnapshot(r, now),
      };
    }),
    resourceRequests: state.resourceRequests.map((r) => ({
      id: r.id,
      requestType: r.requestType,
      catalogId: r.catalogId,
      originId: r.originId,
      createdDateTime: isoTime(r.createdAt),
    })),
    groupMembers: allGroupMembers(state, now),
  };
}

/** Per stage reached: its state and who decided what, when. Null for a request without approval. */
function approvalSnapshot(request: AssignmentRequestRecord, now: number): Record<string, unknown> | null {
  const view = approvalOf(request, now);
  if (!view) return null;
  return {
    outcome: view.outcome,
    stages: view.stages.map((stage) => ({
      id: stage.record.id,
      status: stage.status,
      reviewResult: stage.reviewResult,
      escalated: stage.escalated,
      reviewedBy: stage.record.decision
        ? { id: stage.record.decision.reviewerId, displayName: stage.record.decision.reviewerDisplayName }
        : null,
      reviewedDateTime: stage.record.decision ? isoTime(stage.record.decision.at) : null,
      justification: stage.record.decision?.justification ?? null,
      expiresAt: isoTime(stage.expiresAt),
    })),
  };
}
