// How a stored user looks on the wire: Graph's v1.0 default property set unless $select asks for more, and the
// properties $filter supports on /users.

import { isoTime } from '../../clock.js';
import { guidBytes } from '../../guid.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { UserRecord } from '../../store/state.js';
import type { Json } from '../responses.js';

/** Returned by GET /users and /users/{id} without $select (Graph v1.0's default set). */
export const userDefaultProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** Writable at creation, with their JSON kinds. */
export const userWritableFields = {
  accountEnabled: 'boolean',
  displayName: 'string',
  mailNickname: 'string',
  userPrincipalName: 'string',
  passwordProfile: 'object',
  passwordPolicies: 'string',
  givenName: 'string',
  surname: 'string',
  jobTitle: 'string',
  department: 'string',
  companyName: 'string',
  officeLocation: 'string',
  mobilePhone: 'string',
  businessPhones: 'string[]',
  mail: 'string',
  otherMails: 'string[]',
  usageLocation: 'string',
  preferredLanguage: 'string',
  city: 'string',
  country: 'string',
  state: 'string',
  streetAddress: 'string',
  postalCode: 'string',
  employeeId: 'string',
  employeeType: 'string',
  userType: 'string',
  ageGroup: 'string',
  onPremisesImmutableId: 'string',
  faxNumber: 'string',
  employeeHireDate: 'string',
} as const;

/** Every property `$select` may name; the ones the emulator does not model read as null. */
export const userKnownProperties = [
  ...new Set([
    ...userDefaultProperties,
    ...Object.keys(userWritableFields).filter((k) => k !== 'passwordProfile'),
    'createdDateTime',
    'creationType',
    'deletedDateTime',
    'externalUserState',
    'externalUserStateChangeDateTime',
    'identities',
    'imAddresses',
    'isResourceAccount',
    'lastPasswordChangeDateTime',
    'onPremisesSyncEnabled',
    'proxyAddresses',
    'securityIdentifier',
    'showInAddressList',
    'signInSessionsValidFromDateTime',
    'onPremisesDistinguishedName',
    'onPremisesDomainName',
    'onPremisesLastSyncDateTime',
    'onPremisesSamAccountName',
    'onPremisesSecurityIdentifier',
    'onPremisesUserPrincipalName',
    'preferredDataLocation',
    'legalAgeGroupClassification',
    'consentProvidedForMinor',
  ]),
];

/** Entra derives a security identifier from the object id: S-1-12-1 followed by its four 32-bit words. */
export function securityIdentifier(id: string): string {
  const bytes = Buffer.from(guidBytes(id));
  const words = [0, 4, 8, 12].map((offset) => bytes.readUInt32LE(offset));
  return `S-1-12-1-${words.join('-')}`;
}

export function userFull(user: UserRecord): Json {
  return {
    id: user.id,
    businessPhones: [],
    otherMails: [],
    imAddresses: [],
    proxyAddresses: [],
    identities: [],
    ...user.extra,
    accountEnabled: user.accountEnabled,
    displayName: user.displayName,
    mailNickname: user.mailNickname,
    userPrincipalName: user.userPrincipalName,
    userType: user.extra.userType ?? 'Member',
    createdDateTime: isoTime(user.createdAt).replace(/\.\d{3}Z$/, 'Z'),
    lastPasswordChangeDateTime: isoTime(user.createdAt).replace(/\.\d{3}Z$/, 'Z'),
    securityIdentifier: securityIdentifier(user.id),
    deletedDateTime: null,
  };
}

export const userFilterSchema: FilterSchema<UserRecord> = {
  typeName: 'user',
  directoryResource: 'User',
  properties: {
    id: { get: (u) => u.id, ops: ['eq', 'ne'] },
    userprincipalname: { get: (u) => u.userPrincipalName, ops: ['eq', 'ne', 'startswith', 'endswith'] },
    mailnickname: { get: (u) => u.mailNickname, ops: ['eq', 'ne', 'startswith'] },
    displayname: { get: (u) => u.displayName, ops: ['eq', 'ne', 'startswith'] },
    mail: { get: (u) => u.extra.mail ?? null, ops: ['eq', 'ne', 'startswith', 'endswith'] },
    givenname: { get: (u) => u.extra.givenName ?? null, ops: ['eq', 'ne', 'startswith'] },
    surname: { get: (u) => u.extra.surname ?? null, ops: ['eq', 'ne', 'startswith'] },
    accountenabled: { get: (u) => u.accountEnabled, ops: ['eq', 'ne'] },
    usertype: { get: (u) => u.extra.userType ?? 'Member', ops: ['eq', 'ne'] },
  },
};
