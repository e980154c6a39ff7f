// Access packages of a group, an application's role and a SharePoint site, end to end on the real dev server against
// the emulator: delivered, verified and torn down to the state before the run; a permanent failure at each write the
// resources add rolls back what the run made; applications and sites, and catalog resources that were there before,
// are never touched; a partially delivered request names the resource; a missing site permission stops the preflight.

import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../common/failure-types.js';
import type { ProvisioningInput, ResourceSpec, TeardownInput } from '../../common/provisioning.js';
import { teardownWorkflowId } from '../../common/workflow-id.js';
import { defaultPermissions } from '../../emulator/index.js';
import { progressQuery, teardownSignal } from '../../workflows/messages.js';
import type { teardownProvisioning } from '../../workflows/teardown-provisioning.js';
import { runApplicationFailure } from '../support/failures.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

const EM = '/v1.0/identityGovernance/entitlementManagement';
const marketingSite = 'https://contoso.sharepoint.com/sites/Marketing';
const expensesReader = '42c95cee-36a7-4250-99bd-951dad50eeaa';
const expensesSp = '9bdb2e11-6102-4cc4-9b12-26356d71eab6';
const permissions = [...defaultPermissions, 'Application.ReadWrite.All', 'Sites.FullControl.All'];

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture({ permissions });
});
afterAll(async () => saga?.close());
beforeEach(async () => {
  await saga.emulator.control.clearFaults();
});

/** A package of a new group, Contoso Expenses' Reader role and the Marketing site's Members, for a unique requestor. */
function packageInput(
  overrides: Partial<ProvisioningInput> = {},
  resources?: ResourceSpec[],
): Partial<ProvisioningInput> {
  return {
    ...overrides,
    packageName: uniqueId('Campaign kit'),
    resources: resources ?? [
      { kind: 'group', name: 'Campaign files', mailNickname: uniqueId('campfiles').toLowerCase() },
      { kind: 'app', app: 'Contoso Expenses', role: 'Reader' },
      { kind: 'site', url: marketingSite, role: 'Members' },
    ],
  };
}

interface SiteAccess {
  url: string;
  access: { principalId: string; roleDisplayName: string }[];
}
interface AppRoleAssignment {
  principalId: string;
  appRoleId: string;
  resourceId: string;
}

/** What the emulator holds of apps and sites: the apps, the sites, and who holds what of each. */
async function appsAndSites() {
  const objects = await saga.emulator.control.objects();
  return {
    servicePrincipals: objects.servicePrincipals,
    sites: (objects.sites as SiteAccess[]).map((s) => ({ url: s.url, access: s.access })),
    appRoleAssignments: objects.appRoleAssignments as AppRoleAssignment[],
  };
}

