// Input validation for a provisioning run. Pure and deterministic: the workflow runs it first (before any side
// effect), and the CLI runs it before starting anything so that an operator sees the problem at once.

import {
  type ApprovalSettings,
  type ApprovalStageSpec,
  approvalDefaults,
  approvalLimits,
  parseApprover,
  requestedByValues,
  type RequestedBy,
} from './approvals.js';
import { tutorialDefaults, upnAlias } from './defaults.js';
import { cleanupModes, type CleanupMode, type ProvisioningInput, type ResourceSpec } from './provisioning.js';

export interface ValidationIssue {
  field: string;
  problem: string;
}

/** A resource with its defaults filled in: a group's mailNickname and role, an app's role. */
export type ValidResource =
  | { kind: 'group'; name: string; mailNickname: string; role: string }
  | { kind: 'app'; app: string; role: string }
  | { kind: 'site'; url: string; role: string };

/** A provisioning input that passed validation, with every default filled in and its resources listed. */
export type ValidProvisioningInput = Omit<ProvisioningInput, 'resources'> &
  Required<Pick<ProvisioningInput, 'requestorDisplayName' | 'policyName' | 'deliveryTimeoutSeconds' | 'dryRun'>> & {
    /** The package's resources: `resources` as given, or the tutorial's one group. */
    resources: ValidResource[];
  };

export type ValidationResult = { ok: true; input: ValidProvisioningInput } | { ok: false; issues: ValidationIssue[] };

export const limits = {
  durationDays: { min: 1, max: 3650 },
  deliveryTimeoutSeconds: { min: 10, max: 86_400 },
  displayName: 256,
  mailNickname: 64,
  upn: 113,
  upnAlias: 64,
  resources: 20,
  siteUrl: 2048,
} as const;

/** The role a group resource grants when none is named: the tutorial's. */
export const defaultGroupRole = 'Member';
/** The role Entra lists for an application that defines no app roles. */
export const defaultAppRole = 'Default Access';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  'resources',
  'requestedBy',
  'requestTimeoutHours',
  'approval',
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

/** A mailNickname as given, or derived from the group's name; undefined (with an issue) when neither works. */
function checkNickname(
  issues: ValidationIssue[],
  field: string,
  value: unknown,
  name: unknown,
  nameField: string,
): string | undefined {
  if (value !== undefined) {
    if (typeof value !== 'string' || value === '') {
      issues.push({ field, problem: 'must be a non-empty string' });
      return undefined;
    }
    if (value.length > limits.mailNickname || badNicknameChars.test(value)) {
      issues.push({
        field,
        problem: 'must be at most 64 ASCII characters without spaces or any of @ ( ) \\ [ ] " ; : . < > ,',
      });
      return undefined;
    }
    return value;
  }
  if (typeof name !== 'string') return undefined;
  const derived = mailNicknameFor(name);
  if (derived === '') issues.push({ field, problem: `cannot be derived from ${nameField} "${name}": give one` });
  return derived || undefined;
}

const resourceFields: Record<ResourceSpec['kind'], readonly string[]> = {
  group: ['kind', 'name', 'mailNickname', 'role'],
  app: ['kind', 'app', 'role'],
  site: ['kind', 'url', 'role'],
};

