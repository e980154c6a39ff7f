// The settings objects of an assignment policy: boolean flags (Microsoft's own examples send them as "true"
// strings, which are read as booleans), and requestApprovalSettings with its 1–3 accessPackageApprovalStage
// objects. Each problem is 400 InvalidModel naming the property, e.g. `requestApprovalSettings.stages[1].
// durationBeforeEscalation`; unknown properties are 400 BadRequest naming the type.

import { parseDuration } from '../../em/durations.js';
import { graphErrors } from '../../errors/graph-errors.js';
import { isPlainObject, show } from '../body.js';
import type { GraphCall } from '../route.js';
import { subjectSets, type SubjectSetType } from './subject-sets.js';

export function only(value: Record<string, unknown>, allowed: readonly string[], typeName: string): void {
  for (const key of Object.keys(value))
    if (key !== '@odata.type' && !allowed.includes(key)) throw graphErrors.unknownEmProperty(key, typeName);
}

function flag(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw graphErrors.invalidModel(path, `'${path}' must be a boolean.`);
}

/** The named flags of a settings object (false when absent); `others` are properties read elsewhere. */
export function booleans(
  value: unknown,
  property: string,
  names: readonly string[],
  typeName: string,
  others: readonly string[] = [],
): Record<string, boolean> {
  const input = value === undefined || value === null ? {} : value;
  if (!isPlainObject(input)) throw graphErrors.invalidModel(property, `'${property}' must be an object.`);
  only(input, [...names, ...others], typeName);
  return Object.fromEntries(names.map((name) => [name, flag(input[name], `${property}.${name}`)]));
}

const primaryTypes: SubjectSetType[] = [
  'singleUser',
  'groupMembers',
  'requestorManager',
  'internalSponsors',
  'externalSponsors',
  'targetUserSponsors',
];
const fallbackTypes: SubjectSetType[] = ['singleUser', 'groupMembers'];
const visibilities = ['default', 'notVisible', 'visible'];

function duration(value: unknown, path: string, fallback: string): { text: string; ms: number } {
  const text = value ?? fallback;
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (typeof text !== 'string' || ms === undefined)
    throw graphErrors.invalidModel(path, `'${show(text)}' is not an ISO 8601 duration such as P14D.`);
  return { text, ms };
}

function stage(call: GraphCall, raw: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(raw)) throw graphErrors.invalidModel(path, 'An approval stage must be an object.');
  const flags = booleans(
    raw,
    path,
    ['isApproverJustificationRequired', 'isEscalationEnabled'],
    'accessPackageApprovalStage',
    [
      'durationBeforeAutomaticDenial',
      'durationBeforeEscalation',
      'primaryApprovers',
      'fallbackPrimaryApprovers',
      'escalationApprovers',
      'fallbackEscalationApprovers',
      'approverInformationVisibility',
    ],
  );
  const denial = duration(raw.durationBeforeAutomaticDenial, `${path}.durationBeforeAutomaticDenial`, 'P14D');
  if (denial.ms <= 0)
    throw graphErrors.invalidModel(`${path}.durationBeforeAutomaticDenial`, 'The duration must be longer than zero.');
  const escalation = duration(raw.durationBeforeEscalation, `${path}.durationBeforeEscalation`, 'PT0S');
  const sets = (name: string, types: readonly SubjectSetType[]) =>
    subjectSets(call, raw[name], `${path}.${name}`, types);
  const primaryApprovers = sets('primaryApprovers', primaryTypes);
  const fallbackPrimaryApprovers = sets('fallbackPrimaryApprovers', fallbackTypes);
  const escalationApprovers = sets('escalationApprovers', primaryTypes);
  const fallbackEscalationApprovers = sets('fallbackEscalationApprovers', fallbackTypes);
  if (primaryApprovers.length + fallbackPrimaryApprovers.length === 0)
    throw graphErrors.invalidModel(`${path}.primaryApprovers`, 'A stage needs primary or fallback primary approvers.');
  if (flags.isEscalationEnabled) {
    if (escalationApprovers.length + fallbackEscalationApprovers.length === 0)
      throw graphErrors.invalidModel(
        `${path}.escalationApprovers`,
        'Escalation is enabled but no escalation approver is set.',
      );
    if (escalation.ms <= 0 || escalation.ms >= denial.ms)
      throw graphErrors.invalidModel(
        `${path}.durationBeforeEscalation`,
        "With escalation enabled, 'durationBeforeEscalation' must be longer than zero and shorter than 'durationBeforeAutomaticDenial'.",
      );
  }
  const visibility = raw.approverInformationVisibility ?? 'default';
  if (typeof visibility !== 'string' || !visibilities.includes(visibility))
    throw graphErrors.invalidModel(
      `${path}.approverInformationVisibility`,
      `'${show(visibility)}' is not a valid approverInformationVisibility.`,
    );
  return {
    durationBeforeAutomaticDenial: denial.text,
    isApproverJustificationRequired: flags.isApproverJustificationRequired,
    isEscalationEnabled: flags.isEscalationEnabled,
    durationBeforeEscalation: escalation.text,
    primaryApprovers,
    fallbackPrimaryApprovers,
    escalationApprovers,
    fallbackEscalationApprovers,
    approverInformationVisibility: visibility,
  };
}

export function approvalSettings(call: GraphCall, value: unknown): Record<string, unknown> {
  const property = 'requestApprovalSettings';
  const flags = booleans(
    value,
    property,
    ['isApprovalRequiredForAdd', 'isApprovalRequiredForUpdate', 'isRequestorJustificationRequired'],
    'accessPackageAssignmentApprovalSettings',
    ['stages'],
  );
  const raw = isPlainObject(value) ? (value.stages ?? []) : [];
  if (!Array.isArray(raw) || raw.length > 3)
    throw graphErrors.invalidModel(`${property}.stages`, 'At most three approval stages are allowed.');
  const stages = raw.map((s: unknown, i) => stage(call, s, `${property}.stages[${i}]`));
  if (flags.isApprovalRequiredForAdd && stages.length === 0)
    throw graphErrors.invalidModel(`${property}.stages`, 'Approval is required but no approval stage is defined.');
  return { ...flags, stages };
}
