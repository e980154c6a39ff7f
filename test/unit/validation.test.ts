// Input validation: every field's invalid values are named, with what is wrong, before anything runs.

import { describe, expect, it } from 'vitest';
import type { ProvisioningInput } from '../../common/provisioning.js';
import { mailNicknameFor, validateProvisioningInput } from '../../common/validation.js';

const valid: ProvisioningInput = {
  requestorUpn: 'Requestor1@contoso.onmicrosoft.com',
  groupName: 'Marketing resources',
  packageName: 'Marketing Campaign',
  catalogName: 'General',
  durationDays: 30,
  cleanup: 'now',
};

function issuesFor(patch: Record<string, unknown>) {
  const result = validateProvisioningInput({ ...valid, ...patch });
  return result.ok ? [] : result.issues;
}

describe('validateProvisioningInput', () => {
  it('accepts the tutorial and fills in the defaults', () => {
    const result = validateProvisioningInput(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input).toMatchObject({
      requestorDisplayName: 'Requestor1',
      groupMailNickname: 'marketingresources',
      policyName: 'Specific users',
      deliveryTimeoutSeconds: 900,
      dryRun: false,
    });
  });

  it.each([
    ['requestorUpn', '', /is required/],
    ['requestorUpn', 'no-at-sign', /alias@domain/],
    ['requestorUpn', 'a@b@contoso.com', /exactly one @/],
    ['requestorUpn', '.lead@contoso.com', /invalid alias/],
    ['requestorUpn', 'sp ace@contoso.com', /invalid alias/],
    ['requestorUpn', `${'a'.repeat(65)}@contoso.com`, /invalid alias/],
    ['requestorUpn', 'a@contoso', /invalid domain/],
    ['requestorUpn', `a@${'b'.repeat(120)}.com`, /at most 113/],
    ['requestorUpn', 42, /must be a string/],
    ['groupName', '', /must not be empty/],
    ['groupName', '   ', /must not be empty/],
    ['groupName', ' padded', /must not start or end with spaces/],
    ['groupName', 'x'.repeat(257), /at most 256/],
    ['groupName', 'tab\there', /control characters/],
    ['groupName', undefined, /is required/],
    ['packageName', '', /must not be empty/],
    ['catalogName', 7, /must be a string/],
    ['durationDays', 0, /from 1 to 3650/],
    ['durationDays', 3651, /from 1 to 3650/],
    ['durationDays', 1.5, /whole number/],
    ['durationDays', '30', /whole number/],
    ['cleanup', 'later', /one of now, keep, hold/],
    ['deliveryTimeoutSeconds', 5, /from 10 to 86400/],
    ['groupMailNickname', 'has space', /without spaces/],
    ['groupMailNickname', 'dot.ted', /without spaces or any of/],
    ['groupMailNickname', 'x'.repeat(65), /at most 64/],
    ['dryRun', 'yes', /true or false/],
    ['surprise', 1, /is not a known field/],
  ])('rejects %s = %j', (field, value, problem) => {
    const issues = issuesFor({ [field]: value });
    const issue = issues.find((i) => i.field === field);
    expect(issue?.problem).toMatch(problem);
  });

  it('reports every bad field at once', () => {
    const issues = issuesFor({ requestorUpn: 'x', durationDays: 0, cleanup: 'never' });
    expect(issues.map((i) => i.field).sort()).toEqual(['cleanup', 'durationDays', 'requestorUpn']);
  });

  it('rejects what is not an object', () => {
    expect(validateProvisioningInput(null)).toEqual({
      ok: false,
      issues: [{ field: 'input', problem: 'must be an object' }],
    });
  });

  it('cannot derive a mailNickname from a name without ASCII letters or digits', () => {
    expect(mailNicknameFor('Équipe — été')).toBe('equipeete');
    expect(issuesFor({ groupName: '—' }).map((i) => i.field)).toContain('groupMailNickname');
  });
});