/** The package's resources: 1 to `limits.resources`, each checked field by field, none named twice. */
function checkResources(issues: ValidationIssue[], value: unknown): ValidResource[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > limits.resources) {
    const got = Array.isArray(value) ? `${value.length}` : typeof value;
    issues.push({ field: 'resources', problem: `must be a list of 1 to ${limits.resources} resources (got ${got})` });
    return [];
  }
  const resources: ValidResource[] = [];
  const seen = new Set<string>();
  value.forEach((raw: unknown, i) => {
    const at = `resources[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push({ field: at, problem: 'must be an object with a kind (group, app or site)' });
      return;
    }
    const item = raw as Record<string, unknown>;
    const kind = item.kind as ResourceSpec['kind'];
    if (!(kind in resourceFields)) {
      issues.push({ field: `${at}.kind`, problem: `must be group, app or site (got ${JSON.stringify(item.kind)})` });
      return;
    }
    for (const key of Object.keys(item)) {
      if (!resourceFields[kind].includes(key))
        issues.push({ field: `${at}.${key}`, problem: `is not a field of a ${kind} resource` });
    }
    const before = issues.length;
    let resource: ValidResource | undefined;
    if (kind === 'group') {
      const name = checkName(issues, `${at}.name`, item.name, true);
      const mailNickname = checkNickname(issues, `${at}.mailNickname`, item.mailNickname, name, `${at}.name`);
      // Graph also offers a group's Owner role; its delivery (ownership) is not verified here, so it is not granted.
      const role = defaultGroupRole;
      if (item.role !== undefined && (typeof item.role !== 'string' || item.role.toLowerCase() !== role.toLowerCase()))
        issues.push({ field: `${at}.role`, problem: `must be ${role} (got ${JSON.stringify(item.role)})` });
      if (name !== undefined && mailNickname !== undefined) resource = { kind, name, mailNickname, role };
    } else if (kind === 'app') {
      const app = checkName(issues, `${at}.app`, item.app, true);
      const role = checkName(issues, `${at}.role`, item.role, false) ?? defaultAppRole;
      if (app !== undefined) resource = { kind, app: guid.test(app) ? app.toLowerCase() : app, role };
    } else {
      const url = checkSiteUrl(issues, `${at}.url`, item.url);
      const role = checkName(issues, `${at}.role`, item.role, true);
      if (url !== undefined && role !== undefined) resource = { kind, url, role };
    }
    if (!resource || issues.length > before) return;
    const identity = resourceIdentity(resource);
    if (seen.has(identity)) issues.push({ field: at, problem: `names ${identity} a second time` });
    seen.add(identity);
    resources.push(resource);
  });
  return resources;
}

/** A SharePoint Online site URL: https, at most 2,048 characters, no query or fragment. */
function checkSiteUrl(issues: ValidationIssue[], field: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') {
    issues.push({ field, problem: value === undefined || value === '' ? 'is required' : 'must be a string' });
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.search || url.hash || value.length > limits.siteUrl) {
    issues.push({
      field,
      problem: `must be a site's https URL, e.g. https://contoso.sharepoint.com/sites/Marketing (got "${value.slice(0, 100)}")`,
    });
    return undefined;
  }
  return value.replace(/\/+$/, '');
}

/** What names a resource, for messages and to find one named twice: "group markres", "app <appId>", "site <url>". */
function resourceIdentity(resource: ValidResource): string {
  switch (resource.kind) {
    case 'group':
      return `group ${resource.mailNickname.toLowerCase()}`;
    case 'app':
      return `app ${resource.app.toLowerCase()}`;
    case 'site':
      return `site ${resource.url.toLowerCase()}`;
  }
}

/** A list of approvers: 1 to 25 references, each a UPN, `group:<name>` or `manager[:2]`, none twice. */
function checkApprovers(
  issues: ValidationIssue[],
  field: string,
  value: unknown,
  options: { required: boolean; manager: boolean },
): string[] | undefined {
  if (value === undefined && !options.required) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > approvalLimits.approversPerList) {
    issues.push({
      field,
      problem: `must be a list of 1 to ${approvalLimits.approversPerList} approvers (a UPN, group:<name> or manager)`,
    });
    return undefined;
  }
  const refs: string[] = [];
  value.forEach((item: unknown, i) => {
    const at = `${field}[${i}]`;
    const before = issues.length;
    const ref = checkName(issues, at, item, true);
    if (ref === undefined || issues.length > before) return;
    const parsed = parseApprover(ref);
    if (!parsed) {
      issues.push({
        field: at,
        problem: `must be a UPN, group:<name>, manager or manager:2 (got "${ref.slice(0, 80)}")`,
      });
    } else if (parsed.kind === 'user') {
      const upn = checkUpn(ref, at);
      if (upn) issues.push(upn);
    } else if (parsed.kind === 'manager' && !options.manager) {
      issues.push({ field: at, problem: 'may not be the manager here (a fallback is for when there is no manager)' });
    }
    if (refs.some((r) => r.toLowerCase() === ref.toLowerCase()))
      issues.push({ field: at, problem: `names ${ref} a second time` });
    refs.push(ref);
  });
  return refs;
}

