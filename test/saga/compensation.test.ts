// A permanent Graph failure at each forward step in turn: the run ends failed and compensated, the emulator holds
// nothing the run created, and objects the run adopted are left as they were. Each fault fires once: the forward
// step's first call fails for good (400 is not retried), and the undos, some of which read the same routes, work.

import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../common/failure-types.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { runApplicationFailure } from '../support/failures.js';
import { type SagaFixture, startSagaFixture, tutorialInput } from '../support/saga.js';

const EM = '/v1.0/identityGovernance/entitlementManagement';

let saga: SagaFixture;
beforeAll(async () => {
  saga = await startSagaFixture();
});
afterAll(async () => saga?.close());
beforeEach(async () => {
  await saga.emulator.control.clearFaults();
});

const forwardSteps = [
  { step: 'create user', method: 'POST', path: '/v1.0/users$' },
  { step: 'create group', method: 'POST', path: '/v1.0/groups$' },
  { step: 'add group to catalog', method: 'POST', path: `${EM}/resourceRequests$` },
  { step: 'look up the group in the catalog', method: 'GET', path: `${EM}/catalogs/[^/]+/resources$` },
  { step: 'find Member role', method: 'GET', path: `${EM}/catalogs/[^/]+/resourceRoles$` },
  { step: 'create access package', method: 'POST', path: `${EM}/accessPackages$` },
  { step: 'add role scope', method: 'POST', path: `${EM}/accessPackages/[^/]+/resourceRoleScopes$` },
  { step: 'create policy', method: 'POST', path: `${EM}/assignmentPolicies$` },
  { step: 'request assignment', method: 'POST', path: `${EM}/assignmentRequests$` },
  { step: 'read request state', method: 'GET', path: `${EM}/assignmentRequests/[^/]+$` },
  { step: 'verify membership', method: 'GET', path: '/v1.0/groups/[^/]+/members$' },
];

describe('compensation', () => {
  it.each(forwardSteps)('rolls back everything when "$step" fails permanently', async ({ method, path }) => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setFaults([
      { method, path, status: 400, code: 'Request_BadRequest', message: 'Injected permanent failure.', times: 1 },
    ]);
    const cause = await runApplicationFailure(saga.execute({}));
    await saga.emulator.control.clearFaults();

    expect(cause.type).toBe(FailureType.ProvisioningFailed);
    expect(cause.message).toMatch(/Request_BadRequest/);
    expect(cause.message).toMatch(/rolled back/);
    const details = cause.details?.[0] as { undone: { outcome: string }[] };
    expect(details.undone.some((u) => u.outcome === 'failed')).toBe(false);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('waits for a parallel step still running before it rolls back, so a straggler leaks nothing', async () => {
    const before = await saga.emulator.control.objects();
    // The access package is created 2 s late, beside the catalog branch, which fails at once.
    await saga.emulator.control.setFaults([
      { method: 'POST', path: `${EM}/accessPackages$`, status: 200, delayMs: 2000, times: 1 },
      { method: 'GET', path: `${EM}/catalogs/[^/]+/resources$`, status: 400, code: 'Request_BadRequest', times: 1 },
    ]);
    const cause = await runApplicationFailure(saga.execute({}));
    expect(cause.type).toBe(FailureType.ProvisioningFailed);
    const details = cause.details?.[0] as { undone: { kind: string; outcome: string }[] };
    expect(details.undone.find((u) => u.kind === 'accessPackage')?.outcome).toBe('undone');
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('rolls back when the request ends deliveryFailed', async () => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setDeliveryFaults([{ outcome: 'deliveryFailed', requestType: 'adminAdd', times: 1 }]);
    const cause = await runApplicationFailure(saga.execute({}));
    expect(cause.message).toMatch(/deliveryFailed/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('rolls back when delivery misses its deadline, removing the assignment once Entra lets it', async () => {
    const before = await saga.emulator.control.objects();
    // Delivery takes 13 s; the run gives up after 10 s. Entra refuses to remove an assignment still delivering, so
    // the undo keeps retrying until it can.
    await saga.emulator.control.configure({ deliveryDelayMs: 13_000 });
    try {
      const cause = await runApplicationFailure(saga.execute({ deliveryTimeoutSeconds: 10 }));
      expect(cause.type).toBe(FailureType.ProvisioningFailed);
      expect(cause.message).toMatch(/still (submitted|delivering) after 10 s/);
    } finally {
      await saga.emulator.control.configure({ deliveryDelayMs: 300 });
    }
    expectNothingLeaked(before, await saga.emulator.control.objects());
  }, 120_000);

  it('leaves adopted objects untouched: an existing requestor and group survive the rollback', async () => {
    const input = tutorialInput();
    const adopted = await saga.execute({ ...input, cleanup: 'keep', packageName: 'Pre-existing package' });
    const user = adopted.objects.find((o) => o.kind === 'user');
    const group = adopted.objects.find((o) => o.kind === 'group');
    const before = await saga.emulator.control.objects();

    await saga.emulator.control.setFaults([
      {
        method: 'POST',
        path: `${EM}/assignmentPolicies$`,
        status: 403,
        code: 'Authorization_RequestDenied',
        times: 1000,
      },
    ]);
    const cause = await runApplicationFailure(saga.execute({ ...input, packageName: 'Second package' }));
    await saga.emulator.control.clearFaults();

    const details = cause.details?.[0] as {
      objects: { kind: string; created: boolean }[];
      undone: { kind: string; outcome: string }[];
    };
    expect(details.objects.filter((o) => o.kind === 'user' || o.kind === 'group').every((o) => !o.created)).toBe(true);
    expect(details.undone.filter((u) => u.kind === 'user' || u.kind === 'group').map((u) => u.outcome)).toEqual([
      'skippedAdopted',
      'skippedAdopted',
    ]);
    const after = await saga.emulator.control.objects();
    expect(after.users.map((u) => u.id)).toContain(user?.id);
    expect(after.groups.map((g) => g.id)).toContain(group?.id);
    expectNothingLeaked(before, after);
  });

  it('fails fast on bad input, before any side effect', async () => {
    const before = await saga.emulator.control.objects();
    const cause = await runApplicationFailure(saga.execute({ durationDays: 0, requestorUpn: 'no-at-sign' }));
    expect(cause.type).toBe(FailureType.InvalidInput);
    expect(cause.message).toMatch(/durationDays/);
    expect(cause.message).toMatch(/requestorUpn/);
    expect(await saga.emulator.control.objects()).toEqual({ ...before, now: expect.any(String) as string });
  });

  it('fails in preflight, writing nothing, when the catalog does not exist or the domain is not the tenant’s', async () => {
    const before = await saga.emulator.control.objects();
    const noCatalog = await runApplicationFailure(saga.execute({ catalogName: 'No such catalog' }));
    expect(noCatalog.cause?.cause).toBeInstanceOf(ApplicationFailure);
    expect((noCatalog.cause?.cause as ApplicationFailure).type).toBe(FailureType.PreflightFailed);
    const wrongDomain = await runApplicationFailure(saga.execute({ requestorUpn: 'someone@fabrikam.com' }));
    expect(wrongDomain.message).toMatch(/fabrikam\.com/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});
