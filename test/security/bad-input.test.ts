// The bad-input table: every way an operator's input or environment can be wrong gives a clear error before any
// write, and nothing is created. Field values are exhaustively covered in test/unit/validation.test.ts; here each
// kind of problem goes through the CLI and a real worker, and the directory is checked afterwards.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { createProvisioningWorker, type ProvisioningWorker } from '../../worker/create-worker.js';
import { graphSettingsFromEnv } from '../../graph/settings.js';
import { cli } from '../support/cli.js';
import { expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId, workflowBundle } from '../support/temporal.js';

let saga: SagaFixture;
const dir = mkdtempSync(join(tmpdir(), 'entra-saga-bad-'));
beforeAll(async () => {
  saga = await startSagaFixture({}, { codec: true });
});
afterAll(async () => saga?.close());
beforeEach(async () => {
  await saga.emulator.control.configure({
    permissions: [
      'User.ReadWrite.All',
      'Group.ReadWrite.All',
      'EntitlementManagement.ReadWrite.All',
      'Domain.Read.All',
    ],
  });
});

function who(): string[] {
  const id = uniqueId('bad');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `P ${id}`, '--group-name', `G ${id}`];
}

function spec(text: string): string {
  const path = join(dir, `${uniqueId('spec')}.yaml`);
  writeFileSync(path, text);
  return path;
}

const fieldCases: [string, string[], RegExp][] = [
  ['empty requestor', ['--requestor-upn', ''], /--requestor-upn is required/],
  ['requestor too long', ['--requestor-upn', `${'a'.repeat(60)}@${'b'.repeat(60)}.com`], /at most 113 characters/],
  ['requestor wrong format', ['--requestor-upn', 'user@@contoso.com'], /exactly one @/],
  ['group name too long', ['--group-name', 'g'.repeat(257)], /--group-name must be at most 256 characters/],
  [
    'group nickname wrong format',
    ['--group-mail-nickname', 'a b'],
    /--group-mail-nickname must be at most 64 ASCII characters without spaces/,
  ],
  ['package name empty', ['--package-name', ''], /--package-name must not be empty/],
  ['catalog with control characters', ['--catalog', 'Gen\u0007eral'], /--catalog must not contain control characters/],
  ['duration 0', ['--duration-days', '0'], /--duration-days must be from 1 to 3650/],
  ['duration above range', ['--duration-days', '3651'], /--duration-days must be from 1 to 3650/],
  ['duration wrong type', ['--duration-days', '1.5'], /--duration-days must be a whole number/],
  ['delivery timeout below range', ['--delivery-timeout', '9'], /--delivery-timeout must be from 10 to 86400/],
  ['unknown cleanup', ['--cleanup', 'sometimes'], /--cleanup must be one of now, keep, hold/],
];

const specCases: [string, string, RegExp][] = [
  ['a malformed spec file', 'requestorUpn: [unclosed', /--spec: .* is not valid YAML/],
  ['a spec that is a list', '- a\n- b\n', /must hold one object of provisioning fields/],
  ['a spec with an unknown field', 'packageName: P\nflavour: vanilla\n', /flavour is not a known field/],
  ['a spec with a wrong type', 'durationDays: thirty\n', /--duration-days must be a whole number/],
];

describe('bad input creates nothing', () => {
  it.each(fieldCases)('%s', async (_name, flags, message) => {
    const before = await saga.emulator.control.objects();
    const result = await cli(['run', ...who(), ...flags], saga.cliEnv);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(message);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it.each(specCases)('%s', async (_name, text, message) => {
    const before = await saga.emulator.control.objects();
    const result = await cli(['run', '--spec', spec(text)], saga.cliEnv);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(message);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('a catalog that does not exist', async () => {
    const before = await saga.emulator.control.objects();
    const result = await cli(['run', ...who(), '--catalog', 'Nowhere'], saga.cliEnv);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(/catalogName: no catalog named "Nowhere"/);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it.each([
    [
      'EntitlementManagement.ReadWrite.All',
      ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Domain.Read.All', 'EntitlementManagement.Read.All'],
    ],
    [
      'Group.ReadWrite.All',
      ['User.ReadWrite.All', 'EntitlementManagement.ReadWrite.All', 'Domain.Read.All', 'Group.Read.All'],
    ],
    ['User.ReadWrite.All, Domain.Read.All', ['Group.ReadWrite.All', 'EntitlementManagement.ReadWrite.All']],
  ])('a missing Graph permission (%s) is named by the preflight', async (missing, granted) => {
    await saga.emulator.control.configure({ permissions: granted });
    const before = await saga.emulator.control.objects();
    // Tokens are cached: a new worker identity asks for a new token with the new roles.
    const result = await withFreshWorker(() => cli(['run', ...who()], saga.cliEnv));
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(
      new RegExp(`lacks the Microsoft Graph application permissions? ${missing.replace(/\./g, '\\.')}`),
    );
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('a wrong client secret fails before any write, naming the settings to check', async () => {
    const before = await saga.emulator.control.objects();
    const wrong = graphSettingsFromEnv({ ...saga.emulator.env, AZURE_CLIENT_SECRET: 'not-the-secret' });
    const result = await withFreshWorker(() => cli(['run', ...who(), '--json'], saga.cliEnv), wrong);
    expect(result.code).toBe(ExitCode.RunFailed);
    const out = result.json();
    expect(out.errorType).toBe('GraphAuthenticationFailed');
    expect(String(out.error)).toMatch(/AZURE_CLIENT_ID and the client secret/);
    expect(JSON.stringify(out)).not.toContain('not-the-secret');
    expect(out.created).toEqual([]);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });
});

/** Runs `body` with a worker of its own (a fresh credential) on a task queue of its own. */
async function withFreshWorker<T>(body: () => Promise<T>, graph = saga.emulator.graph): Promise<T> {
  const taskQueue = uniqueId('fresh');
  const worker: ProvisioningWorker = await createProvisioningWorker({
    connection: saga.temporal.nativeConnection,
    namespace: 'default',
    graph,
    taskQueue,
    workflowBundle: await workflowBundle(),
    options: { dataConverter: saga.codec!.dataConverter },
  });
  const running = worker.run();
  const previous = saga.cliEnv.ENTRA_SAGA_TASK_QUEUE;
  saga.cliEnv.ENTRA_SAGA_TASK_QUEUE = taskQueue;
  try {
    return await body();
  } finally {
    saga.cliEnv.ENTRA_SAGA_TASK_QUEUE = previous;
    worker.shutdown();
    await running;
  }
}