describe('a package of a group, an app role and a site', () => {
  it('is provisioned, delivered, verified and torn down to the state before the run', async () => {
    const before = await saga.emulator.control.objects();
    const appsBefore = await appsAndSites();
    const input = packageInput({ cleanup: 'hold' });
    const handle = await saga.start(input);

    // While it holds, the requestor holds each resource's role as the emulator delivers it.
    await expect.poll(async () => (await handle.query(progressQuery)).stage, { timeout: 60_000 }).toBe('Holding');
    const progress = await handle.query(progressQuery);
    const user = progress.objects.find((o) => o.kind === 'user');
    const held = await appsAndSites();
    expect(held.appRoleAssignments).toContainEqual(
      expect.objectContaining({ principalId: user?.id, appRoleId: expensesReader, resourceId: expensesSp }),
    );
    expect(held.sites.find((s) => s.url === marketingSite)?.access).toContainEqual(
      expect.objectContaining({ principalId: user?.id, roleDisplayName: 'Marketing Members' }),
    );
    const objects = await saga.emulator.control.objects();
    const group = progress.objects.find((o) => o.kind === 'group');
    expect(objects.groupMembers?.[group?.id as string]).toContain(user?.id);

    // Each resource's steps are named after it.
    const steps = Object.keys(progress.steps);
    expect(steps).toEqual(
      expect.arrayContaining([
        'createGroup (group "Campaign files")',
        'findApplication (app "Contoso Expenses")',
        'addResourceToCatalog (app "Contoso Expenses")',
        `addResourceToCatalog (site ${marketingSite})`,
        `findResourceRole (site ${marketingSite})`,
        'addRoleScope (app "Contoso Expenses")',
        'addRoleScope (group "Campaign files")',
      ]),
    );
    expect(progress.steps['findResourceRole (app "Contoso Expenses")']?.detail).toMatch(expensesReader);
    expect(progress.objects.filter((o) => o.kind === 'catalogResource').map((o) => o.created)).toEqual([
      true,
      true,
      true,
    ]);
    expect(progress.objects.filter((o) => o.kind === 'roleScope')).toHaveLength(3);

    await handle.signal(teardownSignal);
    const result = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.request.state).toBe('delivered');
    expect(result.tornDown).toBe(true);
    expectNothingLeaked(before, await saga.emulator.control.objects());
    // The app and the site are as they were: nobody holds their roles through the package any more.
    expect(await appsAndSites()).toEqual(appsBefore);

    // One activity per Graph operation: each resource added to the catalog and removed from it on its own.
    const names = ((await handle.fetchHistory()).events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    const count = (name: string) => names.filter((n) => n === name).length;
    expect([count('addResourceToCatalog'), count('removeResourceFromCatalog')]).toEqual([2, 2]);
    expect([count('addGroupToCatalog'), count('removeGroupFromCatalog'), count('addRoleScope')]).toEqual([1, 1, 3]);
    expect(names).toContain('listAppRoleAssignedTo');
  });

  it('leaves an app and a site already in the catalog there, and removes only what it added', async () => {
    // A first run keeps its package: the app and the site are in the catalog before the second run starts.
    const start = await saga.emulator.control.objects();
    const first = await saga.execute(packageInput({ cleanup: 'keep' }));
    const before = await saga.emulator.control.objects();
    const result = await saga.execute(
      packageInput({ cleanup: 'now' }, [
        { kind: 'app', app: 'Contoso Expenses', role: 'Reader' },
        { kind: 'site', url: marketingSite, role: 'Members' },
      ]),
    );
    expect(result.outcome).toBe('completed');
    expect(result.objects.filter((o) => o.kind === 'catalogResource').map((o) => o.created)).toEqual([false, false]);
    expectNothingLeaked(before, await saga.emulator.control.objects());
    // The first run's package still grants its requestor the app role.
    const firstUser = first.objects.find((o) => o.kind === 'user');
    expect((await appsAndSites()).appRoleAssignments).toContainEqual(
      expect.objectContaining({ principalId: firstUser?.id, appRoleId: expensesReader }),
    );

    // Torn down later, the kept run removes the app and the site from the catalog, which it added.
    const input: TeardownInput = { workflowId: first.workflowId, objects: first.objects, catalogId: first.catalogId };
    const { undone } = await saga.temporal.client.workflow.execute<typeof teardownProvisioning>(
      'teardownProvisioning',
      { workflowId: teardownWorkflowId(first.workflowId), taskQueue: saga.taskQueue, args: [input] },
    );
    expect(undone.filter((u) => u.kind === 'catalogResource').map((u) => u.outcome)).toEqual([
      'undone',
      'undone',
      'undone',
    ]);
    expectNothingLeaked(start, await saga.emulator.control.objects());
  });
});

