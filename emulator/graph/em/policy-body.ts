// Validates and normalizes the v1.0 accessPackageAssignmentPolicy body (Graph v1.0, "Create assignmentPolicy"):
// allowedTargetScope, specificAllowedTargets (singleUser / groupMembers), expiration, requestorSettings,
// requestApprovalSettings (policy-settings.ts).
// The stored body is the full v1.0 shape with defaults filled in, which is what GET returns.

import { parseDuration } from '../../em/durations.js';
import { graphErrors } from '../../errors/graph-errors.js';
import { isPlainObject, show } from '../body.js';
import type { GraphCall } from '../route.js';
import { checkEmBody, requiredString } from './em-common.js';
import { approvalSettings, booleans, only } from './policy-settings.js';
import { subjectSets } from './subject-sets.js';

const allowedTargetScopes = [
  'notSpecified',
  'specificDirectoryUsers',
  'specificConnectedOrganizationUsers',
  'specificDirectoryServicePrincipals',
  'allMemberUsers',
  'allDirectoryUsers',
  'allDirectoryServicePrincipals',
  'allConfiguredConnectedOrganizationUsers',
  'allExternalUsers',
];
const expirationTypes = ['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration'];

const policyFields = {
  displayName: 'string',
  description: 'string',
  allowedTargetScope: 'string',
  specificAllowedTargets: 'object[]',
  expiration: 'object',
  requestorSettings: 'object',
  requestApprovalSettings: 'object',
  reviewSettings: 'object',
  automaticRequestSettings: 'object',
  notificationSettings: 'object',
  accessPackage: 'object',
  catalog: 'object',
  questions: 'object[]',
  customExtensionStageSettings: 'object[]',
  createdDateTime: 'string',
  modifiedDateTime: 'string',
  id: 'string',
} as const;

/** Who may be assigned: users and the members of groups. */
function targets(call: GraphCall, value: unknown, path: string): Record<string, unknown>[] {
  return subjectSets(call, value, path, ['singleUser', 'groupMembers']);
}

function expiration(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return { type: 'noExpiration', duration: null, endDateTime: null };
  const input = value as Record<string, unknown>;
  only(input, ['type', 'duration', 'endDateTime'], 'expirationPattern');
  const type = input.type ?? 'notSpecified';
  if (typeof type !== 'string' || !expirationTypes.includes(type))
    throw graphErrors.invalidModel('expiration.type', `'${show(type)}' is not a valid expirationPatternType.`);
  const duration = input.duration ?? null;
  const endDateTime = input.endDateTime ?? null;
  if (type === 'afterDuration' && (typeof duration !== 'string' || !parseDuration(duration))) {
    throw graphErrors.invalidModel(
      'expiration.duration',
      "An 'afterDuration' expiration needs an ISO 8601 'duration' such as P30D.",
    );
  }
  if (type === 'afterDateTime' && (typeof endDateTime !== 'string' || Number.isNaN(Date.parse(endDateTime)))) {
    throw graphErrors.invalidModel('expiration.endDateTime', "An 'afterDateTime' expiration needs an 'endDateTime'.");
  }
  return {
    type,
    duration: type === 'afterDuration' ? duration : null,
    endDateTime: type === 'afterDateTime' ? new Date(endDateTime as string).toISOString() : null,
  };
}

/** Returns the normalized body (without accessPackage, which the caller resolves). */
export function normalizePolicyBody(
  call: GraphCall,
  raw: unknown,
): { body: Record<string, unknown>; accessPackageId: string | undefined } {
  const input = checkEmBody(raw, 'accessPackageAssignmentPolicy', policyFields);
  const displayName = requiredString(input, 'displayName');
  const allowedTargetScope = input.allowedTargetScope ?? 'notSpecified';
  if (typeof allowedTargetScope !== 'string' || !allowedTargetScopes.includes(allowedTargetScope)) {
    throw graphErrors.invalidModel(
      'allowedTargetScope',
      `'${show(allowedTargetScope)}' is not a valid allowedTargetScope.`,
    );
  }
  const specificAllowedTargets = targets(call, input.specificAllowedTargets, 'specificAllowedTargets');
  if (allowedTargetScope === 'specificDirectoryUsers' && specificAllowedTargets.length === 0) {
    throw graphErrors.invalidModel(
      'specificAllowedTargets',
      "'specificDirectoryUsers' needs at least one entry in 'specificAllowedTargets'.",
    );
  }
  const requestorInput = isPlainObject(input.requestorSettings) ? input.requestorSettings : {};
  const requestorSettings = {
    ...booleans(
      input.requestorSettings,
      'requestorSettings',
      [
        'enableTargetsToSelfAddAccess',
        'enableTargetsToSelfUpdateAccess',
        'enableTargetsToSelfRemoveAccess',
        'allowCustomAssignmentSchedule',
        'enableOnBehalfRequestorsToAddAccess',
        'enableOnBehalfRequestorsToUpdateAccess',
        'enableOnBehalfRequestorsToRemoveAccess',
      ],
      'accessPackageAssignmentRequestorSettings',
      ['onBehalfRequestors'],
    ),
    onBehalfRequestors: targets(call, requestorInput.onBehalfRequestors, 'requestorSettings.onBehalfRequestors'),
  };
  const requestApprovalSettings = approvalSettings(call, input.requestApprovalSettings);
  if (Array.isArray(input.questions) && input.questions.length > 0)
    throw graphErrors.invalidModel('questions', 'Policy questions are not supported by the emulator.');
  const accessPackage = input.accessPackage;
  const accessPackageId =
    isPlainObject(accessPackage) && typeof accessPackage.id === 'string' ? accessPackage.id.toLowerCase() : undefined;
  return {
    accessPackageId,
    body: {
      displayName,
      description: input.description ?? null,
      allowedTargetScope,
      specificAllowedTargets,
      expiration: expiration(input.expiration),
      requestorSettings,
      requestApprovalSettings,
      reviewSettings: input.reviewSettings ?? null,
      automaticRequestSettings: input.automaticRequestSettings ?? null,
      notificationSettings: input.notificationSettings ?? null,
    },
  };
}
