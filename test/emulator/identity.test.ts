// The identity-platform side: discovery, JWKS, the token endpoint's grants and its Entra-style errors, and how
// Graph treats missing, expired, forged or mis-addressed tokens.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { createPublicKey, createVerify, generateKeyPairSync, createSign, webcrypto } from 'node:crypto';
import '../../emulator/tls/reflect-metadata.js';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import * as x509 from '@peculiar/x509';
import { describe, expect, test } from 'vitest';
import { graphScope, startHarness, useHarness } from './support/harness.js';
import { createUser, graphFailure, password, type Json } from './support/steps.js';

const h = useHarness();

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Json;
const header = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Json;

async function tokenRequest(
  form: Record<string, string>,
  tenant = h.info.tenantId,
): Promise<{ status: number; body: Json }> {
  const response = await h.fetch(`/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const clientCredentials = () => ({
  grant_type: 'client_credentials',
  client_id: h.info.clientId,
  client_secret: h.info.clientSecret,
  scope: graphScope,
});

describe('OpenID metadata', () => {
  test('the v2.0 discovery document points at this tenant’s token endpoint and keys', async () => {
    const doc = (await (await h.fetch(`/${h.info.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Json;
    expect(doc).toMatchObject({
      token_endpoint: `${h.info.authorityHost}/${h.info.tenantId}/oauth2/v2.0/token`,
      issuer: `${h.info.authorityHost}/${h.info.tenantId}/v2.0`,
      jwks_uri: `${h.info.authorityHost}/${h.info.tenantId}/discovery/v2.0/keys`,
      authorization_endpoint: expect.any(String),
    });
  });

  test('the tenant may be named by its verified domain', async () => {
    const response = await h.fetch(`/${h.info.domain}/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
  });

  test('access tokens verify against the JWKS key named by their kid', async () => {
    const { token } = await h.appCredential().getToken(graphScope);
    const jwks = (await (await h.fetch(`/${h.info.tenantId}/discovery/v2.0/keys`)).json()) as { keys: Json[] };
    const key = jwks.keys.find((k) => k.kid === header(token).kid);
    expect(key).toBeDefined();
    const [head, payload, signature] = token.split('.') as [string, string, string];
    const valid = createVerify('RSA-SHA256')
      .update(`${head}.${payload}`)
      .verify(createPublicKey({ key: key!, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    expect(valid).toBe(true);
  });
});

describe('client credentials', () => {
  test('ClientSecretCredential gets an RS256 app token for Graph with the granted roles', async () => {
    const { token, expiresOnTimestamp } = await h.appCredential().getToken(graphScope);
    expect(header(token).alg).toBe('RS256');
    const claims = decode(token);
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${h.info.tenantId}/`,
      tid: h.info.tenantId,
      appid: h.info.clientId,
      idtyp: 'app',
      roles: ['User.ReadWrite.All', 'Group.ReadWrite.All', 'EntitlementManagement.ReadWrite.All', 'Domain.Read.All'],
    });
    expect(claims.oid).toBe(claims.sub);
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(3599);
    expect(expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
  });

  test('a wrong secret is refused with 401 invalid_client AADSTS7000215, and the secret is not echoed', async () => {
    const wrong = 'not-the-secret-value';
    const { status, body } = await tokenRequest({ ...clientCredentials(), client_secret: wrong });
    expect(status).toBe(401);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000215],
      trace_id: expect.any(String),
      correlation_id: expect.any(String),
    });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    expect(JSON.stringify(body)).not.toContain(wrong);
  });

  test('ClientSecretCredential rejects with the AADSTS7000215 refusal', async () => {
    const credential = new ClientSecretCredential(h.info.tenantId, h.info.clientId, 'wrong', {
      authorityHost: h.info.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: h.caPem },
    });
    const error = await credential.getToken(graphScope).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/invalid_client/);
    expect(error?.message).toMatch(/AADSTS7000215/);
  });

  test('an unknown client id is refused with AADSTS700016', async () => {
    const { status, body } = await tokenRequest({
      ...clientCredentials(),
      client_id: '00000000-0000-0000-0000-000000000001',
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
  });

  test('client credentials need a /.default scope', async () => {
    const { status, body } = await tokenRequest({
      ...clientCredentials(),
      scope: 'https://graph.microsoft.com/User.Read',
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });

  test('an unknown tenant is refused with AADSTS90002', async () => {
    const { status, body } = await tokenRequest(clientCredentials(), '11111111-2222-3333-4444-555555555555');
    expect(status).toBe(400);
    expect(body.error_codes).toEqual([90002]);
  });

  test('the permissions option decides the roles tokens carry', async () => {
    await h.control.post('config', { permissions: ['User.Read.All'] });
    const { token } = await h.appCredential().getToken(graphScope);
    expect(decode(token).roles).toEqual(['User.Read.All']);
  });

  test('ClientCertificateCredential works once its certificate is registered through the control plane', async () => {
    const keys = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
      true,
      ['sign', 'verify'],
    );
    x509.cryptoProvider.set(webcrypto as never);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=entra-saga test app',
      keys,
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    await h.control.post('app-certificates', { certificatePem: cert.toString('pem') });
    const credential = new ClientCertificateCredential(
      h.info.tenantId,
      h.info.clientId,
      { certificate: `${cert.toString('pem')}\n${keyPem}` },
      {
        authorityHost: h.info.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: h.caPem },
      },
    );
    const domains = await h.graph(credential).api('/domains').get();
    expect(domains.value).toHaveLength(2);
  });
});

