// The operator's side of packages with several resources: --resource on run and start, in spec and bulk files; a
// dry run that checks each resource; progress, status, --json and the Web UI's summary naming each resource; and
// bad --resource input refused before anything is started.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { defaultPermissions } from '../../emulator/index.js';
import { cli } from '../support/cli.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

const marketing = 'https://contoso.sharepoint.com/sites/Marketing';

let saga: SagaFixture;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  saga = await startSagaFixture({
    permissions: [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All'],
  });
  env = saga.cliEnv;
});
afterAll(async () => saga?.close());

function requestorAndPackage(): string[] {
  const id = uniqueId('res');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `Kit ${id}`];
}

describe('--resource', () => {
  it('runs a package of a group, an app role and a site, naming each resource in its steps and summary', async () => {
    const before = await saga.emulator.control.objects();
    const group = uniqueId('Kit files');
    const started = await cli(
      [
        'start',
        ...requestorAndPackage(),
        '--resource',
        `group:${group}`,
        '--resource',
        'app:Contoso Expenses:Reader',
        '--resource',
        `site:${marketing}:Members`,
        '--cleanup',
        'hold',
        '--json',
      ],
      env,
    );
    expect(started.code).toBe(ExitCode.Ok);
    const workflowId = String(started.json().workflowId);
    const handle = saga.temporal.client.workflow.getHandle(workflowId);
    const described = await handle.describe();
    expect(await described.staticSummary()).toMatch(
      /^Grant res-\w+@contoso.onmicrosoft.com "Kit res-\w+" \(group "Kit/,
    );
    expect(await described.staticDetails()).toContain(
      `**Resources:** group "${group}" (Member), app "Contoso Expenses" (Reader), site ${marketing} (Members)`,
    );

    let status = await cli(['status', workflowId, '--json'], env);
    for (let i = 0; i < 150 && (status.json().progress as { stage: string }).stage !== 'Holding'; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      status = await cli(['status', workflowId, '--json'], env);
    }
    const progress = status.json().progress as { stage: string; steps: Record<string, { state: string }> };
    expect(progress.stage).toBe('Holding');
    expect(progress.steps[`addRoleScope (site ${marketing})`]?.state).toBe('done');
    expect(progress.steps['findResourceRole (app "Contoso Expenses")']?.state).toBe('done');
    expect(progress.steps[`createGroup (group "${group}")`]?.state).toBe('done');

    const text = (await cli(['status', workflowId], env)).stdout;
    expect(text).toMatch(/addResourceToCatalog \(app "Contoso Expenses"\)/);
    expect(text).toMatch(new RegExp(`addRoleScope \\(site ${marketing}\\)`));

    const teardown = await cli(['teardown', workflowId, '--json'], env);
    expect(teardown.code).toBe(ExitCode.Ok);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('a dry run checks each resource: an app role the app does not offer fails, nothing written', async () => {
    const before = await saga.emulator.control.objects();
    const result = await cli(
      ['run', ...requestorAndPackage(), '--dry-run', '--resource', 'app:Contoso Expenses:Auditor'],
      env,
    );
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(/application "Contoso Expenses" has no role "Auditor"; it offers "Reader", "Writer"/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('reads resources from a spec file and from a bulk file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-saga-resources-'));
    const spec = join(dir, 'kit.yaml');
    const id = uniqueId('spec');
    writeFileSync(
      spec,
      [
        `requestorUpn: ${id}@contoso.onmicrosoft.com`,
        `packageName: Kit ${id}`,
        'resources:',
        '  - { kind: app, app: Contoso Wiki }',
        `  - { kind: site, url: "${marketing}", role: Visitors }`,
      ].join('\n'),
    );
    const before = await saga.emulator.control.objects();
    const run = await cli(['run', '--spec', spec, '--json'], env);
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.json()).toMatchObject({ status: 'completed' });
    expectNothingLeaked(before, await saga.emulator.control.objects());

    const bulk = join(dir, 'bulk.yaml');
    writeFileSync(
      bulk,
      [
        'defaults: { cleanup: keep }',
        'items:',
        `  - requestorUpn: ${id}-b@contoso.onmicrosoft.com`,
        `    packageName: Kit ${id} bulk`,
        '    resources:',
        '      - { kind: app, app: Contoso Expenses, role: Writer }',
        '      - { kind: site, url: "https://contoso.sharepoint.com/sites/Sales" }',
      ].join('\n'),
    );
    const refused = await cli(['bulk', bulk], env);
    expect(refused.code).toBe(ExitCode.BadInput);
    expect(refused.stderr).toMatch(/bulk\.yaml:7: resources\[1\]\.role is required/);

    // Two requestors of one package of an app role and a site: the package and its catalog resources made once.
    const items = ['c', 'd'].map((who) => ({
      requestorUpn: `${id}-${who}@contoso.onmicrosoft.com`,
      packageName: `Kit ${id} bulk`,
      resources: [
        { kind: 'app', app: 'Contoso Expenses', role: 'Writer' },
        { kind: 'site', url: 'https://contoso.sharepoint.com/sites/Sales', role: 'Visitors' },
      ],
    }));
    writeFileSync(bulk, JSON.stringify({ defaults: { cleanup: 'keep' }, items }));
    const bulkBefore = await saga.emulator.control.objects();
    const provisioned = await cli(['bulk', bulk, '--json'], env);
    expect(provisioned.code).toBe(ExitCode.Ok);
    expect(provisioned.json()).toMatchObject({ status: 'completed', counts: { completed: 2 } });
    const held = await saga.emulator.control.objects();
    expect(held.accessPackages.filter((p) => p.displayName === `Kit ${id} bulk`)).toHaveLength(1);
    const sales = (held.sites as { url: string; access: { roleDisplayName: string }[] }[]).find((s) =>
      s.url.endsWith('/sites/Sales'),
    );
    expect(sales?.access.map((a) => a.roleDisplayName)).toEqual(['Sales Visitors', 'Sales Visitors']);
    for (const item of items) {
      const teardown = await cli(['teardown', `provision/general/kit-${id}-bulk/${item.requestorUpn}`, '--json'], env);
      expect(teardown.code).toBe(ExitCode.Ok);
    }
    expectNothingLeaked(bulkBefore, await saga.emulator.control.objects());
  });
});

describe('bad --resource input: one line, exit 2, nothing started', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown kind', ['--resource', 'mailbox:sales'], /--resource "mailbox:sales": write kind:reference\[:role\]/],
    ['a site without a role', ['--resource', `site:${marketing}`], /--resource 1 \(role\) is required/],
    [
      'a site URL that is not https',
      ['--resource', 'site:http://contoso.sharepoint.com/sites/x:Members'],
      /--resource 1 \(url\) must be a site's https URL/,
    ],
    [
      'a group named as well as resources',
      ['--group-name', 'Sales', '--resource', 'app:Contoso Expenses'],
      /--group-name is not used with resources/,
    ],
    [
      'the same resource twice',
      ['--resource', 'app:Contoso Expenses:Reader', '--resource', 'app:contoso expenses:Writer'],
      /--resource 2 names app contoso expenses a second time/,
    ],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const result = await cli(['run', ...requestorAndPackage(), ...argv], env);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
