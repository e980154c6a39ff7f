// Device-code sign-in (OAuth 2.0 device authorization grant) as Entra runs it: @azure/identity's DeviceCodeCredential
// works against the emulator unchanged, and the protocol's answers — pending, declined, expired, unknown codes,
// clients that do not allow public client flows — are Entra's.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { DeviceCodeCredential, type DeviceCodeInfo } from '@azure/identity';
import { describe, expect, test } from 'vitest';
import { EmulatorControl } from '../../emulator/control/client.js';
import { defaultDelegatedPermissions } from '../../emulator/index.js';
import { decodeJwt, pollToken, requestDeviceCode } from './support/device-code.js';
import { useHarness } from './support/harness.js';
import { createUser, type Json } from './support/steps.js';

const h = useHarness({ deviceCodeIntervalSeconds: 1 });

/** A DeviceCodeCredential exactly as an app builds one; the prompt resolves with what the person would be shown. */
function deviceCodeCredential(clientId = h.info.clientId) {
  let shown!: (info: DeviceCodeInfo) => void;
  const prompt = new Promise<DeviceCodeInfo>((resolve) => (shown = resolve));
  const credential = new DeviceCodeCredential({
    tenantId: h.info.tenantId,
    clientId,
    authorityHost: h.info.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: h.caPem },
    userPromptCallback: (info) => shown(info),
  });
  return { credential, prompt };
}

const signIn = (userCode: string, userPrincipalName: string, decline = false) =>
  h.control.post<Json>('device-sign-in', { userCode, userPrincipalName, ...(decline ? { decline } : {}) });

describe('DeviceCodeCredential, unchanged', () => {
  test('signs in once the person completes the code, and Graph /me answers as that user', async () => {
    const user = await createUser(h.graph(), h.info.domain, { displayName: 'Ada Lovelace' });
    const { credential, prompt } = deviceCodeCredential();
    const me = h.graph(credential).api('/me').get() as Promise<Json>;
    const info = await prompt;
    expect(info.verificationUri).toBe(`${h.info.authorityHost}/devicelogin`);
    expect(info.message).toBe(
      `To sign in, use a web browser to open the page ${info.verificationUri} and enter the code ${info.userCode} to authenticate.`,
    );
    expect(info.userCode).toMatch(/^[A-Z0-9]{9}$/);
    await signIn(info.userCode, user.userPrincipalName);
    expect(await me).toMatchObject({ id: user.id, userPrincipalName: user.userPrincipalName });
    // Later calls are silent: the person is asked once.
    expect((await h.graph(credential).api('/me').get()).id).toBe(user.id);

    const { token } = await credential.getToken('https://graph.microsoft.com/.default');
    expect(decodeJwt(token)).toMatchObject({
      idtyp: 'user',
      oid: user.id,
      upn: user.userPrincipalName,
      name: 'Ada Lovelace',
      tid: h.info.tenantId,
      appid: h.info.clientId,
      scp: defaultDelegatedPermissions.join(' '),
    });
  });

  test('a declined sign-in rejects getToken with authorization_declined (EmulatorControl.deviceSignIn)', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { credential, prompt } = deviceCodeCredential();
    const token = credential.getToken('https://graph.microsoft.com/.default').then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const control = new EmulatorControl(h.emulator.url, h.caPem);
    try {
      const { userCode } = await prompt;
      expect((await control.deviceCodes()).deviceCodes.map((c) => c.userCode)).toEqual([userCode]);
      expect(await control.deviceSignIn(userCode, user.userPrincipalName, true)).toMatchObject({
        outcome: 'declined',
        userId: user.id,
      });
    } finally {
      await control.close();
    }
    expect((await token)?.message).toMatch(/authorization_declined/);
  });

  test('an app registered through Graph with isFallbackPublicClient signs users in; its tokens name it', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Application.ReadWrite.All'] });
    const app = await h.graph().api('/applications').post({ displayName: 'Kiosk', isFallbackPublicClient: true });
    expect(app.isFallbackPublicClient).toBe(true);
    const user = await createUser(h.graph(), h.info.domain);
    const { credential, prompt } = deviceCodeCredential(app.appId);
    const token = credential.getToken('https://graph.microsoft.com/User.Read');
    await signIn((await prompt).userCode, user.userPrincipalName);
    expect(decodeJwt((await token).token)).toMatchObject({ appid: app.appId, app_displayname: 'Kiosk', oid: user.id });
  });
});

