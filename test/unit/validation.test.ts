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

describe('resources', () => {
  const { groupName: _group, ...withoutGroup } = valid;
  const site = 'https://contoso.sharepoint.com/sites/Marketing';
  const issuesOf = (resources: unknown) => {
    const result = validateProvisioningInput({ ...withoutGroup, resources });
    return result.ok ? [] : result.issues.map((i) => `${i.field} ${i.problem}`);
  };

  it("accepts groups, apps and sites, with each kind's default role, and keeps them in order", () => {
    const result = validateProvisioningInput({
      ...withoutGroup,
      resources: [
        { kind: 'group', name: 'Campaign files' },
        { kind: 'app', app: 'Contoso Wiki' },
        { kind: 'app', app: '9BDB2E11-6102-4CC4-9B12-26356D71EAB6', role: 'Reader' },
        { kind: 'site', url: `${site}/`, role: 'Members' },
      ],
    });
    expect(result.ok && result.input.resources).toEqual([
      { kind: 'group', name: 'Campaign files', mailNickname: 'campaignfiles', role: 'Member' },
      { kind: 'app', app: 'Contoso Wiki', role: 'Default Access' },
      { kind: 'app', app: '9bdb2e11-6102-4cc4-9b12-26356d71eab6', role: 'Reader' },
      { kind: 'site', url: site, role: 'Members' },
    ]);
  });

  it("makes the tutorial's group the one resource when none are given", () => {
    const result = validateProvisioningInput(valid);
    expect(result.ok && result.input.resources).toEqual([
      { kind: 'group', name: 'Marketing resources', mailNickname: 'marketingresources', role: 'Member' },
    ]);
  });

  it.each([
    ['not a list', 'group:Sales', /^resources must be a list of 1 to 20 resources \(got string\)/],
    ['an empty list', [], /^resources must be a list of 1 to 20 resources \(got 0\)/],
    ['an unknown kind', [{ kind: 'mailbox', name: 'x' }], /^resources\[0\]\.kind must be group, app or site/],
    ['a field of another kind', [{ kind: 'app', app: 'x', url: site }], /^resources\[0\]\.url is not a field of a app/],
    ['a group without a name', [{ kind: 'group' }], /^resources\[0\]\.name is required/],
    ['a group Owner role', [{ kind: 'group', name: 'x', role: 'Owner' }], /^resources\[0\]\.role must be Member/],
    ['an app without a reference', [{ kind: 'app', app: ' ' }], /^resources\[0\]\.app must not be empty/],
    ['a site without a role', [{ kind: 'site', url: site }], /^resources\[0\]\.role is required/],
    [
      'a site over http',
      [{ kind: 'site', url: 'http://contoso.sharepoint.com/sites/x', role: 'Members' }],
      /^resources\[0\]\.url must be a site's https URL/,
    ],
    [
      'a site URL with a query',
      [{ kind: 'site', url: `${site}?a=1`, role: 'Members' }],
      /^resources\[0\]\.url must be a site's https URL/,
    ],
    [
      'the same site twice',
      [
        { kind: 'site', url: site, role: 'Members' },
        { kind: 'site', url: `${site.toUpperCase()}/`, role: 'Owners' },
      ],
      /^resources\[1\] names site https:\/\/contoso\.sharepoint\.com\/sites\/marketing a second time/,
    ],
    [
      '21 resources',
      Array.from({ length: 21 }, (_, i) => ({ kind: 'group', name: `g${i}` })),
      /^resources must be a list of 1 to 20 resources \(got 21\)/,
    ],
  ])('refuses %s, naming the field', (_name, resources, message) => {
    expect(issuesOf(resources)).toEqual([expect.stringMatching(message)]);
  });

  it('refuses a groupName given with resources', () => {
    const result = validateProvisioningInput({ ...valid, resources: [{ kind: 'app', app: 'Contoso Wiki' }] });
    expect(result.ok ? [] : result.issues.map((i) => i.field)).toEqual(['groupName']);
  });
});
