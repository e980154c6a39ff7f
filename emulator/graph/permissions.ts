// The permissions each family of routes accepts, from the least-privileged lists on each operation's
// Microsoft Graph reference page. Delegated callers in the emulator are ordinary users without admin roles, so
// admin-only operations accept no delegated scope (a user token gets 403).

import type { OriginSystem } from '../store/state.js';
import type { PermissionRule } from './route.js';

const directoryRead = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const applicationRead = ['Application.Read.All', 'Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'];

export const permissions = {
  usersRead: {
    app: ['User.Read.All', 'User.ReadWrite.All', ...directoryRead],
    delegated: ['User.ReadBasic.All', 'User.Read.All'],
  },
  usersWrite: { app: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], delegated: [] },
  /** Reading a user's manager ("List manager"); /me/manager too. */
  managerRead: {
    app: ['User.Read.All', 'User.ReadWrite.All', ...directoryRead],
    delegated: ['User.Read.All', 'User.ReadWrite.All', ...directoryRead],
  },
  /** Assigning or removing a manager; a delegated caller would need a user-administration role. */
  managerWrite: { app: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], delegated: [] },
  me: { app: [], delegated: ['User.Read', 'User.ReadBasic.All'] },
  groupsRead: { app: ['Group.Read.All', 'Group.ReadWrite.All', ...directoryRead], delegated: [] },
  groupsWrite: { app: ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], delegated: [] },
  groupsDelete: { app: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'], delegated: [] },
  groupMembersRead: {
    app: ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All', ...directoryRead],
    delegated: ['GroupMember.Read.All'],
  },
  domainsRead: { app: ['Domain.Read.All', 'Domain.ReadWrite.All', ...directoryRead], delegated: [] },
  /** Applications and service principals, and who holds a service principal's app roles (appRoleAssignedTo). */
  applicationsRead: {
    app: [...applicationRead, ...directoryRead],
    delegated: ['Application.Read.All', 'Application.ReadWrite.All', ...directoryRead],
  },
  applicationsCreate: {
    app: ['AppRegistration.Create', 'Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'],
    delegated: ['AppRegistration.Create', 'Application.ReadWrite.All'],
  },
  servicePrincipalsCreate: {
    app: ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All', 'Directory.ReadWrite.All'],
    delegated: ['Application.ReadWrite.All', 'Directory.ReadWrite.All'],
  },
  /** A user's app role assignments. */
  userAppRoleAssignmentsRead: {
    app: ['Directory.Read.All', 'AppRoleAssignment.ReadWrite.All', 'Directory.ReadWrite.All'],
    delegated: ['AppRoleAssignment.ReadWrite.All', 'Directory.Read.All'],
  },
  emRead: {
    app: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
    delegated: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
  },
  emWrite: { app: ['EntitlementManagement.ReadWrite.All'], delegated: [] },
  /** End users may request and read their own assignments with the subject-access scope. */
  emSubjectAccess: {
    app: ['EntitlementManagement.ReadWrite.All'],
    delegated: ['EntitlementMgmt-SubjectAccess.ReadWrite', 'EntitlementManagement.ReadWrite.All'],
  },
  emSubjectRead: {
    app: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
    delegated: [
      'EntitlementMgmt-SubjectAccess.ReadWrite',
      'EntitlementManagement.Read.All',
      'EntitlementManagement.ReadWrite.All',
    ],
  },
  /**
   * Canceling a request: delegated only. The own request needs EntitlementMgmt-SubjectAccess.ReadWrite, another's
   * EntitlementManagement.ReadWrite.All (the handler tells them apart).
   */
  emCancel: {
    app: [],
    delegated: ['EntitlementMgmt-SubjectAccess.ReadWrite', 'EntitlementManagement.ReadWrite.All'],
  },
  /** Approvals are delegated only ("Application: Not supported"). Reading one: */
  approvalsRead: { app: [], delegated: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'] },
  /** Deciding a stage, and listing the approvals the caller may decide (filterByCurrentUser). */
  approvalsWrite: { app: [], delegated: ['EntitlementManagement.ReadWrite.All'] },
  /** assignmentRequests/filterByCurrentUser: delegated only. */
  requestsOfCurrentUser: {
    app: [],
    delegated: ['EntitlementManagement.Read.All', 'EntitlementManagement.ReadWrite.All'],
  },
} satisfies Record<string, PermissionRule>;

/**
 * An app-only resource request (adminAdd) also needs the right to manage the resource itself, per kind; without
 * one of these Graph answers 400 CallerNotResourceOwner.
 */
export const resourceOwnerAppPermissions: Record<OriginSystem, readonly string[]> = {
  AadGroup: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  AadApplication: ['Application.ReadWrite.All'],
  SharePointOnline: ['Sites.FullControl.All'],
};