describe('resource owner password (acting as a user)', () => {
  test('UsernamePasswordCredential gets a delegated token with scp and the user’s oid', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { token } = await h.userCredential(user.userPrincipalName, password).getToken(graphScope);
    const claims = decode(token);
    expect(claims).toMatchObject({
      idtyp: 'user',
      oid: user.id,
      upn: user.userPrincipalName,
      scp: expect.stringContaining('EntitlementMgmt-SubjectAccess.ReadWrite'),
    });
    expect(claims.roles).toBeUndefined();
    const me = await h.graph(h.userCredential(user.userPrincipalName, password)).api('/me').get();
    expect(me.id).toBe(user.id);
  });

  test('a wrong password is refused with invalid_grant AADSTS50126', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { status, body } = await tokenRequest({
      grant_type: 'password',
      client_id: h.info.clientId,
      username: user.userPrincipalName,
      password: 'Wrong-pass1',
      scope: graphScope,
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
  });

  test('a user who must change their password cannot sign in (AADSTS50055)', async () => {
    const user = await createUser(h.graph(), h.info.domain, {
      passwordProfile: { password, forceChangePasswordNextSignIn: true },
    });
    const { body } = await tokenRequest({
      grant_type: 'password',
      client_id: h.info.clientId,
      username: user.userPrincipalName,
      password,
      scope: graphScope,
    });
    expect(body.error_codes).toEqual([50055]);
  });
});

describe('Graph token validation', () => {
  test('a call without a token gets 401 InvalidAuthenticationToken with a Bearer challenge', async () => {
    const response = await h.fetch('/v1.0/users');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=""/);
    expect(((await response.json()) as Json).error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
  });

  test('an expired token gets 401 "Lifetime validation failed"', async () => {
    const { access_token } = await h.control.post<Json>('tokens', { expiresInSeconds: -60 });
    const error = await graphFailure(h.graphWithToken(access_token).api('/users').get());
    expect(error.statusCode).toBe(401);
    expect(error.envelope).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Lifetime validation failed, the token is expired.',
    });
  });

  test('a token really expires after tokenLifetimeSeconds of wall time', async () => {
    await h.control.post('config', { tokenLifetimeSeconds: 1 });
    const { body } = await tokenRequest(clientCredentials());
    expect(body.expires_in).toBe(1);
    const client = h.graphWithToken(body.access_token);
    expect((await client.api('/domains').get()).value).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await graphFailure(client.api('/domains').get())).envelope.message).toBe(
      'Lifetime validation failed, the token is expired.',
    );
  });

  test('advancing the emulator clock does not expire tokens (they run on the wall clock)', async () => {
    const client = h.graph();
    await client.api('/domains').get();
    await h.control.post('clock', { advanceMs: 30 * 86_400_000 });
    expect((await client.api('/domains').get()).value).toHaveLength(2);
  });

  test('a token signed by another key (forged) gets 401', async () => {
    const { access_token } = await h.control.post<Json>('tokens', {});
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [head, payload] = access_token.split('.') as [string, string];
    const forged = `${head}.${payload}.${createSign('RSA-SHA256').update(`${head}.${payload}`).sign(privateKey).toString('base64url')}`;
    const error = await graphFailure(h.graphWithToken(forged).api('/users').get());
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe('InvalidAuthenticationToken');
  });

  test('a token with a tampered payload (more roles) gets 401', async () => {
    const { access_token } = await h.control.post<Json>('tokens', { roles: ['User.Read.All'] });
    const [head, , signature] = access_token.split('.') as [string, string, string];
    const claims = { ...decode(access_token), roles: ['Directory.ReadWrite.All'] };
    const tampered = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await graphFailure(h.graphWithToken(tampered).api('/users').get())).statusCode).toBe(401);
  });

  test('a token for another audience gets 401 "Invalid audience"', async () => {
    const { access_token } = await h.control.post<Json>('tokens', { audience: 'https://management.azure.com' });
    const error = await graphFailure(h.graphWithToken(access_token).api('/users').get());
    expect(error.envelope.message).toBe('Access token validation failure. Invalid audience.');
  });

  test('a malformed token gets 401', async () => {
    const error = await graphFailure(h.graphWithToken('not-a-jwt').api('/users').get());
    expect(error.statusCode).toBe(401);
  });
});

describe('the permissions start option', () => {
  test('limits the roles tokens carry: a write needing a missing role is 403, a read it grants works', async () => {
    const limited = await startHarness({ permissions: ['User.Read.All'] });
    try {
      const { token } = await limited.appCredential().getToken(graphScope);
      expect(decode(token).roles).toEqual(['User.Read.All']);
      expect((await limited.graph().api('/users').get()).value).toEqual([]);
      const error = await graphFailure(createUser(limited.graph(), limited.info.domain));
      expect([error.statusCode, error.envelope.code]).toEqual([403, 'Authorization_RequestDenied']);
      expect((await limited.control.get<Json>('objects')).users).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
