// Builds a provisioning input from CLI flags and an optional spec file (JSON or YAML), with the tutorial's defaults,
// and validates it before anything is started.

import { emulatorDomain, tutorialDefaults } from '../common/defaults.js';
import type { ProvisioningInput } from '../common/provisioning.js';
import { formatIssues, validateProvisioningInput, workflowInput } from '../common/validation.js';
import { readBoundedYaml, toJsOptions } from './bounded-file.js';
import { CliError, ExitCode } from './exit-codes.js';

/** The tutorial's run. The requestor's domain is the emulator's unless ENTRA_SAGA_DOMAIN names the tenant's. */
function tutorialInput(env: NodeJS.ProcessEnv = process.env): ProvisioningInput {
  const { requestorAlias, deliveryTimeoutSeconds: _timeout, ...names } = tutorialDefaults;
  return {
    ...names,
    requestorUpn: `${requestorAlias}@${env.ENTRA_SAGA_DOMAIN?.trim() || emulatorDomain}`,
    cleanup: 'now',
  };
}

export interface InputFlags {
  spec?: string;
  'requestor-upn'?: string;
  'requestor-name'?: string;
  'group-name'?: string;
  'group-mail-nickname'?: string;
  'package-name'?: string;
  catalog?: string;
  'policy-name'?: string;
  'duration-days'?: string;
  cleanup?: string;
  'delivery-timeout'?: string;
  'dry-run'?: boolean;
  resource?: string[];
  'requested-by'?: string;
  'request-timeout-hours'?: string;
  approver?: string[];
  'fallback-approver'?: string;
  'escalate-to'?: string;
  'escalate-after-days'?: string;
  'deny-after-days'?: string;
  'remind-every-hours'?: string;
}

function readSpec(path: string): Record<string, unknown> {
  const { doc, lines } = readBoundedYaml(path, 'spec');
  const syntax = doc.errors[0];
  if (syntax) {
    const format = path.endsWith('.json') ? 'JSON' : 'YAML';
    throw new CliError(
      `--spec: ${path} is not valid ${format} (line ${lines.linePos(syntax.pos[0]).line}): ${syntax.message.split('\n')[0]}`,
      ExitCode.BadInput,
    );
  }
  const parsed: unknown = doc.toJS(toJsOptions);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`--spec: ${path} must hold one object of provisioning fields`, ExitCode.BadInput);
  }
  return parsed as Record<string, unknown>;
}

