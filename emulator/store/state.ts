// Everything the emulator knows, as plain JSON-serializable records. Timestamps are milliseconds on the emulator
// clock. Derived facts — request and assignment states, group membership granted by assignments — are not stored:
// they are computed from these timestamps on every read, so persistence and clock advances need no timers.

export interface DirectoryRecord {
  id: string;
  createdAt: number;
  /** createdAt + the replication lag in force at creation: before it, reads and references do not see the object. */
  visibleAt: number;
}

export interface UserRecord extends DirectoryRecord {
  accountEnabled: boolean;
  displayName: string;
  mailNickname: string;
  userPrincipalName: string;
  /** scrypt hash; the password itself is never stored. */
  passwordHash: string;
  passwordSalt: string;
  forceChangePasswordNextSignIn: boolean;
  /** Further writable properties given at creation (givenName, jobTitle, …), by Graph name. */
  extra: Record<string, unknown>;
  /** The user's manager (PUT /users/{id}/manager/$ref). */
  managerId?: string;
  deletedAt?: number;
}

export interface GroupRecord extends DirectoryRecord {
  displayName: string;
  description: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  securityEnabled: boolean;
  groupTypes: string[];
  visibility: string | null;
  isAssignableToRole: boolean | null;
  securityIdentifier: string;
  deletedAt?: number;
}

export interface DomainRecord {
  id: string;
  isVerified: boolean;
  isDefault: boolean;
  isInitial: boolean;
}

export interface CatalogRecord extends DirectoryRecord {
  displayName: string;
  description: string | null;
  catalogType: 'userManaged' | 'serviceDefault' | 'serviceManaged';
  state: 'published' | 'unpublished';
  isExternallyVisible: boolean;
  modifiedAt: number;
}

/** An app role as an application defines it (and its service principal shows it). */
export interface AppRole {
  id: string;
  value: string | null;
  displayName: string;
  description: string | null;
  allowedMemberTypes: string[];
  isEnabled: boolean;
}

export interface ApplicationRecord extends DirectoryRecord {
  appId: string;
  displayName: string;
  description: string | null;
  signInAudience: string;
  notes: string | null;
  tags: string[];
  appRoles: AppRole[];
  /** "Allow public client flows": the app may use device-code (and password) sign-in without a secret. */
  isFallbackPublicClient?: boolean;
  deletedAt?: number;
}

/** A service principal; its app roles are its application's, read through `appId`. */
export interface ServicePrincipalRecord extends DirectoryRecord {
  appId: string;
  accountEnabled: boolean;
  appRoleAssignmentRequired: boolean;
  tags: string[];
  deletedAt?: number;
}

/** A SharePoint Online site collection. The emulator has no SharePoint API: sites are seeded or added on the control plane. */
export interface SiteRecord extends DirectoryRecord {
  /** The absolute URL, without a trailing slash, as added. */
  url: string;
  title: string;
}

/** The kinds of catalog resources, by their origin system. */
export type OriginSystem = 'AadGroup' | 'AadApplication' | 'SharePointOnline';

export interface CatalogResourceRecord extends DirectoryRecord {
  catalogId: string;
  originId: string;
  originSystem: OriginSystem;
  displayName: string;
  description: string | null;
  modifiedAt: number;
}

export interface ResourceRoleRecord extends DirectoryRecord {
  catalogId: string;
  resourceId: string;
  displayName: string;
  /** Absent on records written before app and site roles existed (groups' roles have none). */
  description?: string | null;
  originId: string;
  originSystem: OriginSystem;
}

export interface ResourceScopeRecord extends DirectoryRecord {
  catalogId: string;
  resourceId: string;
  originId: string;
  originSystem: OriginSystem;
  isRootScope: boolean;
  displayName: string;
  description: string;
}

export interface ResourceRequestRecord extends DirectoryRecord {
  requestType: 'adminAdd' | 'adminRemove';
  catalogId: string;
  resourceId: string;
  originId: string;
  originSystem: OriginSystem;
}

export interface AccessPackageRecord extends DirectoryRecord {
  catalogId: string;
  displayName: string;
  description: string | null;
  isHidden: boolean;
  modifiedAt: number;
}

export interface RoleScopeRecord extends DirectoryRecord {
  accessPackageId: string;
  roleId: string;
  scopeId: string;
}

export interface PolicyRecord extends DirectoryRecord {
  accessPackageId: string;
  catalogId: string;
  modifiedAt: number;
  /** The policy's Graph properties (displayName, allowedTargetScope, expiration, …) as normalized at write time. */
  body: Record<string, unknown>;
}

/** How a delivery ends; scripted through `/_emulator/delivery-faults`, `delivered` otherwise. */
export type DeliveryOutcome = 'delivered' | 'deliveryFailed' | 'partiallyDelivered' | 'denied' | 'stuck';