describe('rollback of the writes the resources add', () => {
  const writes = [
    { step: 'add the app to the catalog', body: 'AadApplication' },
    { step: 'add the site to the catalog', body: 'SharePointOnline' },
  ];
  it.each(writes)('rolls back everything when "$step" fails permanently', async ({ body }) => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setFaults([
      {
        method: 'POST',
        path: `${EM}/resourceRequests$`,
        body: `"originSystem":\\s*"${body}"`,
        status: 400,
        code: 'Request_BadRequest',
        message: 'Injected permanent failure.',
        times: 1,
      },
    ]);
    const cause = await runApplicationFailure(saga.execute(packageInput()));
    expect(cause.type).toBe(FailureType.ProvisioningFailed);
    expect(cause.message).toMatch(/Request_BadRequest/);
    const details = cause.details?.[0] as { undone: { outcome: string }[] };
    expect(details.undone.some((u) => u.outcome === 'failed')).toBe(false);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('rolls back everything when the app role scope fails permanently', async () => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setFaults([
      {
        method: 'POST',
        path: `${EM}/accessPackages/[^/]+/resourceRoleScopes$`,
        body: '"originSystem":\\s*"AadApplication"',
        status: 400,
        code: 'Request_BadRequest',
        times: 1,
      },
    ]);
    const cause = await runApplicationFailure(saga.execute(packageInput()));
    expect(cause.message).toMatch(/addRoleScope \(app "Contoso Expenses"\)|Request_BadRequest/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

describe('delivery of one resource failing', () => {
  it('a partially delivered request rolls back and names the resource that was not delivered', async () => {
    const before = await saga.emulator.control.objects();
    const appsBefore = await appsAndSites();
    await saga.emulator.control.setDeliveryFaults([
      { outcome: 'deliveryFailed', originSystem: 'AadApplication', requestType: 'adminAdd', times: 1 },
    ]);
    const cause = await runApplicationFailure(saga.execute(packageInput()));
    await saga.emulator.control.setDeliveryFaults([]);
    expect(cause.type).toBe(FailureType.ProvisioningFailed);
    expect(cause.message).toMatch(/partiallyDelivered/);
    expect(cause.message).toMatch(/not delivered: app "Contoso Expenses"/);
    expect(cause.message).not.toMatch(/not delivered:[^;]*group/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
    expect(await appsAndSites()).toEqual(appsBefore);
  });
});

describe('the preflight', () => {
  it('a dry run names an unknown app role and an unknown site by their field', async () => {
    const badRole = await runApplicationFailure(
      saga.execute(packageInput({ dryRun: true }, [{ kind: 'app', app: 'Contoso Expenses', role: 'Auditor' }])),
    );
    expect(badRole.message).toMatch(/resources\[0\]: application "Contoso Expenses" has no role "Auditor"/);
    expect(badRole.message).toMatch(/"Reader", "Writer"/);
    const badSite = await runApplicationFailure(
      saga.execute(
        packageInput({ dryRun: true }, [
          { kind: 'site', url: 'https://contoso.sharepoint.com/sites/Nowhere', role: 'Members' },
        ]),
      ),
    );
    expect(badSite.message).toMatch(
      /resources\[0\]: no SharePoint site at https:\/\/contoso.sharepoint.com\/sites\/Nowhere/,
    );
  });
});

// A worker whose app was never granted Sites.FullControl.All (its tokens carry the roles it has when issued).
describe('a worker without Sites.FullControl.All', () => {
  let withoutSites: SagaFixture;
  beforeAll(async () => {
    withoutSites = await startSagaFixture({ permissions: [...defaultPermissions, 'Application.ReadWrite.All'] });
  });
  afterAll(async () => withoutSites?.close());

  it("fails a dry run's preflight naming it, with nothing written", async () => {
    const before = await withoutSites.emulator.control.objects();
    await withoutSites.emulator.control.clearStats();
    const cause = await runApplicationFailure(withoutSites.execute(packageInput({ dryRun: true })));
    const preflight = cause.cause?.cause as ApplicationFailure;
    expect(preflight.type).toBe(FailureType.PreflightFailed);
    expect(preflight.message).toMatch(/lacks the Microsoft Graph application permission Sites\.FullControl\.All:/);
    expect(cause.message).toMatch(/Sites\.FullControl\.All/);
    const stats = await withoutSites.emulator.control.stats();
    expect(Object.keys(stats.calls).filter((call) => !call.startsWith('GET ') && !call.includes('token'))).toEqual([]);
    expectNothingLeaked(before, await withoutSites.emulator.control.objects());
  });

  it('fails a run naming it, and rolls back what its first creates made', async () => {
    const before = await withoutSites.emulator.control.objects();
    const cause = await runApplicationFailure(withoutSites.execute(packageInput()));
    expect(cause.message).toMatch(/Sites\.FullControl\.All/);
    expectNothingLeaked(before, await withoutSites.emulator.control.objects());
  });

  it('runs a package without a site', async () => {
    const before = await withoutSites.emulator.control.objects();
    const result = await withoutSites.execute(
      packageInput({}, [{ kind: 'app', app: 'Contoso Expenses', role: 'Reader' }]),
    );
    expect(result.outcome).toBe('completed');
    expectNothingLeaked(before, await withoutSites.emulator.control.objects());
  });
});
