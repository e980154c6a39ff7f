// Group membership = members added directly + targets of assignments that currently grant a package whose
// resource role scopes include the group's Member role (from the moment the group's part of the delivery is done,
// see delivery.ts). Derived on every read, so delivery adds members, and removal, expiry or dropping the role scope
// takes them away, with no bookkeeping that could drift.

import { isVisible, type EmulatorState } from '../store/state.js';
import { grantsResource } from './delivery.js';

export function groupMemberIds(state: EmulatorState, groupId: string, now: number): string[] {
  const members = new Set(state.directMembers[groupId] ?? []);
  const memberRoleIds = new Set(
    state.resourceRoles
      .filter((r) => r.displayName === 'Member' && r.originSystem === 'AadGroup' && r.originId === `Member_${groupId}`)
      .map((r) => r.id),
  );
  if (memberRoleIds.size > 0) {
    const packages = new Set(
      state.roleScopes.filter((rs) => memberRoleIds.has(rs.roleId)).map((rs) => rs.accessPackageId),
    );
    for (const assignment of state.assignments) {
      if (packages.has(assignment.accessPackageId) && grantsResource(assignment, 'AadGroup', now))
        members.add(assignment.targetUserId);
    }
  }
  const live = new Set(
    state.users.filter((u) => isVisible(u, now) || (u.deletedAt === undefined && u.createdAt <= now)).map((u) => u.id),
  );
  return [...members].filter((id) => live.has(id));
}

export function allGroupMembers(state: EmulatorState, now: number): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const group of state.groups)
    if (group.deletedAt === undefined) result[group.id] = groupMemberIds(state, group.id, now);
  return result;
}

/**
 * Who holds which of a site's roles through access packages now, derived like group membership. Graph has no view
 * of this (site permissions live in SharePoint); the control plane shows it for tests and leak checks.
 */
export function siteAccess(
  state: EmulatorState,
  siteUrl: string,
  now: number,
): { principalId: string; roleOriginId: string; roleDisplayName: string }[] {
  const key = siteUrl.toLowerCase();
  const resourceIds = new Set(
    state.resources
      .filter((r) => r.originSystem === 'SharePointOnline' && r.originId.toLowerCase() === key)
      .map((r) => r.id),
  );
  const roles = new Map(state.resourceRoles.filter((r) => resourceIds.has(r.resourceId)).map((r) => [r.id, r]));
  const live = new Set(state.users.filter((u) => u.deletedAt === undefined).map((u) => u.id));
  const access = new Map<string, { principalId: string; roleOriginId: string; roleDisplayName: string }>();
  for (const roleScope of state.roleScopes) {
    const role = roles.get(roleScope.roleId);
    if (!role) continue;
    for (const assignment of state.assignments) {
      if (assignment.accessPackageId !== roleScope.accessPackageId || !live.has(assignment.targetUserId)) continue;
      if (!grantsResource(assignment, 'SharePointOnline', now)) continue;
      access.set(`${assignment.targetUserId}/${role.originId}`, {
        principalId: assignment.targetUserId,
        roleOriginId: role.originId,
        roleDisplayName: role.displayName,
      });
    }
  }
  return [...access.values()];
}