function integerFlag(name: string, value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** The validated input, or a CliError naming the field (exit 2). */
export function inputFromFlags(flags: InputFlags, env: NodeJS.ProcessEnv = process.env): ProvisioningInput {
  const spec = flags.spec ? readSpec(flags.spec) : {};
  const raw: Record<string, unknown> = { ...tutorialInput(env), ...spec };
  const set = (field: keyof ProvisioningInput, value: unknown) => {
    if (value !== undefined) raw[field] = value;
  };
  set('requestorUpn', flags['requestor-upn']);
  set('requestorDisplayName', flags['requestor-name']);
  if (flags['group-name'] !== undefined && flags['group-mail-nickname'] === undefined && !flags.spec) {
    // A new group name gets its own derived nickname, not the tutorial's "markres".
    delete raw.groupMailNickname;
  }
  set('groupName', flags['group-name']);
  set('groupMailNickname', flags['group-mail-nickname']);
  set('packageName', flags['package-name']);
  set('catalogName', flags.catalog);
  set('policyName', flags['policy-name']);
  set('durationDays', integerFlag('duration-days', flags['duration-days']));
  set('cleanup', flags.cleanup);
  set('deliveryTimeoutSeconds', integerFlag('delivery-timeout', flags['delivery-timeout']));
  if (flags['dry-run']) raw.dryRun = true;
  set('requestedBy', flags['requested-by']);
  set('requestTimeoutHours', integerFlag('request-timeout-hours', flags['request-timeout-hours']));
  const approval = approvalFromFlags(flags);
  if (approval) raw.approval = approval;
  if (flags.resource?.length) raw.resources = flags.resource.map(parseResourceFlag);
  if (raw.resources !== undefined) {
    // The package's resources replace the tutorial's group (a group named as well is refused by validation).
    if (flags['group-name'] === undefined && spec.groupName === undefined) delete raw.groupName;
    if (flags['group-mail-nickname'] === undefined && spec.groupMailNickname === undefined)
      delete raw.groupMailNickname;
  }
  const result = validateProvisioningInput(raw);
  if (!result.ok) {
    throw new CliError(
      `invalid input: ${formatIssues(
        result.issues.map((i) => ({
          ...i,
          field: flagName(i.field, Boolean(flags.resource?.length), Boolean(flags.approver?.length)),
        })),
      )}`,
      ExitCode.BadInput,
    );
  }
  return workflowInput(result.input);
}

const stageFlags = ['fallback-approver', 'escalate-to', 'escalate-after-days', 'deny-after-days'] as const;

/** A comma-separated list of approvers: `alice@contoso.com, group:Finance approvers`. */
const approverList = (value: string) =>
  value
    .split(',')
    .map((ref) => ref.trim())
    .filter(Boolean);

/**
 * Approval stages from flags: each `--approver` is a stage, in order (a comma-separated list of who may decide it);
 * the fallback, escalation and automatic-denial flags apply to every stage. A spec file can set each stage apart.
 */
function approvalFromFlags(flags: InputFlags): Record<string, unknown> | undefined {
  const given = stageFlags.filter((name) => flags[name] !== undefined);
  if (!flags.approver?.length) {
    const first = [...given, ...(flags['remind-every-hours'] !== undefined ? ['remind-every-hours'] : [])][0];
    if (first) throw new CliError(`--${first} needs --approver (one per approval stage)`, ExitCode.BadInput);
    return undefined;
  }
  const stage = {
    ...(flags['fallback-approver'] ? { fallbackApprovers: approverList(flags['fallback-approver']) } : {}),
    ...(flags['escalate-to'] ? { escalationApprovers: approverList(flags['escalate-to']) } : {}),
    ...(flags['escalate-after-days'] !== undefined
      ? { escalateAfterDays: integerFlag('escalate-after-days', flags['escalate-after-days']) }
      : {}),
    ...(flags['deny-after-days'] !== undefined
      ? { denyAfterDays: integerFlag('deny-after-days', flags['deny-after-days']) }
      : {}),
  };
  return {
    stages: flags.approver.map((list) => ({ approvers: approverList(list), ...stage })),
    ...(flags['remind-every-hours'] !== undefined
      ? { remindEveryHours: integerFlag('remind-every-hours', flags['remind-every-hours']) }
      : {}),
  };
}

/**
 * `--resource kind:reference[:role]`: `group:Marketing resources:Member`, `app:<appId or display name>:Reader`,
 * `site:https://contoso.sharepoint.com/sites/Marketing:Members`. The role is what follows the last colon — for a site,
 * the last colon after its URL's path begins.
 */
function parseResourceFlag(value: string): Record<string, string> {
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (colon < 0 || !['group', 'app', 'site'].includes(kind) || rest === '') {
    throw new CliError(
      `--resource "${value.slice(0, 80)}": write kind:reference[:role], with kind group, app or site (e.g. app:<appId>:Reader)`,
      ExitCode.BadInput,
    );
  }
  const schemeEnd = kind === 'site' ? rest.indexOf('://') + 3 : 0;
  const roleColon = rest.lastIndexOf(':');
  const [reference, role] =
    roleColon >= schemeEnd && roleColon > 0 ? [rest.slice(0, roleColon), rest.slice(roleColon + 1)] : [rest, undefined];
  const field = kind === 'group' ? 'name' : kind === 'app' ? 'app' : 'url';
  return { kind, [field]: reference, ...(role ? { role } : {}) };
}

const flagNames: Record<string, string> = {
  requestorUpn: '--requestor-upn',
  requestorDisplayName: '--requestor-name',
  groupName: '--group-name',
  groupMailNickname: '--group-mail-nickname',
  packageName: '--package-name',
  catalogName: '--catalog',
  policyName: '--policy-name',
  durationDays: '--duration-days',
  cleanup: '--cleanup',
  deliveryTimeoutSeconds: '--delivery-timeout',
  resources: '--resource',
  requestedBy: '--requested-by',
  requestTimeoutHours: '--request-timeout-hours',
  'approval.remindEveryHours': '--remind-every-hours',
};

/** The flag of an approval stage's field: `approval.stages[1].approvers[0]` → `--approver 2`. */
const stageFieldFlags: Record<string, string> = {
  approvers: '--approver',
  fallbackApprovers: '--fallback-approver',
  escalationApprovers: '--escalate-to',
  escalateAfterDays: '--escalate-after-days',
  denyAfterDays: '--deny-after-days',
};

/**
 * The flag an operator would fix for a field: `resources[1].role` → `--resource 2 (role)` when the resources came from
 * --resource flags (else the spec file's field name stands).
 */
function flagName(field: string, resourcesFromFlags: boolean, approvalFromFlags = false): string {
  const stage = /^approval\.stages(?:\[(\d+)\](?:\.(\w+))?)?/.exec(field);
  if (stage && approvalFromFlags) {
    const flag = stage[2] ? stageFieldFlags[stage[2]] : '--approver';
    return flag === '--approver' && stage[1] ? `--approver ${Number(stage[1]) + 1}` : (flag ?? field);
  }
  const resource = /^resources(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(field);
  if (resource?.[1]) {
    if (!resourcesFromFlags) return field;
    return `--resource ${Number(resource[1]) + 1}${resource[2] ? ` (${resource[2]})` : ''}`;
  }
  if (resource && !resourcesFromFlags) return field;
  return flagNames[field] ?? field;
}
