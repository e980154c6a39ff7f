// The operator CLI against a real dev server, a worker and the emulator: what the operator sees, the exit codes,
// and that bad input creates nothing.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { type CliResult, cli } from '../support/cli.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

let saga: SagaFixture;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  saga = await startSagaFixture({}, { codec: true });
  env = { ...saga.cliEnv, TEMPORAL_UI_URL: 'http://localhost:8233' };
});
afterAll(async () => saga?.close());
beforeEach(async () => saga.emulator.control.clearFaults());

/** A requestor, group and package of its own for each run: runs never share a workflow id or adopt each other's objects. */
function requestor(): string[] {
  const id = uniqueId('cli');
  return [
    '--requestor-upn',
    `${id}@contoso.onmicrosoft.com`,
    '--package-name',
    `Package ${id}`,
    '--group-name',
    `Group ${id}`,
  ];
}

async function waitForStage(workflowId: string, stage: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const status = await cli(['status', workflowId, '--json'], env);
    if ((status.json().progress as { stage?: string } | undefined)?.stage === stage) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${workflowId} never reached ${stage}`);
}

describe('entra-saga run', () => {
  it('runs the tutorial and prints each step, the outcome and the Web UI link', async () => {
    const result = await cli(['run', ...requestor()], env);
    expect(result.code).toBe(ExitCode.Ok);
    for (const step of [
      'preflight',
      'createUser',
      'createGroup',
      'addGroupToCatalog',
      'createAccessPackage',
      'addRoleScope',
      'createPolicy',
      'requestAssignment',
      'awaitDelivery',
      'verify',
      'teardown',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${step} done`));
    }
    expect(result.stdout).toMatch(/request state delivered/);
    expect(result.stdout).toMatch(/: completed\n/);
    expect(result.stdout).toMatch(/cleaned up:\n {4}assignment .*: undone/);
    expect(result.stdout).toContain(
      `Web UI: http://localhost:8233/namespaces/${saga.temporal.namespace}/workflows/provision%2Fgeneral%2Fpackage-cli-`,
    );
  });

  it('prints one JSON object with --json', async () => {
    const result = await cli(['run', ...requestor(), '--cleanup', 'keep', '--json'], env);
    expect(result.code).toBe(ExitCode.Ok);
    const out = result.json();
    expect(out).toMatchObject({ status: 'completed', dryRun: false, rolledBack: [] });
    expect(String(out.workflowId)).toMatch(/^provision\/general\/package-cli-[0-9a-f]+\/cli-/);
    expect((out.created as { kind: string }[]).map((o) => o.kind).sort()).toEqual([
      'accessPackage',
      'assignment',
      'assignmentPolicy',
      'catalogResource',
      'group',
      'roleScope',
      'user',
    ]);
    expect(out.request).toMatchObject({ state: 'delivered' });
  });

  it('reports a rolled-back run as compensated, with exit code 1 and what was rolled back', async () => {
    const before = await saga.emulator.control.objects();
    await saga.emulator.control.setFaults([
      { method: 'POST', path: 'assignmentPolicies$', status: 403, code: 'Authorization_RequestDenied', times: 1 },
    ]);
    const result = await cli(['run', ...requestor(), '--json'], env);
    expect(result.code).toBe(ExitCode.RunFailed);
    const out = result.json();
    expect(out.status).toBe('compensated');
    expect(String(out.error)).toMatch(/Authorization_RequestDenied.*EntitlementManagement\.ReadWrite\.All/);
    expect(
      (out.rolledBack as { kind: string; outcome: string }[]).filter((u) => u.outcome === 'undone').map((u) => u.kind),
    ).toEqual(expect.arrayContaining(['accessPackage', 'catalogResource', 'group', 'user']));
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('names the cause on the failed step\'s progress line, not just "Activity task failed"', async () => {
    await saga.emulator.control.setFaults([
      { method: 'POST', path: 'assignmentPolicies$', status: 403, code: 'Authorization_RequestDenied', times: 1 },
    ]);
    const result = await cli(['run', ...requestor()], env);
    expect(result.code).toBe(ExitCode.RunFailed);
    const line = result.stdout.split('\n').find((l) => /createPolicy failed/.test(l));
    expect(line).toMatch(/createPolicy failed \([^)]*\): Graph: create policy .* HTTP 403 Authorization_RequestDenied/);
    expect(result.stdout).not.toMatch(/Activity task failed/);
  });

  it('does a dry run: validation and preflight only, nothing written', async () => {
    const before = await saga.emulator.control.objects();
    const result = await cli(['run', ...requestor(), '--dry-run', '--json'], env);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.json()).toMatchObject({ status: 'completed', dryRun: true, created: [] });
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

describe('bad input: one clear line, a non-zero exit, nothing created', () => {
  const cases: [string, string[], RegExp, number][] = [
    ['an unknown flag', ['run', '--colour', 'red'], /Unknown option '--colour'/, ExitCode.BadInput],
    [
      'a malformed UPN',
      ['run', '--requestor-upn', 'requestor1.contoso.com'],
      /--requestor-upn must look like alias@domain/,
      ExitCode.BadInput,
    ],
    [
      '--duration-days 0',
      ['run', '--duration-days', '0'],
      /--duration-days must be from 1 to 3650 \(got 0\)/,
      ExitCode.BadInput,
    ],
    [
      '--duration-days above 3650',
      ['run', '--duration-days', '3651'],
      /--duration-days must be from 1 to 3650/,
      ExitCode.BadInput,
    ],
    [
      '--duration-days not a number',
      ['run', '--duration-days', 'ten'],
      /--duration-days must be a whole number/,
      ExitCode.BadInput,
    ],
    ['an empty group name', ['run', '--group-name', ''], /--group-name must not be empty/, ExitCode.BadInput],
    ['an empty package name', ['run', '--package-name', ' '], /--package-name must not be empty/, ExitCode.BadInput],
    [
      'an unknown cleanup',
      ['run', '--cleanup', 'later'],
      /--cleanup must be one of now, keep, hold/,
      ExitCode.BadInput,
    ],
    [
      'a catalog that does not exist',
      ['run', '--catalog', 'No Such Catalog'],
      /no catalog named "No Such Catalog"/,
      ExitCode.BadInput,
    ],
    [
      'a domain that is not the tenant’s',
      ['run', '--requestor-upn', 'eve@fabrikam.com'],
      /fabrikam\.com is not a domain of this tenant/,
      ExitCode.BadInput,
    ],
    [
      'status of a workflow that does not exist',
      ['status', 'provision/none/none/none@contoso.com'],
      /no run with workflow id/,
      ExitCode.BadInput,
    ],
    [
      'teardown of a workflow that does not exist',
      ['teardown', 'nope'],
      /no run with workflow id nope/,
      ExitCode.BadInput,
    ],
    ['cancel of a workflow that does not exist', ['cancel', 'nope'], /no run with workflow id nope/, ExitCode.BadInput],
    ['an unknown command', ['provision'], /unknown command "provision"/, ExitCode.BadInput],
    ['a missing workflow id', ['status'], /status takes one workflow id/, ExitCode.BadInput],
  ];

  it.each(cases)('%s', async (_name, argv, message, code) => {
    const before = await saga.emulator.control.objects();
    const result: CliResult = await cli(argv, env);
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('an unreachable server: exit 3, one line', async () => {
    const result = await cli(['run', ...requestor()], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(ExitCode.CannotConnect);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot connect to Temporal at 127\.0\.0\.1:1/);
  });

  it('--json errors are one JSON object too', async () => {
    const result = await cli(['run', '--duration-days', '0', '--json'], env);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.json()).toMatchObject({ status: 'error', exitCode: ExitCode.BadInput });
  });
});

describe('start, status, list, teardown, cancel', () => {
  it('starts a holding run, shows it in status and list, and tears it down', async () => {
    const before = await saga.emulator.control.objects();
    const started = await cli(['start', ...requestor(), '--cleanup', 'hold', '--json'], env);
    expect(started.code).toBe(ExitCode.Ok);
    const workflowId = String(started.json().workflowId);
    await waitForStage(workflowId, 'Holding');

    const status = await cli(['status', workflowId], env);
    expect(status.stdout).toMatch(/RUNNING · stage Holding/);
    expect(status.stdout).toMatch(/request state: delivered/);
    const listed = await cli(['list', '--query', `WorkflowId = "${workflowId}"`, '--json'], env);
    expect(listed.json().runs).toEqual([expect.objectContaining({ workflowId, status: 'RUNNING', stage: 'Holding' })]);
    const table = (await cli(['list', '--query', `WorkflowId = "${workflowId}"`], env)).stdout.trim().split('\n');
    expect(table[0]).toMatch(/^STARTED\s+STATUS\s+STAGE\s+OUTCOME\s+WORKFLOW ID$/);
    expect(table.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`RUNNING\\s+Holding\\s+.*${workflowId.replace(/[/.]/g, '\\$&')}$`)),
    ]);

    const teardown = await cli(['teardown', workflowId, '--json'], env);
    expect(teardown.code).toBe(ExitCode.Ok);
    expect(teardown.json()).toMatchObject({ status: 'completed' });
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('tears down a kept run later, from the ids it recorded', async () => {
    const before = await saga.emulator.control.objects();
    const run = await cli(['run', ...requestor(), '--cleanup', 'keep', '--json'], env);
    const workflowId = String(run.json().workflowId);
    const teardown = await cli(['teardown', workflowId], env);
    expect(teardown.code).toBe(ExitCode.Ok);
    expect(teardown.stdout).toMatch(/torn down\n/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
    const again = await cli(['teardown', workflowId], env);
    expect(again.code).toBe(ExitCode.BadInput);
    expect(again.stderr).toMatch(/already torn down/);
  });

  it('cancels a running run, which rolls back what it created', async () => {
    const before = await saga.emulator.control.objects();
    const started = await cli(['start', ...requestor(), '--cleanup', 'hold', '--json'], env);
    const workflowId = String(started.json().workflowId);
    await waitForStage(workflowId, 'Holding');
    const cancelled = await cli(['cancel', workflowId, '--json'], env);
    expect(cancelled.code).toBe(ExitCode.Ok);
    const out = cancelled.json();
    expect(out.status).toBe('cancelled');
    expect((out.rolledBack as unknown[]).length).toBeGreaterThan(0);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('refuses to start the same provisioning twice while it runs', async () => {
    const who = requestor();
    const first = await cli(['start', ...who, '--cleanup', 'hold', '--json'], env);
    const second = await cli(['start', ...who, '--cleanup', 'hold'], env);
    expect(second.code).toBe(ExitCode.BadInput);
    expect(second.stderr).toMatch(/is already running/);
    await cli(['cancel', String(first.json().workflowId)], env);
  });
});