/** The approval stages of the policy the run creates: 1 to 3, with Microsoft's rules for escalation and fallback. */
function checkApproval(issues: ValidationIssue[], value: unknown): ApprovalSettings | undefined {
  if (value === undefined) return undefined;
  const known = ['stages', 'remindEveryHours'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ field: 'approval', problem: 'must be an object with stages' });
    return undefined;
  }
  const approval = value as Record<string, unknown>;
  for (const key of Object.keys(approval))
    if (!known.includes(key)) issues.push({ field: `approval.${key}`, problem: 'is not a field of approval' });
  const remindEveryHours =
    approval.remindEveryHours === undefined
      ? approvalDefaults.remindEveryHours
      : checkInteger(issues, 'approval.remindEveryHours', approval.remindEveryHours, approvalLimits.remindEveryHours);
  const { min, max } = approvalLimits.stages;
  if (!Array.isArray(approval.stages) || approval.stages.length < min || approval.stages.length > max) {
    issues.push({ field: 'approval.stages', problem: `must be a list of ${min} to ${max} stages` });
    return undefined;
  }
  const stageFields = ['approvers', 'fallbackApprovers', 'escalationApprovers', 'escalateAfterDays', 'denyAfterDays'];
  const stages: ApprovalStageSpec[] = [];
  approval.stages.forEach((raw: unknown, i) => {
    const at = `approval.stages[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push({ field: at, problem: 'must be an object with approvers' });
      return;
    }
    const stage = raw as Record<string, unknown>;
    for (const key of Object.keys(stage))
      if (!stageFields.includes(key)) issues.push({ field: `${at}.${key}`, problem: 'is not a field of a stage' });
    const approvers = checkApprovers(issues, `${at}.approvers`, stage.approvers, { required: true, manager: true });
    const fallbackApprovers = checkApprovers(issues, `${at}.fallbackApprovers`, stage.fallbackApprovers, {
      required: false,
      manager: false,
    });
    const escalationApprovers = checkApprovers(issues, `${at}.escalationApprovers`, stage.escalationApprovers, {
      required: false,
      manager: true,
    });
    const hasManager = (approvers ?? []).some((a) => parseApprover(a)?.kind === 'manager');
    if (hasManager && !fallbackApprovers) {
      issues.push({
        field: `${at}.fallbackApprovers`,
        problem: 'is required when the manager approves (a requestor without a manager is decided by them)',
      });
    }
    const denyAfterDays =
      stage.denyAfterDays === undefined
        ? approvalDefaults.denyAfterDays
        : checkInteger(issues, `${at}.denyAfterDays`, stage.denyAfterDays, approvalLimits.denyAfterDays);
    const escalateAfterDays =
      stage.escalateAfterDays === undefined
        ? undefined
        : checkInteger(issues, `${at}.escalateAfterDays`, stage.escalateAfterDays, approvalLimits.escalateAfterDays);
    if ((escalationApprovers === undefined) !== (stage.escalateAfterDays === undefined)) {
      issues.push({
        field: escalationApprovers ? `${at}.escalateAfterDays` : `${at}.escalationApprovers`,
        problem: 'is required with escalation: give both escalationApprovers and escalateAfterDays',
      });
    }
    if (escalateAfterDays !== undefined && denyAfterDays !== undefined) {
      if (escalateAfterDays >= denyAfterDays)
        issues.push({
          field: `${at}.escalateAfterDays`,
          problem: `must be less than denyAfterDays (${denyAfterDays}): escalation comes before the automatic denial`,
        });
      else if (denyAfterDays < approvalLimits.denyAfterDaysWithEscalation)
        issues.push({
          field: `${at}.denyAfterDays`,
          problem: `must be at least ${approvalLimits.denyAfterDaysWithEscalation} with escalation (Microsoft's rule for alternate approvers)`,
        });
    }
    if (approvers && denyAfterDays !== undefined) {
      stages.push({
        approvers,
        ...(fallbackApprovers ? { fallbackApprovers } : {}),
        ...(escalationApprovers && escalateAfterDays !== undefined ? { escalationApprovers, escalateAfterDays } : {}),
        denyAfterDays,
      });
    }
  });
  return remindEveryHours === undefined ? undefined : { stages, remindEveryHours };
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
  const groupName = checkName(issues, 'groupName', value.groupName, value.resources === undefined);
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
  const hasResources = value.resources !== undefined;
  for (const field of ['groupName', 'groupMailNickname'] as const) {
    if (hasResources && value[field] !== undefined) {
      issues.push({ field, problem: 'is not used with resources: name the group there ({ kind: group, name, … })' });
    }
  }
  const groupMailNickname = hasResources
    ? undefined
    : checkNickname(issues, 'groupMailNickname', value.groupMailNickname, groupName, 'groupName');
  const resources = hasResources
    ? checkResources(issues, value.resources)
    : typeof groupName === 'string' && groupMailNickname !== undefined
      ? [{ kind: 'group' as const, name: groupName, mailNickname: groupMailNickname, role: defaultGroupRole }]
      : [];
  const requestedBy = value.requestedBy as RequestedBy | undefined;
  if (requestedBy !== undefined && !requestedByValues.includes(requestedBy)) {
    issues.push({
      field: 'requestedBy',
      problem: `must be one of ${requestedByValues.join(', ')} (got ${JSON.stringify(value.requestedBy)})`,
    });
  }
  if (value.requestTimeoutHours !== undefined && requestedBy !== 'requestor') {
    issues.push({
      field: 'requestTimeoutHours',
      problem: 'is only for runs the requestor asks for (requestedBy requestor)',
    });
  }
  const requestTimeoutHours =
    requestedBy !== 'requestor'
      ? undefined
      : value.requestTimeoutHours === undefined
        ? approvalDefaults.requestTimeoutHours
        : checkInteger(issues, 'requestTimeoutHours', value.requestTimeoutHours, approvalLimits.requestTimeoutHours);
  const approval = checkApproval(issues, value.approval);
  if (issues.length > 0) return { ok: false, issues };
  const requestorUpn = value.requestorUpn as string;
  return {
    ok: true,
    input: {
      requestorUpn,
      requestorDisplayName: requestorDisplayName ?? upnAlias(requestorUpn),
      ...(groupName === undefined ? {} : { groupName }),
      ...(groupMailNickname === undefined ? {} : { groupMailNickname }),
      resources,
      packageName: packageName as string,
      catalogName: catalogName as string,
      policyName: policyName ?? tutorialDefaults.policyName,
      durationDays: durationDays as number,
      cleanup: value.cleanup as CleanupMode,
      deliveryTimeoutSeconds: deliveryTimeoutSeconds as number,
      dryRun: value.dryRun === true,
      ...(requestedBy === undefined ? {} : { requestedBy }),
      ...(requestTimeoutHours === undefined ? {} : { requestTimeoutHours }),
      ...(approval === undefined ? {} : { approval }),
    },
  };
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.problem}`).join('; ');
}

/**
 * A validated input as a workflow takes it: the resources only when they were given (the tutorial's group stays
 * `groupName`), so that validating it again gives the same input.
 */
export function workflowInput(valid: ValidProvisioningInput): ProvisioningInput {
  const { resources, ...rest } = valid;
  return valid.groupName === undefined ? { ...rest, resources } : rest;
}
