// Settings are validated at start: each error names the setting and what is wrong, and never holds a secret.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { temporalSettingsFromEnv } from '../../config/temporal-settings.js';
import { graphSettingsFromEnv } from '../../graph/settings.js';

const tenant = {
  AZURE_TENANT_ID: '5f0d4a3e-2c1b-4e8a-9d7f-6b5c4a3e2d1f',
  AZURE_CLIENT_ID: '3c2b1a09-8f7e-4d6c-b5a4-93827161f5e4',
  AZURE_CLIENT_SECRET: 'super-secret-value',
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('graph settings', () => {
  it('reads a client-secret configuration for graph.microsoft.com', () => {
    const settings = graphSettingsFromEnv(tenant);
    expect(settings).toMatchObject({
      credential: 'client-secret',
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
      authorityHost: 'https://login.microsoftonline.com',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([
    [{ AZURE_TENANT_ID: '' }, 'AZURE_TENANT_ID', /is not set/],
    [{ AZURE_TENANT_ID: 'not a tenant' }, 'AZURE_TENANT_ID', /GUID or a verified domain/],
    [{ AZURE_CLIENT_ID: 'abc' }, 'AZURE_CLIENT_ID', /GUID/],
    [{ ENTRA_SAGA_CREDENTIAL: 'client-secret', AZURE_CLIENT_SECRET: '' }, 'AZURE_CLIENT_SECRET', /is not set/],
    [
      { ENTRA_SAGA_CREDENTIAL: 'password' },
      'ENTRA_SAGA_CREDENTIAL',
      /one of client-secret, certificate, managed-identity, default/,
    ],
    [{ ENTRA_SAGA_CREDENTIAL: 'certificate', AZURE_CLIENT_SECRET: '' }, 'AZURE_CLIENT_CERTIFICATE_PATH', /is not set/],
    [
      { ENTRA_SAGA_CREDENTIAL: 'certificate', AZURE_CLIENT_CERTIFICATE_PATH: '/nope.pem' },
      'AZURE_CLIENT_CERTIFICATE_PATH',
      /cannot be read/,
    ],
    [{ GRAPH_BASE_URL: 'http://graph.microsoft.com/v1.0' }, 'GRAPH_BASE_URL', /https/],
    [{ GRAPH_BASE_URL: 'https://graph.microsoft.com' }, 'GRAPH_BASE_URL', /API version/],
    [{ GRAPH_CA_CERT_PATH: '/nope.pem' }, 'GRAPH_CA_CERT_PATH', /cannot be read/],
    [{ AZURE_AUTHORITY_HOST: 'login' }, 'AZURE_AUTHORITY_HOST', /https URL/],
  ])('rejects %j, naming %s', (patch: Record<string, string>, setting, problem) => {
    const env: Record<string, string> = { ...tenant, ...patch };
    const error = configError(() => graphSettingsFromEnv(env));
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(problem);
    expect(error.message).not.toMatch(/super-secret-value/);
  });
});

describe('temporal settings', () => {
  it('defaults to the local dev server and the project task queue', () => {
    const settings = temporalSettingsFromEnv({ HOME: '/nonexistent' });
    expect(settings).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'entra-saga' });
  });

  it('reads the envconfig variables', () => {
    const settings = temporalSettingsFromEnv({
      HOME: '/nonexistent',
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'k',
      ENTRA_SAGA_TASK_QUEUE: 'q',
    });
    expect(settings).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      taskQueue: 'q',
      apiKey: 'k',
    });
  });

  it('rejects an address that is not host:port', () => {
    const error = configError(() => temporalSettingsFromEnv({ HOME: '/nonexistent', TEMPORAL_ADDRESS: 'localhost' }));
    expect(error.setting).toBe('TEMPORAL_ADDRESS');
  });
});
