// The one permission table: every Graph call the saga makes, with the application permission Microsoft documents as
// least privileged for it (each operation's "Permissions" section on learn.microsoft.com/graph/api), and which
// activity makes which calls. The activities name these calls (a 403 names the permission), the preflight checks
// the worker's token against them, and the README's table is derived from them (a test compares the two).

import type { Activities } from '../activities/index.js';
import type { ResourceKind } from './provisioning.js';

export type GraphPermission =
  | 'User.Read.All'
  | 'User.ReadWrite.All'
  | 'Group.Read.All'
  | 'Group.Create'
  | 'Group.ReadWrite.All'
  | 'GroupMember.Read.All'
  | 'Domain.Read.All'
  | 'Domain.ReadWrite.All'
  | 'Directory.Read.All'
  | 'Directory.ReadWrite.All'
  | 'EntitlementManagement.Read.All'
  | 'EntitlementManagement.ReadWrite.All'
  | 'Application.Read.All'
  | 'Application.ReadWrite.All'
  | 'Sites.Read.All'
  | 'Sites.FullControl.All';

const EM = '/v1.0/identityGovernance/entitlementManagement';

/** Each call, as "METHOD path-template", and the permissions it needs (all of them). */
export const graphCallPermissions = {
  'GET /v1.0/users/{id}': ['User.Read.All'],
  'POST /v1.0/users': ['User.ReadWrite.All'],
  'DELETE /v1.0/users/{id}': ['User.ReadWrite.All'],
  'GET /v1.0/groups': ['Group.Read.All'],
  'GET /v1.0/groups/{id}': ['Group.Read.All'],
  'POST /v1.0/groups': ['Group.Create'],
  'DELETE /v1.0/groups/{id}': ['Group.ReadWrite.All'],
  'GET /v1.0/groups/{id}/members': ['GroupMember.Read.All'],
  'GET /v1.0/domains': ['Domain.Read.All'],
  'GET /v1.0/domains/{id}': ['Domain.Read.All'],
  [`GET ${EM}/catalogs`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/catalogs/{catalogId}/resources`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/catalogs/{catalogId}/resourceRoles`]: ['EntitlementManagement.Read.All'],
  // An app adding or removing a resource must be able to manage it, else Graph answers CallerNotResourceOwner: a group
  // needs Group.ReadWrite.All, an application Application.ReadWrite.All, a site Sites.FullControl.All.
  [`POST ${EM}/resourceRequests`]: ['EntitlementManagement.ReadWrite.All', 'Group.ReadWrite.All'],
  [`POST ${EM}/resourceRequests (AadApplication)`]: [
    'EntitlementManagement.ReadWrite.All',
    'Application.ReadWrite.All',
  ],
  [`POST ${EM}/resourceRequests (SharePointOnline)`]: ['EntitlementManagement.ReadWrite.All', 'Sites.FullControl.All'],
  'GET /v1.0/servicePrincipals': ['Application.Read.All'],
  'GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo': ['Application.Read.All'],
  'GET /v1.0/sites/{siteId}': ['Sites.Read.All'],
  [`GET ${EM}/accessPackages`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/accessPackages/{id}`]: ['EntitlementManagement.Read.All'],
  [`POST ${EM}/accessPackages`]: ['EntitlementManagement.ReadWrite.All'],
  [`DELETE ${EM}/accessPackages/{id}`]: ['EntitlementManagement.ReadWrite.All'],
  [`GET ${EM}/accessPackages/{id}/resourceRoleScopes`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`]: ['EntitlementManagement.Read.All'],
  [`POST ${EM}/accessPackages/{id}/resourceRoleScopes`]: ['EntitlementManagement.ReadWrite.All'],
  [`DELETE ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`]: ['EntitlementManagement.ReadWrite.All'],
  [`GET ${EM}/assignmentPolicies`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/assignmentPolicies/{id}`]: ['EntitlementManagement.Read.All'],
  [`POST ${EM}/assignmentPolicies`]: ['EntitlementManagement.ReadWrite.All'],
  [`DELETE ${EM}/assignmentPolicies/{id}`]: ['EntitlementManagement.ReadWrite.All'],
  [`GET ${EM}/assignmentRequests`]: ['EntitlementManagement.Read.All'],
  [`GET ${EM}/assignmentRequests/{id}`]: ['EntitlementManagement.Read.All'],
  [`POST ${EM}/assignmentRequests`]: ['EntitlementManagement.ReadWrite.All'],
  [`GET ${EM}/assignments`]: ['EntitlementManagement.Read.All'],
} as const satisfies Record<string, readonly GraphPermission[]>;

export type GraphCallName = keyof typeof graphCallPermissions;

const users = ['GET /v1.0/users/{id}'] as const;
const groups = ['GET /v1.0/groups', 'GET /v1.0/groups/{id}'] as const;
const resources = [`GET ${EM}/catalogs/{catalogId}/resources`, `POST ${EM}/resourceRequests`] as const;
const appResources = [
  `GET ${EM}/catalogs/{catalogId}/resources`,
  `POST ${EM}/resourceRequests (AadApplication)`,
] as const;
const siteResources = [
  `GET ${EM}/catalogs/{catalogId}/resources`,
  `POST ${EM}/resourceRequests (SharePointOnline)`,
] as const;
const packages = [`GET ${EM}/accessPackages`, `GET ${EM}/accessPackages/{id}`] as const;
const roleScopes = [
  `GET ${EM}/accessPackages/{id}/resourceRoleScopes`,
  `GET ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
] as const;
const policies = [`GET ${EM}/assignmentPolicies`, `GET ${EM}/assignmentPolicies/{id}`] as const;

/** The calls each activity makes; the compiler asks for every activity. */
const activityCalls: Record<keyof Activities, readonly GraphCallName[]> = {
  checkPermissions: [],
  checkRequestorDomain: ['GET /v1.0/domains/{id}', 'GET /v1.0/domains'],
  findCatalog: [`GET ${EM}/catalogs`],
  createUser: [...users, 'POST /v1.0/users'],
  deleteUser: [...users, 'DELETE /v1.0/users/{id}'],
  createGroup: [...groups, 'POST /v1.0/groups'],
  deleteGroup: [...groups, 'DELETE /v1.0/groups/{id}'],
  listGroupMembers: ['GET /v1.0/groups/{id}/members'],
  addGroupToCatalog: [...resources, 'GET /v1.0/groups/{id}'],
  removeGroupFromCatalog: resources,
  findCatalogResource: [`GET ${EM}/catalogs/{catalogId}/resources`],
  findMemberRole: [`GET ${EM}/catalogs/{catalogId}/resourceRoles`],
  findResourceRole: [`GET ${EM}/catalogs/{catalogId}/resourceRoles`],
  findApplication: ['GET /v1.0/servicePrincipals'],
  listAppRoleAssignedTo: ['GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo'],
  findSite: ['GET /v1.0/sites/{siteId}'],
  addResourceToCatalog: [...appResources, ...siteResources],
  removeResourceFromCatalog: [...appResources, ...siteResources],
  createAccessPackage: [...packages, `POST ${EM}/accessPackages`],
  deleteAccessPackage: [...packages, `DELETE ${EM}/accessPackages/{id}`],
  addRoleScope: [...roleScopes, `POST ${EM}/accessPackages/{id}/resourceRoleScopes`, `GET ${EM}/accessPackages/{id}`],
  removeRoleScope: [...roleScopes, `DELETE ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`],
  createPolicy: [...policies, `POST ${EM}/assignmentPolicies`, `GET ${EM}/accessPackages/{id}`, 'GET /v1.0/users/{id}'],
  deletePolicy: [...policies, `DELETE ${EM}/assignmentPolicies/{id}`],
  requestAssignment: [
    `GET ${EM}/assignments`,
    `GET ${EM}/assignmentRequests`,
    `POST ${EM}/assignmentRequests`,
    `GET ${EM}/assignmentPolicies/{id}`,
    'GET /v1.0/users/{id}',
  ],
  getRequestState: [`GET ${EM}/assignmentRequests/{id}`],
  listPolicyAssignments: [`GET ${EM}/assignments`],
  requestRemoval: [`GET ${EM}/assignments`, `GET ${EM}/assignmentRequests`, `POST ${EM}/assignmentRequests`],
  resolveApprovers: ['GET /v1.0/users/{id}', 'GET /v1.0/groups'],
  findRequestorRequest: [`GET ${EM}/assignmentRequests`],
};

/** What a run may need beyond every run's calls: each kind of resource in its package, and approvers named by group. */
export type PermissionNeed = ResourceKind | 'approverGroups';

/**
 * The calls a run makes only for resources of a kind (a group, an application, a site) or for approvers named by
 * group: their permissions are asked for only when the run has them.
 */
const needCalls: Record<PermissionNeed, readonly GraphCallName[]> = {
  group: [...groups, ...resources, 'POST /v1.0/groups', 'DELETE /v1.0/groups/{id}', 'GET /v1.0/groups/{id}/members'],
  app: [...appResources, 'GET /v1.0/servicePrincipals', 'GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo'],
  site: [...siteResources, 'GET /v1.0/sites/{siteId}'],
  approverGroups: ['GET /v1.0/groups'],
};
const kindOnlyActivities: readonly (keyof Activities)[] = [
  'createGroup',
  'deleteGroup',
  'listGroupMembers',
  'addGroupToCatalog',
  'removeGroupFromCatalog',
  'findApplication',
  'listAppRoleAssignedTo',
  'findSite',
  'addResourceToCatalog',
  'removeResourceFromCatalog',
  'resolveApprovers',
];

/** Broader application permissions that also grant one (Microsoft's permissions reference). */
const grantedBy: Record<GraphPermission, readonly GraphPermission[]> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'User.ReadWrite.All': ['Directory.ReadWrite.All'],
  'Group.Read.All': ['Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Group.Create': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'Group.ReadWrite.All': ['Directory.ReadWrite.All'],
  'GroupMember.Read.All': ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Domain.Read.All': ['Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Domain.ReadWrite.All': [],
  'Directory.Read.All': ['Directory.ReadWrite.All'],
  'Directory.ReadWrite.All': [],
  'EntitlementManagement.Read.All': ['EntitlementManagement.ReadWrite.All'],
  'EntitlementManagement.ReadWrite.All': [],
  'Application.Read.All': ['Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Application.ReadWrite.All': [],
  'Sites.Read.All': ['Sites.FullControl.All'],
  'Sites.FullControl.All': [],
};

/** The order permissions are named in: as the saga meets them (users, groups, entitlement management, domains). */
const permissionOrder: readonly GraphPermission[] = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Group.Read.All',
  'Group.Create',
  'GroupMember.Read.All',
  'Group.ReadWrite.All',
  'EntitlementManagement.Read.All',
  'EntitlementManagement.ReadWrite.All',
  'Domain.Read.All',
  'Domain.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Sites.Read.All',
  'Sites.FullControl.All',
];

/** Whether holding `held` grants `needed`, directly or through a broader permission (transitively). */
function grants(held: GraphPermission, needed: GraphPermission): boolean {
  return held === needed || grantedBy[needed].some((broader) => broader === held || grants(held, broader));
}

/** The permissions an activity's calls need. */
function permissionsOf(activity: keyof Activities): GraphPermission[] {
  return [...new Set(activityCalls[activity].flatMap((call) => graphCallPermissions[call]))];
}

/** The fewest permissions that grant all of `needed`, in the order the saga meets them. */
function leastCovering(needed: readonly GraphPermission[]): GraphPermission[] {
  const unique = [...new Set(needed)];
  const order = (p: GraphPermission) => permissionOrder.indexOf(p);
  return unique
    .filter((p) => !unique.some((other) => other !== p && grants(other, p)))
    .sort((a, b) => order(a) - order(b));
}

/**
 * What the worker must be granted for runs with resources of these kinds: every call their activities make, an
 * application's or a site's only when the run has one, leaving out the permissions another one grants.
 */
export function requiredPermissionsFor(needs: readonly PermissionNeed[]): GraphPermission[] {
  const base = (Object.keys(activityCalls) as (keyof Activities)[]).filter((a) => !kindOnlyActivities.includes(a));
  return leastCovering([
    ...base.flatMap(permissionsOf),
    ...needs.flatMap((need) => needCalls[need].flatMap((call) => graphCallPermissions[call])),
  ]);
}

/** What the worker must be granted for the tutorial's runs (a group); applications and sites add their own. */
export const requiredPermissions: readonly GraphPermission[] = requiredPermissionsFor(['group']);

/** Every permission some run may need, for the README's table. */
export const allRequiredPermissions: readonly GraphPermission[] = requiredPermissionsFor([
  'group',
  'app',
  'site',
  'approverGroups',
]);

/** What a permission is needed for (kinds of resource, approver groups), or none when every run needs it. */
export function needsFor(permission: GraphPermission): PermissionNeed[] {
  if (requiredPermissionsFor([]).includes(permission)) return [];
  return (Object.keys(needCalls) as PermissionNeed[]).filter((need) =>
    requiredPermissionsFor([need]).includes(permission),
  );
}

/** The activities whose calls a required permission covers, for the README's table. */
export function activitiesCoveredBy(required: GraphPermission): (keyof Activities)[] {
  return (Object.keys(activityCalls) as (keyof Activities)[]).filter((activity) =>
    permissionsOf(activity).some((p) => grants(required, p)),
  );
}

/** The permissions a run with these needs (kinds of resource, approver groups) lacks in a token's `roles` claim. */
export function missingPermissions(
  roles: readonly string[],
  needs: readonly PermissionNeed[] = ['group'],
): GraphPermission[] {
  return requiredPermissionsFor(needs).filter(
    (needed) => !roles.some((held) => grants(held as GraphPermission, needed)),
  );
}
