// The local cluster as an operator meets it: the frontend accepts only clients that present a certificate of the
// cluster's CA; the namespace has its retention period and the project's search attributes; the CLI reaches it
// through a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE) as well as through the environment; the search
// attributes are kept current in PostgreSQL visibility.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { projectSearchAttributes } from '../../common/search-attributes.js';
import { cli } from '../support/cli.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

let saga: SagaFixture;
let scratch: string;
beforeAll(async () => {
  saga = await startSagaFixture({}, { codec: true });
  scratch = mkdtempSync(join(tmpdir(), 'entra-saga-cluster-test-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await saga?.close();
});

/** The CLI's environment without the cluster's envconfig variables. */
function withoutTemporalEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(saga.cliEnv).filter(([name]) => !name.startsWith('TEMPORAL_')));
}

function requestor(): string[] {
  const id = uniqueId('cluster');
  return ['--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', `Package ${id}`, '--json'];
}

describe('mTLS at the frontend', () => {
  it('refuses a client that presents no certificate: exit 3, nothing started', async () => {
    const before = await saga.emulator.control.objects();
    const env = { ...saga.cliEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: undefined, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined };
    const result = await cli(['run', ...requestor()], env);
    expect(result.code).toBe(ExitCode.CannotConnect);
    expect(await saga.emulator.control.objects()).toEqual({ ...before, now: expect.any(String) as string });
  });

  it('refuses a certificate that another CA signed', async () => {
    const cert = join(scratch, 'other.pem');
    const key = join(scratch, 'other.key');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=not-the-cluster-ca',
      '-addext',
      'extendedKeyUsage=clientAuth',
    ]);
    const env = { ...saga.cliEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key };
    const result = await cli(['list'], env);
    expect(result.code).toBe(ExitCode.CannotConnect);
  });

  it('is reached through a TOML profile as well as through the environment', async () => {
    const env = {
      ...withoutTemporalEnv(),
      TEMPORAL_CONFIG_FILE: join(inject('clusterDir'), 'temporal.toml'),
      TEMPORAL_PROFILE: 'cluster',
    };
    const result = await cli(['run', ...requestor()], env);
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    const json = result.json();
    expect(json.status).toBe('completed');
    const listed = await cli(['list', '--query', `WorkflowId = "${String(json.workflowId)}"`], env);
    expect(listed.stdout).toContain(String(json.workflowId));
  });
});

describe('the namespace', () => {
  it('keeps closed runs for its retention period and holds the project’s search attributes', async () => {
    const { workflowService, operatorService } = saga.temporal.client.connection;
    const described = await workflowService.describeNamespace({ namespace: saga.temporal.namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7 * 86_400);
    const { customAttributes } = await operatorService.listSearchAttributes({ namespace: saga.temporal.namespace });
    for (const key of projectSearchAttributes) expect(Object.keys(customAttributes ?? {})).toContain(key.name);
  });

  it('finds a run by the search attributes it keeps current', async () => {
    const id = uniqueId('sa');
    const packageName = `Package ${id}`;
    const result = await cli(
      ['run', '--requestor-upn', `${id}@contoso.onmicrosoft.com`, '--package-name', packageName, '--json'],
      saga.cliEnv,
    );
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    const query = `AccessPackageName = "${packageName}" AND ProvisioningOutcome = "completed" AND ProvisioningStage = "Done"`;
    const found: string[] = [];
    // Visibility is written after the run closes: a moment later, it answers.
    for (let i = 0; i < 50 && !found.length; i += 1) {
      for await (const run of saga.temporal.client.workflow.list({ query })) found.push(run.workflowId);
      if (!found.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(found).toEqual([result.json().workflowId]);
  });
});
