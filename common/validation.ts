// Input validation for a provisioning run. Pure and deterministic: the workflow runs it first (before any side
// effect), and the CLI runs it before starting anything so that an operator sees the problem at once.

import { tutorialDefaults, upnAlias } from './defaults.js';
import { cleanupModes, type CleanupMode, type ProvisioningInput } from './provisioning.js';

export interface ValidationIssue {
  field: string;
  problem: string;
}

/** A provisioning input that passed validation, with every default filled in. */
export type ValidProvisioningInput = ProvisioningInput &
  Required<
    Pick<
      ProvisioningInput,
      'groupMailNickname' | 'requestorDisplayName' | 'policyName' | 'deliveryTimeoutSeconds' | 'dryRun'
    >
  >;

export type ValidationResult = { ok: true; input: ValidProvisioningInput } | { ok: false; issues: ValidationIssue[] };

export const limits = {
  durationDays: { min: 1, max: 3650 },
  deliveryTimeoutSeconds: { min: 10, max: 86_400 },
  displayName: 256,
  mailNickname: 64,
  upn: 113,
  upnAlias: 64,
} as const;

// Entra: the alias of a UPN may hold A–Z a–z 0–9 ' . - _ ! # ^ ~, and may not start or end with a period.
const upnAliasPattern = /^[A-Za-z0-9'_!#^~-](?:[A-Za-z0-9'.\-_!#^~]*[A-Za-z0-9'\-_!#^~])?$/;
const dnsName = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// mailNickname may not contain @ ( ) \ [ ] " ; : . < > , or space, and must be ASCII.
const badNicknameChars = /[@()\\[\]";:.<>,\s]|[^\x21-\x7e]/;
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;

const knownFields: readonly (keyof ProvisioningInput)[] = [
  'requestorUpn',
  'requestorDisplayName',
  'groupName',
  'groupMailNickname',
  'packageName',
  'catalogName',
  'policyName',
  'durationDays',
  'cleanup',
  'deliveryTimeoutSeconds',
  'dryRun',
];

/** A mailNickname derived from a group name: ASCII letters and digits, lower case, at most 64 characters. */
export function mailNicknameFor(groupName: string): string {
  return groupName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, limits.mailNickname);
}

function checkName(issues: ValidationIssue[], field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') {
    issues.push({ field, problem: value === undefined ? 'is required' : `must be a string (got ${typeof value})` });
    return undefined;
  }
  if (value.trim() === '') issues.push({ field, problem: 'must not be empty' });
  else if (value !== value.trim()) issues.push({ field, problem: 'must not start or end with spaces' });
  else if (controlChars.test(value)) issues.push({ field, problem: 'must not contain control characters' });
  else if (value.length > limits.displayName) {
    issues.push({ field, problem: `must be at most ${limits.displayName} characters (got ${value.length})` });
  }
  return value;
}

function checkInteger(
  issues: ValidationIssue[],
  field: string,
  value: unknown,
  range: { min: number; max: number },
): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.push({
      field,
      problem: `must be a whole number from ${range.min} to ${range.max} (got ${JSON.stringify(value)})`,
    });
    return undefined;
  }
  if (value < range.min || value > range.max) {
    issues.push({ field, problem: `must be from ${range.min} to ${range.max} (got ${value})` });
  }
  return value;
}

function checkUpn(value: unknown, field = 'requestorUpn'): ValidationIssue | undefined {
  if (typeof value !== 'string' || value === '') {
    return {
      field,
      problem: value === undefined || value === '' ? 'is required' : `must be a string (got ${typeof value})`,
    };
  }
  if (value.length > limits.upn)
    return { field, problem: `must be at most ${limits.upn} characters (got ${value.length})` };
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.indexOf('@') !== at) {
    return { field, problem: `must look like alias@domain, with exactly one @ (got "${value}")` };
  }
  const alias = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (alias.length > limits.upnAlias || !upnAliasPattern.test(alias) || alias.includes('..')) {
    return {
      field,
      problem: `has an invalid alias "${alias}": use up to 64 of A-Z a-z 0-9 ' . - _ ! # ^ ~, not starting or ending with a period`,
    };
  }
  if (!dnsName.test(domain)) return { field, problem: `has an invalid domain "${domain}"` };
  return undefined;
}

export function validateProvisioningInput(raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: 'input', problem: 'must be an object' }] };
  }
  const value = raw as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!knownFields.includes(key as keyof ProvisioningInput))
      issues.push({ field: key, problem: 'is not a known field' });
  }
  const upnIssue = checkUpn(value.requestorUpn);
  if (upnIssue) issues.push(upnIssue);
  const requestorDisplayName = checkName(issues, 'requestorDisplayName', value.requestorDisplayName, false);
  const groupName = checkName(issues, 'groupName', value.groupName, true);
  const packageName = checkName(issues, 'packageName', value.packageName, true);
  const catalogName = checkName(issues, 'catalogName', value.catalogName, true);
  const policyName = checkName(issues, 'policyName', value.policyName, false);
  const durationDays = checkInteger(issues, 'durationDays', value.durationDays, limits.durationDays);
  const deliveryTimeoutSeconds =
    value.deliveryTimeoutSeconds === undefined
      ? tutorialDefaults.deliveryTimeoutSeconds
      : checkInteger(issues, 'deliveryTimeoutSeconds', value.deliveryTimeoutSeconds, limits.deliveryTimeoutSeconds);
  if (value.dryRun !== undefined && typeof value.dryRun !== 'boolean') {
    issues.push({ field: 'dryRun', problem: `must be true or false (got ${JSON.stringify(value.dryRun)})` });
  }
  if (!cleanupModes.includes(value.cleanup as CleanupMode)) {
    issues.push({
      field: 'cleanup',
      problem: `must be one of ${cleanupModes.join(', ')} (got ${JSON.stringify(value.cleanup)})`,
    });
  }
  let groupMailNickname: string | undefined;
  if (value.groupMailNickname !== undefined) {
    if (typeof value.groupMailNickname !== 'string' || value.groupMailNickname === '') {
      issues.push({ field: 'groupMailNickname', problem: 'must be a non-empty string' });
    } else if (value.groupMailNickname.length > limits.mailNickname || badNicknameChars.test(value.groupMailNickname)) {
      issues.push({
        field: 'groupMailNickname',
        problem: 'must be at most 64 ASCII characters without spaces or any of @ ( ) \\ [ ] " ; : . < > ,',
      });
    } else {
      groupMailNickname = value.groupMailNickname;
    }
  } else if (typeof groupName === 'string') {
    groupMailNickname = mailNicknameFor(groupName);
    if (groupMailNickname === '') {
      issues.push({ field: 'groupMailNickname', problem: `cannot be derived from groupName "${groupName}": give one` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const requestorUpn = value.requestorUpn as string;
  return {
    ok: true,
    input: {
      requestorUpn,
      requestorDisplayName: requestorDisplayName ?? upnAlias(requestorUpn),
      groupName: groupName as string,
      groupMailNickname: groupMailNickname as string,
      packageName: packageName as string,
      catalogName: catalogName as string,
      policyName: policyName ?? tutorialDefaults.policyName,
      durationDays: durationDays as number,
      cleanup: value.cleanup as CleanupMode,
      deliveryTimeoutSeconds: deliveryTimeoutSeconds as number,
      dryRun: value.dryRun === true,
    },
  };
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.problem}`).join('; ');
}
