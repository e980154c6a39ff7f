// Validates and normalizes the v1.0 accessPackageAssignmentPolicy body (Graph v1.0, "Create assignmentPolicy"): allowedTargetScope,
// specificAllowedTargets (singleUser / groupMembers), expiration, requestorSettings, requestApprovalSettings.
// The stored body is the full v1.0 shape with defaults filled in, which is what GET returns.

import { parseDuration } from '../../em/durations.js';
import { graphErrors } from '../../errors/graph-errors.js';
import { isVisible } from '../../store/state.js';
import { isPlainObject, show } from '../body.js';
import type { GraphCall } from '../route.js';
import { checkEmBody, requiredString } from './em-common.js';

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

function only(value: Record<string, unknown>, allowed: readonly string[], typeName: string): void {
  for (const key of Object.keys(value))
    if (key !== '@odata.type' && !allowed.includes(key)) throw graphErrors.unknownEmProperty(key, typeName);
}

function booleans(
  value: unknown,
  property: string,
  names: readonly string[],
  typeName: string,
): Record<string, boolean> {
  const input = value === undefined || value === null ? {} : value;
  if (!isPlainObject(input)) throw graphErrors.invalidModel(property, `'${property}' must be an object.`);
  only(input, [...names, 'onBehalfRequestors', 'stages'], typeName);
  const result: Record<string, boolean> = {};
  for (const name of names) {
    const v = input[name];
    if (v !== undefined && v !== null && typeof v !== 'boolean')
      throw graphErrors.invalidModel(`${property}.${name}`, `'${name}' must be a boolean.`);
    result[name] = v === true;
  }
  return result;
}

function targets(call: GraphCall, value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  const list = value as Record<string, unknown>[];
  return list.map((target, index) => {
    const type = target['@odata.type'];
    const where = `specificAllowedTargets[${index}]`;
    if (type === '#microsoft.graph.singleUser') {
      only(target, ['userId', 'description'], 'singleUser');
      const userId = typeof target.userId === 'string' ? target.userId.toLowerCase() : undefined;
      if (!userId) throw graphErrors.invalidModel(`${where}.userId`, "A singleUser needs a 'userId'.");
      if (!call.ctx.store.state.users.some((u) => u.id === userId && isVisible(u, call.now)))
        throw graphErrors.emNotFound('user', userId);
      return { '@odata.type': type, userId, description: (target.description as string | undefined) ?? null };
    }
    if (type === '#microsoft.graph.groupMembers') {
      only(target, ['groupId', 'description'], 'groupMembers');
      const groupId = typeof target.groupId === 'string' ? target.groupId.toLowerCase() : undefined;
      if (!groupId) throw graphErrors.invalidModel(`${where}.groupId`, "A groupMembers target needs a 'groupId'.");
      if (!call.ctx.store.state.groups.some((g) => g.id === groupId && isVisible(g, call.now)))
        throw graphErrors.emNotFound('group', groupId);
      return { '@odata.type': type, groupId, description: (target.description as string | undefined) ?? null };
    }
    throw graphErrors.invalidModel(
      `${where}.@odata.type`,
      `Subject set type '${show(type)}' is not supported; use #microsoft.graph.singleUser or #microsoft.graph.groupMembers.`,
    );
  });
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
  const specificAllowedTargets = targets(call, input.specificAllowedTargets);
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
    ),
    onBehalfRequestors: targets(call, requestorInput.onBehalfRequestors),
  };
  const approvalInput = isPlainObject(input.requestApprovalSettings) ? input.requestApprovalSettings : {};
  const stages = approvalInput.stages ?? [];
  if (!Array.isArray(stages) || stages.length > 3)
    throw graphErrors.invalidModel('requestApprovalSettings.stages', 'At most three approval stages are allowed.');
  const requestApprovalSettings: Record<string, unknown> = {
    ...booleans(
      input.requestApprovalSettings,
      'requestApprovalSettings',
      ['isApprovalRequiredForAdd', 'isApprovalRequiredForUpdate', 'isRequestorJustificationRequired'],
      'accessPackageAssignmentApprovalSettings',
    ),
    stages,
  };
  if (requestApprovalSettings.isApprovalRequiredForAdd === true && stages.length === 0) {
    throw graphErrors.invalidModel(
      'requestApprovalSettings.stages',
      'Approval is required but no approval stage is defined.',
    );
  }
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
