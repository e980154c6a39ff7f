// Group membership = members added directly + targets of assignments that currently grant a package whose
// resource role scopes include the group's Member role. Derived on every read, so delivery adds members, and
// removal, expiry or dropping the role scope takes them away, with no bookkeeping that could drift.

import { isVisible, type EmulatorState } from '../store/state.js';
import { grantsAccess } from './lifecycle.js';

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
      if (packages.has(assignment.accessPackageId) && grantsAccess(assignment, now))
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
