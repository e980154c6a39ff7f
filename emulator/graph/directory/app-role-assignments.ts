// Who holds which app roles: GET /servicePrincipals/{id}/appRoleAssignedTo and GET /users/{id}/appRoleAssignments.
// The assignments are the ones access packages grant (em/app-role-assignments.ts); the emulator has no direct
// app role assignment writes.

import { appRoleGrants, type AppRoleGrant } from '../../em/app-role-assignments.js';
import { compileFilter } from '../../odata/filter-eval.js';
import { paginate } from '../../odata/paging.js';
import { permissions } from '../permissions.js';
import { checkSelect, collectionReply, project } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { appRoleAssignmentFilterSchema, appRoleAssignmentFull, appRoleAssignmentProperties } from './app-views.js';
import { applicationOf, requireServicePrincipal } from './applications.js';
import { requireUser } from './users.js';

function reply(call: GraphCall, contextPath: string, grants: readonly AppRoleGrant[]) {
  const query = call.query({ filter: true, select: true, top: true });
  checkSelect(query.select, appRoleAssignmentProperties, 'appRoleAssignment');
  const state = call.ctx.store.state;
  const matching = query.filter ? grants.filter(compileFilter(query.filter, appRoleAssignmentFilterSchema)) : grants;
  const page = paginate(matching, call.exchange.url, query.top, query.skipToken, 100);
  const items = page.items.map((grant) => {
    const user = state.users.find((u) => u.id === grant.principalId);
    const sp = state.servicePrincipals.find((s) => s.id === grant.resourceId);
    const resourceName = (sp && applicationOf(call, sp)?.displayName) ?? null;
    const full = appRoleAssignmentFull(grant, user?.displayName ?? '', resourceName ?? '');
    return project(full, query.select, appRoleAssignmentProperties, appRoleAssignmentProperties, 'appRoleAssignment');
  });
  return collectionReply(call, contextPath, { items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) });
}

export const appRoleAssignmentRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: '/v1.0/servicePrincipals/{id}/appRoleAssignedTo',
    permissions: permissions.applicationsRead,
    handler: (call) => {
      const sp = requireServicePrincipal(call, call.params.id!);
      const grants = appRoleGrants(call.ctx.store.state, call.now).filter((g) => g.resourceId === sp.id);
      return reply(call, `servicePrincipals('${sp.id}')/appRoleAssignedTo`, grants);
    },
  },
  {
    method: 'GET',
    template: '/v1.0/users/{id}/appRoleAssignments',
    permissions: permissions.userAppRoleAssignmentsRead,
    handler: (call) => {
      const user = requireUser(call, call.params.id!);
      const grants = appRoleGrants(call.ctx.store.state, call.now).filter((g) => g.principalId === user.id);
      return reply(call, `users('${user.id}')/appRoleAssignments`, grants);
    },
  },
];
