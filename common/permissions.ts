// The Microsoft Graph application permissions the saga needs, which activity needs which, and which broader
// permission also satisfies one. The preflight checks the worker's token against this before any write.

export const requiredPermissions = [
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'EntitlementManagement.ReadWrite.All',
  'Domain.Read.All',
] as const;
export type RequiredPermission = (typeof requiredPermissions)[number];

/** Each required permission, and the broader ones that grant it too. */
export const satisfiedBy: Record<RequiredPermission, readonly string[]> = {
  'User.ReadWrite.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  'Group.ReadWrite.All': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'EntitlementManagement.ReadWrite.All': ['EntitlementManagement.ReadWrite.All'],
  'Domain.Read.All': ['Domain.Read.All', 'Domain.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

/** The least permission each activity's Graph calls need (README, "Permissions"). */
export const activityPermissions: Record<string, readonly RequiredPermission[]> = {
  checkPermissions: [],
  checkRequestorDomain: ['Domain.Read.All'],
  findCatalog: ['EntitlementManagement.ReadWrite.All'],
  createUser: ['User.ReadWrite.All'],
  deleteUser: ['User.ReadWrite.All'],
  createGroup: ['Group.ReadWrite.All'],
  deleteGroup: ['Group.ReadWrite.All'],
  listGroupMembers: ['Group.ReadWrite.All'],
  // Adding a group to a catalog as an app also needs the right to manage the group (else CallerNotResourceOwner).
  addGroupToCatalog: ['EntitlementManagement.ReadWrite.All', 'Group.ReadWrite.All'],
  removeGroupFromCatalog: ['EntitlementManagement.ReadWrite.All', 'Group.ReadWrite.All'],
  findCatalogResource: ['EntitlementManagement.ReadWrite.All'],
  findMemberRole: ['EntitlementManagement.ReadWrite.All'],
  createAccessPackage: ['EntitlementManagement.ReadWrite.All'],
  deleteAccessPackage: ['EntitlementManagement.ReadWrite.All'],
  addRoleScope: ['EntitlementManagement.ReadWrite.All'],
  removeRoleScope: ['EntitlementManagement.ReadWrite.All'],
  createPolicy: ['EntitlementManagement.ReadWrite.All'],
  deletePolicy: ['EntitlementManagement.ReadWrite.All'],
  requestAssignment: ['EntitlementManagement.ReadWrite.All'],
  getRequestState: ['EntitlementManagement.ReadWrite.All'],
  listPolicyAssignments: ['EntitlementManagement.ReadWrite.All'],
  requestRemoval: ['EntitlementManagement.ReadWrite.All'],
};

/** The required permissions a token's `roles` claim does not grant. */
export function missingPermissions(roles: readonly string[]): RequiredPermission[] {
  return requiredPermissions.filter((needed) => !satisfiedBy[needed].some((granted) => roles.includes(granted)));
}
