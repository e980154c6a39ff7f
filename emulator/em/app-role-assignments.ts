// App role assignments = the app roles that access-package assignments currently grant: for every assignment whose
// package holds a role scope on an AadApplication resource, the target user holds that app role on the resource's
// service principal from the moment the application's part of the delivery is done (delivery.ts) until the removal
// reaches it or the assignment expires. Derived on every read, like group membership. One principal holds a role on
// a service principal once, however many packages grant it (the earliest grant wins).

import { createHash } from 'node:crypto';
import { guidBytes } from '../guid.js';
import type { AssignmentRecord, EmulatorState } from '../store/state.js';
import { deliveredAtFor, grantsResource } from './delivery.js';

export interface AppRoleGrant {
  /** Like Entra's: base64url of the principal's id bytes, then 16 more bytes (here derived, so reads agree). */
  id: string;
  appRoleId: string;
  principalId: string;
  /** The service principal's object id. */
  resourceId: string;
  createdAt: number;
}

function grantId(assignment: AssignmentRecord, resourceId: string, appRoleId: string): string {
  const suffix = createHash('sha256').update(`${assignment.id}/${resourceId}/${appRoleId}`).digest().subarray(0, 16);
  return Buffer.concat([Buffer.from(guidBytes(assignment.targetUserId)), suffix]).toString('base64url');
}

export function appRoleGrants(state: EmulatorState, now: number): AppRoleGrant[] {
  // Per access package: the (service principal, app role) pairs its role scopes name.
  const grantsByPackage = new Map<string, { resourceId: string; appRoleId: string }[]>();
  for (const roleScope of state.roleScopes) {
    const role = state.resourceRoles.find((r) => r.id === roleScope.roleId && r.originSystem === 'AadApplication');
    const resource = role && state.resources.find((r) => r.id === role.resourceId);
    if (!role || !resource) continue;
    const list = grantsByPackage.get(roleScope.accessPackageId) ?? [];
    list.push({ resourceId: resource.originId, appRoleId: role.originId });
    grantsByPackage.set(roleScope.accessPackageId, list);
  }
  const liveUsers = new Set(state.users.filter((u) => u.deletedAt === undefined).map((u) => u.id));
  const byKey = new Map<string, AppRoleGrant>();
  for (const assignment of state.assignments) {
    const pairs = grantsByPackage.get(assignment.accessPackageId);
    if (!pairs || !liveUsers.has(assignment.targetUserId)) continue;
    if (!grantsResource(assignment, 'AadApplication', now)) continue;
    for (const { resourceId, appRoleId } of pairs) {
      const key = `${assignment.targetUserId}/${resourceId}/${appRoleId}`;
      const grant: AppRoleGrant = {
        id: grantId(assignment, resourceId, appRoleId),
        appRoleId,
        principalId: assignment.targetUserId,
        resourceId,
        createdAt: deliveredAtFor(assignment, 'AadApplication'),
      };
      const existing = byKey.get(key);
      if (!existing || grant.createdAt < existing.createdAt) byKey.set(key, grant);
    }
  }
  return [...byKey.values()].sort((a, b) => a.createdAt - b.createdAt);
}
