// How stored applications, service principals and app role assignments look on the wire (Graph v1.0's default
// property sets; properties the emulator does not model are null or empty, as for a freshly registered app), and
// what $filter supports on each list.

import { isoTime } from '../../clock.js';
import type { AppRoleGrant } from '../../em/app-role-assignments.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { AppRole, ApplicationRecord, ServicePrincipalRecord } from '../../store/state.js';
import type { Json } from '../responses.js';

const seconds = (ms: number) => isoTime(ms).replace(/\.\d{3}Z$/, 'Z');

function appRoleJson(role: AppRole): Json {
  return {
    allowedMemberTypes: role.allowedMemberTypes,
    description: role.description,
    displayName: role.displayName,
    id: role.id,
    isEnabled: role.isEnabled,
    origin: 'Application',
    value: role.value,
  };
}

const verifiedPublisher = { displayName: null, verifiedPublisherId: null, addedDateTime: null };
const informationalUrl = {
  logoUrl: null,
  marketingUrl: null,
  privacyStatementUrl: null,
  supportUrl: null,
  termsOfServiceUrl: null,
};

export const applicationDefaultProperties = [
  'id',
  'deletedDateTime',
  'appId',
  'applicationTemplateId',
  'disabledByMicrosoftStatus',
  'createdDateTime',
  'displayName',
  'description',
  'groupMembershipClaims',
  'identifierUris',
  'isDeviceOnlyAuthSupported',
  'isFallbackPublicClient',
  'nativeAuthenticationApisEnabled',
  'notes',
  'publisherDomain',
  'serviceManagementReference',
  'signInAudience',
  'tags',
  'tokenEncryptionKeyId',
  'samlMetadataUrl',
  'defaultRedirectUri',
  'certification',
  'optionalClaims',
  'requestSignatureVerification',
  'addIns',
  'api',
  'appRoles',
  'info',
  'keyCredentials',
  'parentalControlSettings',
  'passwordCredentials',
  'publicClient',
  'requiredResourceAccess',
  'verifiedPublisher',
  'web',
  'spa',
] as const;

export const applicationKnownProperties = [
  ...applicationDefaultProperties,
  'authenticationBehaviors',
  'createdByAppId',
  'isDisabled',
  'oauth2RequirePostResponse',
  'servicePrincipalLockConfiguration',
  'uniqueName',
];

export function applicationFull(app: ApplicationRecord, domain: string): Json {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: seconds(app.createdAt),
    displayName: app.displayName,
    description: app.description,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: app.isFallbackPublicClient ?? null,
    nativeAuthenticationApisEnabled: null,
    notes: app.notes,
    publisherDomain: domain,
    serviceManagementReference: null,
    signInAudience: app.signInAudience,
    tags: app.tags,
    tokenEncryptionKeyId: null,
    samlMetadataUrl: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    requestSignatureVerification: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: null,
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
    },
    appRoles: app.appRoles.map(appRoleJson),
    info: informationalUrl,
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: [],
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher,
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: [],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      redirectUriSettings: [],
    },
    spa: { redirectUris: [] },
    authenticationBehaviors: null,
    createdByAppId: null,
    isDisabled: null,
    oauth2RequirePostResponse: false,
    servicePrincipalLockConfiguration: null,
    uniqueName: null,
  };
}

export const servicePrincipalDefaultProperties = [
  'id',
  'deletedDateTime',
  'accountEnabled',
  'alternativeNames',
  'appDisplayName',
  'appDescription',
  'appId',
  'applicationTemplateId',
  'appOwnerOrganizationId',
  'appRoleAssignmentRequired',
  'description',
  'disabledByMicrosoftStatus',
  'displayName',
  'homepage',
  'loginUrl',
  'logoutUrl',
  'notes',
  'notificationEmailAddresses',
  'preferredSingleSignOnMode',
  'preferredTokenSigningKeyThumbprint',
  'replyUrls',
  'servicePrincipalNames',
  'servicePrincipalType',
  'signInAudience',
  'tags',
  'tokenEncryptionKeyId',
  'samlSingleSignOnSettings',
  'addIns',
  'appRoles',
  'info',
  'keyCredentials',
  'oauth2PermissionScopes',
  'passwordCredentials',
  'resourceSpecificApplicationPermissions',
  'verifiedPublisher',
] as const;

export const servicePrincipalKnownProperties = [...servicePrincipalDefaultProperties, 'createdByAppId', 'isDisabled'];

/** A service principal shows its application's name, description and app roles. */
export function servicePrincipalFull(sp: ServicePrincipalRecord, app: ApplicationRecord, tenantId: string): Json {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    alternativeNames: [],
    appDisplayName: app.displayName,
    appDescription: app.description,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: tenantId,
    appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: app.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames: [sp.appId],
    servicePrincipalType: 'Application',
    signInAudience: app.signInAudience,
    tags: sp.tags,
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: app.appRoles.map(appRoleJson),
    info: informationalUrl,
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher,
    createdByAppId: null,
    isDisabled: null,
  };
}

export const appRoleAssignmentProperties = [
  'id',
  'deletedDateTime',
  'appRoleId',
  'createdDateTime',
  'principalDisplayName',
  'principalId',
  'principalType',
  'resourceDisplayName',
  'resourceId',
] as const;

export function appRoleAssignmentFull(grant: AppRoleGrant, principalName: string, resourceName: string): Json {
  return {
    id: grant.id,
    deletedDateTime: null,
    appRoleId: grant.appRoleId,
    createdDateTime: isoTime(grant.createdAt),
    principalDisplayName: principalName,
    principalId: grant.principalId,
    principalType: 'User',
    resourceDisplayName: resourceName,
    resourceId: grant.resourceId,
  };
}

const idOps = ['eq', 'ne'];
const nameOps = ['eq', 'ne', 'startswith'];

export const applicationFilterSchema: FilterSchema<ApplicationRecord> = {
  typeName: 'application',
  directoryResource: 'Application',
  properties: {
    id: { get: (a) => a.id, ops: idOps },
    appid: { get: (a) => a.appId, ops: idOps },
    displayname: { get: (a) => a.displayName, ops: nameOps },
  },
};

/** Service principals are filtered with their application's name (which is theirs). */
export function servicePrincipalFilterSchema(
  appOf: (sp: ServicePrincipalRecord) => ApplicationRecord | undefined,
): FilterSchema<ServicePrincipalRecord> {
  return {
    typeName: 'servicePrincipal',
    directoryResource: 'ServicePrincipal',
    properties: {
      id: { get: (sp) => sp.id, ops: idOps },
      appid: { get: (sp) => sp.appId, ops: idOps },
      displayname: { get: (sp) => appOf(sp)?.displayName ?? null, ops: nameOps },
    },
  };
}

export const appRoleAssignmentFilterSchema: FilterSchema<AppRoleGrant> = {
  typeName: 'appRoleAssignment',
  directoryResource: 'AppRoleAssignment',
  properties: {
    resourceid: { get: (g) => g.resourceId, ops: ['eq'] },
    approleid: { get: (g) => g.appRoleId, ops: ['eq'] },
    principalid: { get: (g) => g.principalId, ops: ['eq'] },
  },
};