describe('the device code endpoint', () => {
  test('answers Entra’s shape: codes, verification_uri, expires_in 900 by default, interval', async () => {
    const { status, body } = await requestDeviceCode(h);
    expect(status).toBe(200);
    expect(body).toEqual({
      user_code: expect.stringMatching(/^[A-Z0-9]{9}$/),
      device_code: expect.stringMatching(/^[A-Za-z0-9_-]{100,}$/),
      verification_uri: `${h.info.authorityHost}/devicelogin`,
      expires_in: 900,
      interval: 1,
      message: expect.stringContaining(body.user_code),
    });
  });

  test('is the device_authorization_endpoint the discovery document advertises', async () => {
    const doc = (await (await h.fetch(`/${h.info.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Json;
    const response = await h.fetch(new URL(doc.device_authorization_endpoint).pathname, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: h.info.clientId, scope: 'User.Read' }).toString(),
    });
    expect(response.status).toBe(200);
  });

  test('an unknown client is 400 unauthorized_client AADSTS700016; a missing scope AADSTS900144', async () => {
    const unknown = await requestDeviceCode(h, 'User.Read', '00000000-0000-0000-0000-000000000001');
    expect([unknown.status, unknown.body.error, unknown.body.error_codes]).toEqual([
      400,
      'unauthorized_client',
      [700016],
    ]);
    const noScope = await requestDeviceCode(h, '');
    expect([noScope.status, noScope.body.error_codes]).toEqual([400, [900144]]);
  });

  test('a scope of another resource is 400 invalid_resource AADSTS500011', async () => {
    const { status, body } = await requestDeviceCode(h, 'https://management.azure.com/.default');
    expect([status, body.error, body.error_codes]).toEqual([400, 'invalid_resource', [500011]]);
  });
});

describe('polling the token endpoint', () => {
  test('authorization_pending (AADSTS70016) until someone signs in, then one token, then the code is spent', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const pending = await pollToken(h, code.device_code);
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    expect(pending.body.error_description).toMatch(/^AADSTS70016: /);

    await signIn(code.user_code, user.userPrincipalName);
    const granted = await pollToken(h, code.device_code, h.info.clientId, 'device_code'); // MSAL's spelling
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    expect(decodeJwt(granted.body.id_token)).toMatchObject({
      aud: h.info.clientId,
      oid: user.id,
      preferred_username: user.userPrincipalName,
    });
    const me = await h.graphWithToken(granted.body.access_token).api('/me').get();
    expect(me.id).toBe(user.id);

    const again = await pollToken(h, code.device_code);
    expect([again.status, again.body.error, again.body.error_codes]).toEqual([400, 'bad_verification_code', [70018]]);
  });

  test('a declined code answers authorization_declined', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    await signIn(code.user_code, user.userPrincipalName, true);
    const { status, body } = await pollToken(h, code.device_code);
    expect([status, body.error]).toEqual([400, 'authorization_declined']);
  });

  test('after expires_in on the emulator clock: expired_token (AADSTS70020), and the code can no longer be used', async () => {
    await h.control.post('config', { deviceCodeExpiresInSeconds: 60 });
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    expect(code.expires_in).toBe(60);
    await h.control.post('clock', { advanceMs: 60_000 });
    const { status, body } = await pollToken(h, code.device_code);
    expect([status, body.error, body.error_codes]).toEqual([400, 'expired_token', [70020]]);
    const late = await h.control.request('POST', 'device-sign-in', {
      userCode: code.user_code,
      userPrincipalName: user.userPrincipalName,
    });
    expect(late.status).toBe(400);
    expect(((await late.json()) as Json).error.message).toMatch(/expired/);
  });

  test('an unknown device code, or one issued to another client, is bad_verification_code', async () => {
    expect((await pollToken(h, 'not-a-device-code')).body.error).toBe('bad_verification_code');
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Application.ReadWrite.All'] });
    const app = await h.graph().api('/applications').post({ displayName: 'Other', isFallbackPublicClient: true });
    const { body: code } = await requestDeviceCode(h);
    expect((await pollToken(h, code.device_code, app.appId)).body.error).toBe('bad_verification_code');
  });

  test('an app that does not allow public client flows is refused with 401 invalid_client AADSTS7000218', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Application.ReadWrite.All'] });
    const app = await h.graph().api('/applications').post({ displayName: 'Web app' });
    const { status: issued, body: code } = await requestDeviceCode(h, 'User.Read', app.appId);
    expect(issued).toBe(200);
    const { status, body } = await pollToken(h, code.device_code, app.appId);
    expect([status, body.error, body.error_codes]).toEqual([401, 'invalid_client', [7000218]]);
  });
});

describe('refresh tokens (offline_access), how MSAL renews silently', () => {
  test('redeem for a new access token and a new refresh token; Graph refuses one as an access token', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    await signIn(code.user_code, user.userPrincipalName);
    const { body: first } = await pollToken(h, code.device_code);
    expect(first.refresh_token).toEqual(expect.any(String));
    const response = await h.fetch(`/${h.info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: h.info.clientId,
        refresh_token: first.refresh_token,
        scope: 'https://graph.microsoft.com/.default offline_access',
      }).toString(),
    });
    const renewed = (await response.json()) as Json;
    expect(response.status).toBe(200);
    expect(decodeJwt(renewed.access_token)).toMatchObject({ oid: user.id, idtyp: 'user' });
    expect(renewed.refresh_token).toEqual(expect.any(String));
    const misuse = await h.fetch('/v1.0/me', { headers: { Authorization: `Bearer ${first.refresh_token}` } });
    expect(misuse.status).toBe(401);
  });

  test('a refresh token for a user deleted since is refused with invalid_grant', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    await signIn(code.user_code, user.userPrincipalName);
    const { body } = await pollToken(h, code.device_code);
    await h.graph().api(`/users/${user.id}`).delete();
    const response = await h.fetch(`/${h.info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: h.info.clientId,
        refresh_token: body.refresh_token,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect([response.status, ((await response.json()) as Json).error]).toEqual([400, 'invalid_grant']);
  });
});

describe('delegated permissions', () => {
  test('the token carries every consented permission (delegatedPermissions), as Entra’s do', async () => {
    await h.control.post('config', { delegatedPermissions: ['User.Read', 'EntitlementMgmt-SubjectAccess.ReadWrite'] });
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h, 'https://graph.microsoft.com/User.Read');
    await signIn(code.user_code, user.userPrincipalName);
    const { body } = await pollToken(h, code.device_code);
    expect(decodeJwt(body.access_token).scp).toBe('User.Read EntitlementMgmt-SubjectAccess.ReadWrite');
  });

  test('a scope no admin consented to cannot be completed (the page asks for admin approval)', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h, 'https://graph.microsoft.com/Mail.Read');
    const response = await h.control.request('POST', 'device-sign-in', {
      userCode: code.user_code,
      userPrincipalName: user.userPrincipalName,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toMatch(/Mail\.Read/);
  });
});

describe('the control plane', () => {
  test('lists pending codes without their device_code; completed ones leave the list', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const listed = await h.control.get<Json>('device-codes');
    expect(listed.deviceCodes).toEqual([
      {
        userCode: code.user_code,
        clientId: h.info.clientId,
        clientDisplayName: 'entra-saga',
        scopes: ['https://graph.microsoft.com/.default', 'openid', 'profile', 'offline_access'],
        createdDateTime: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(code.device_code);
    await signIn(code.user_code, user.userPrincipalName);
    expect((await h.control.get<Json>('device-codes')).deviceCodes).toEqual([]);
  });

  test('device-sign-in refuses unknown codes (404), unknown users and codes already completed (400)', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const unknownCode = await h.control.request('POST', 'device-sign-in', {
      userCode: 'AAAAAAAAA',
      userPrincipalName: user.userPrincipalName,
    });
    expect(unknownCode.status).toBe(404);
    const unknownUser = await h.control.request('POST', 'device-sign-in', {
      userCode: code.user_code,
      userPrincipalName: `nobody@${h.info.domain}`,
    });
    expect(unknownUser.status).toBe(400);
    await signIn(code.user_code.toLowerCase(), user.userPrincipalName);
    const twice = await h.control.request('POST', 'device-sign-in', {
      userCode: code.user_code,
      userPrincipalName: user.userPrincipalName,
    });
    expect(twice.status).toBe(400);
  });
});