export interface AssignmentRequestRecord extends DirectoryRecord {
  requestType: 'adminAdd' | 'userAdd' | 'adminRemove' | 'userRemove';
  accessPackageId: string;
  policyId: string;
  assignmentId: string | null;
  targetUserId: string;
  requestor: SubjectSnapshot;
  justification: string | null;
  /** submitted until deliveringAt, delivering until completesAt, then the outcome. Null: waits for approval. */
  deliveringAt: number | null;
  completesAt: number | null;
  outcome: DeliveryOutcome;
  scheduleStart: number;
  expiration: ExpirationSnapshot;
  /** Canceled by POST …/cancel: reported as `canceled` instead of the (denied) outcome. */
  canceled?: boolean;
  /** Present when the policy required approval: while it is pending, deliveringAt and completesAt are null. */
  approval?: ApprovalRecord;
}

/** The approval of one request: its stages in order; stage n starts when stage n − 1 is approved. */
export interface ApprovalRecord {
  stages: ApprovalStageRecord[];
}

export interface ApprovalStageRecord {
  id: string;
  /** The policy's stage (accessPackageApprovalStage, normalized) as it was when the request was made. */
  settings: Record<string, unknown>;
  decision?: StageDecision;
}

interface StageDecision {
  result: 'Approved' | 'Denied';
  at: number;
  reviewerId: string;
  reviewerDisplayName: string;
  justification: string;
}

export interface ExpirationSnapshot {
  type: 'noExpiration' | 'afterDateTime' | 'afterDuration' | 'notSpecified';
  duration: string | null;
  endAt: number | null;
}

export interface SubjectSnapshot {
  id: string;
  objectId: string;
  subjectType: 'user' | 'servicePrincipal';
  displayName: string;
  principalName: string | null;
  email: string | null;
}

/** How one kind of resource of an assignment's package is delivered: at its own time, or not at all. */
export interface ResourceDelivery {
  at: number;
  outcome: 'delivered' | 'deliveryFailed' | 'stuck';
}

export interface AssignmentRecord extends DirectoryRecord {
  accessPackageId: string;
  policyId: string;
  catalogId: string;
  targetUserId: string;
  target: SubjectSnapshot;
  addRequestId: string;
  /** The add request's timeline, copied so the assignment's state is computable on its own. */
  deliveringAt: number;
  deliveredAt: number;
  outcome: DeliveryOutcome;
  scheduleStart: number;
  expiresAt: number | null;
  expiration: ExpirationSnapshot;
  removeRequestId?: string;
  /** When the removal request completes and access ends. */
  removedAt?: number;
  /**
   * Per kind of resource in the package when it was requested: when its roles are granted. Absent on records written
   * before resources were delivered one by one; a kind not listed is granted while the assignment is delivered.
   */
  deliveries?: Partial<Record<OriginSystem, ResourceDelivery>>;
  /** Per kind: when the removal takes that kind's roles away (removedAt, the last of them, ends the assignment). */
  removals?: Partial<Record<OriginSystem, number>>;
}

interface AppCertificateRecord {
  thumbprintSha1: string;
  thumbprintSha256: string;
  certificatePem: string;
}

export interface DeliveryFaultRule {
  requestType?: string;
  /** Fails (or holds) only this kind of resource of an add request; the request ends by what its other resources do. */
  originSystem?: OriginSystem;
  outcome: Exclude<DeliveryOutcome, 'delivered'>;
  times: number;
}

export interface EmulatorState {
  format: 'entra-saga-emulator-state';
  version: 1;
  clockOffsetMs: number;
  users: UserRecord[];
  groups: GroupRecord[];
  /** Members added directly (not through an access package), by group id. */
  directMembers: Record<string, string[]>;
  domains: DomainRecord[];
  applications: ApplicationRecord[];
  servicePrincipals: ServicePrincipalRecord[];
  sites: SiteRecord[];
  catalogs: CatalogRecord[];
  resources: CatalogResourceRecord[];
  resourceRoles: ResourceRoleRecord[];
  resourceScopes: ResourceScopeRecord[];
  resourceRequests: ResourceRequestRecord[];
  accessPackages: AccessPackageRecord[];
  roleScopes: RoleScopeRecord[];
  policies: PolicyRecord[];
  assignmentRequests: AssignmentRequestRecord[];
  assignments: AssignmentRecord[];
  deliveryFaults: DeliveryFaultRule[];
  appCertificates: AppCertificateRecord[];
}

export function isVisible(record: DirectoryRecord & { deletedAt?: number }, now: number): boolean {
  return record.visibleAt <= now && record.deletedAt === undefined;
}
