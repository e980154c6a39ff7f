// How a stored group looks on the wire (Graph v1.0 returns the full set below by default, except
// `creationOptions`, which the service sends but the v1.0 schema lacks) and what $filter supports on /groups.

import { isoTime } from '../../clock.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { GroupRecord } from '../../store/state.js';
import type { Json } from '../responses.js';

export const groupDefaultProperties = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'onPremisesDomainName',
  'onPremisesLastSyncDateTime',
  'onPremisesNetBiosName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
  'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
] as const;

export const groupKnownProperties = [...groupDefaultProperties, 'uniqueName', 'isManagementRestricted'];

export const groupWritableFields = {
  displayName: 'string',
  description: 'string',
  mailEnabled: 'boolean',
  mailNickname: 'string',
  securityEnabled: 'boolean',
  groupTypes: 'string[]',
  visibility: 'string',
  isAssignableToRole: 'boolean',
  'members@odata.bind': 'string[]',
  'owners@odata.bind': 'string[]',
} as const;

export function groupFull(group: GroupRecord, domain: string): Json {
  const created = isoTime(group.createdAt).replace(/\.\d{3}Z$/, 'Z');
  const unified = group.groupTypes.includes('Unified');
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    description: group.description,
    displayName: group.displayName,
    expirationDateTime: null,
    groupTypes: group.groupTypes,
    isAssignableToRole: group.isAssignableToRole,
    mail: group.mailEnabled ? `${group.mailNickname}@${domain}` : null,
    mailEnabled: group.mailEnabled,
    mailNickname: group.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: group.mailEnabled ? [`SMTP:${group.mailNickname}@${domain}`] : [],
    renewedDateTime: created,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: group.securityEnabled,
    securityIdentifier: group.securityIdentifier,
    theme: null,
    uniqueName: null,
    isManagementRestricted: null,
    visibility: unified ? (group.visibility ?? 'Public') : group.visibility,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

export const groupFilterSchema: FilterSchema<GroupRecord> = {
  typeName: 'group',
  directoryResource: 'Group',
  properties: {
    id: { get: (g) => g.id, ops: ['eq', 'ne'] },
    displayname: { get: (g) => g.displayName, ops: ['eq', 'ne', 'startswith'] },
    mailnickname: { get: (g) => g.mailNickname, ops: ['eq', 'ne', 'startswith'] },
    description: { get: (g) => g.description, ops: ['eq', 'startswith'] },
    securityenabled: { get: (g) => g.securityEnabled, ops: ['eq', 'ne'] },
    mailenabled: { get: (g) => g.mailEnabled, ops: ['eq', 'ne'] },
  },
};
