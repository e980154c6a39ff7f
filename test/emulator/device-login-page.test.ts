// The device sign-in page (the verification_uri), driven with plain HTTPS form posts as a browser without script
// would send them: enter the code, sign in with the user's password, see the app and its permissions, Continue or
// Cancel. Wrong, expired and used codes and wrong passwords get clear messages; every value is escaped; each form's
// token works once.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { pollToken, requestDeviceCode } from './support/device-code.js';
import { useHarness } from './support/harness.js';
import { createUser, password, type Json } from './support/steps.js';

const h = useHarness();

interface Page {
  status: number;
  html: string;
  headers: Headers;
  flowToken: string | undefined;
}

async function read(response: Response): Promise<Page> {
  const html = await response.text();
  return {
    status: response.status,
    html,
    headers: response.headers,
    flowToken: /name="flowToken" value="([^"]+)"/.exec(html)?.[1],
  };
}

const open = async () => read(await h.fetch('/devicelogin'));

async function submit(page: Page, fields: Record<string, string>): Promise<Page> {
  return read(
    await h.fetch('/devicelogin', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ flowToken: page.flowToken ?? '', ...fields }).toString(),
    }),
  );
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The visible text, without tags. */
const text = (page: Page) =>
  page.html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity]!)
    .replace(/\s+/g, ' ');

async function signedInUpToConsent(userCode: string, userPrincipalName: string): Promise<Page> {
  const credentials = await submit(await open(), { otc: userCode });
  return submit(credentials, { login: userPrincipalName, passwd: password });
}

describe('the device sign-in page', () => {
  test('is served over the emulator’s TLS as a self-contained form: no script, no external resources', async () => {
    const page = await open();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.html).toMatch(/<form method="post" action="\/devicelogin">/);
    expect(page.html).not.toMatch(/<script|https?:\/\/|src=/i);
    expect(page.flowToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('code → password → the app and its permissions → Continue: the device gets the user’s token', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const credentials = await submit(await open(), { otc: ` ${code.user_code.toLowerCase()} ` });
    expect(text(credentials)).toContain('to continue to entra-saga');
    const consent = await submit(credentials, { login: user.userPrincipalName, passwd: password });
    expect(text(consent)).toContain('Are you trying to sign in to entra-saga?');
    expect(text(consent)).toContain(user.userPrincipalName);
    expect(text(consent)).toContain('Read and write all entitlement management resources');
    expect(text(consent)).toContain('EntitlementMgmt-SubjectAccess.ReadWrite');
    const done = await submit(consent, { action: 'continue' });
    expect(text(done)).toContain(
      'You have signed in to the entra-saga application on your device. You may now close this window.',
    );
    expect(done.flowToken).toBeUndefined();
    const { status, body } = await pollToken(h, code.device_code);
    expect(status).toBe(200);
    expect((await h.graphWithToken(body.access_token).api('/me').get()).id).toBe(user.id);
  });

  test('Cancel declines: the device is told authorization_declined', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const done = await submit(await signedInUpToConsent(code.user_code, user.userPrincipalName), {
      action: 'cancel',
    });
    expect(text(done)).toContain('You have declined to sign in');
    expect((await pollToken(h, code.device_code)).body.error).toBe('authorization_declined');
  });

  test('a wrong code, an expired code and a used code each say so, and the code form comes back', async () => {
    const wrong = await submit(await open(), { otc: 'NOTACODE1' });
    expect(text(wrong)).toContain("That code didn't work. Check the code and try again.");
    expect(wrong.flowToken).toBeDefined();

    await h.control.post('config', { deviceCodeExpiresInSeconds: 60 });
    const { body: stale } = await requestDeviceCode(h);
    await h.control.post('clock', { advanceMs: 61_000 });
    expect(text(await submit(await open(), { otc: stale.user_code }))).toContain('That code has expired.');

    const user = await createUser(h.graph(), h.info.domain);
    const { body: used } = await requestDeviceCode(h);
    await h.control.post('device-sign-in', { userCode: used.user_code, userPrincipalName: user.userPrincipalName });
    expect(text(await submit(await open(), { otc: used.user_code }))).toContain('That code has already been used.');
  });

  test('a wrong password or an unknown user is refused on the page; the password is never echoed', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const credentials = await submit(await open(), { otc: code.user_code });
    const wrong = await submit(credentials, { login: user.userPrincipalName, passwd: 'Wrong-Pass-42!' });
    expect(text(wrong)).toContain('Your account or password is incorrect.');
    expect(wrong.html).not.toContain('Wrong-Pass-42!');
    expect(wrong.html).toContain(`value="${user.userPrincipalName}"`);
    const unknown = await submit(wrong, { login: `nobody@${h.info.domain}`, passwd: password });
    expect(text(unknown)).toContain('This username may be incorrect.');
    expect((await pollToken(h, code.device_code)).body.error).toBe('authorization_pending');
  });

  test('a disabled account cannot sign in', async () => {
    const user = await createUser(h.graph(), h.info.domain, { accountEnabled: false });
    const { body: code } = await requestDeviceCode(h);
    const refused = await submit(await submit(await open(), { otc: code.user_code }), {
      login: user.userPrincipalName,
      passwd: password,
    });
    expect(text(refused)).toContain('Your account has been disabled.');
  });

  test('names are escaped: an app called <script>… shows as text', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All', 'Application.ReadWrite.All'] });
    const app = await h
      .graph()
      .api('/applications')
      .post({ displayName: '<script>alert("x")</script>&<b>', isFallbackPublicClient: true });
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h, 'User.Read', app.appId);
    const consent = await signedInUpToConsent(code.user_code, user.userPrincipalName);
    expect(consent.html).not.toMatch(/<script|<b>/);
    expect(consent.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;b&gt;');
  });

  test('each form token works once; a forged or replayed form gets 400 and changes nothing', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    const consent = await signedInUpToConsent(code.user_code, user.userPrincipalName);
    const forged = await submit({ ...consent, flowToken: 'forged' }, { action: 'continue' });
    expect(forged.status).toBe(400);
    expect(text(forged)).toContain('start again');
    await submit(consent, { action: 'cancel' });
    const replayed = await submit(consent, { action: 'continue' });
    expect(replayed.status).toBe(400);
    expect((await pollToken(h, code.device_code)).body.error).toBe('authorization_declined');
  });

  test('an app asking for a permission no admin consented to: Need admin approval, and only a way back', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h, 'https://graph.microsoft.com/Mail.Read');
    const page = await signedInUpToConsent(code.user_code, user.userPrincipalName);
    expect(text(page)).toContain('Need admin approval');
    expect(text(page)).toContain('Mail.Read');
    expect(page.html).not.toContain('value="continue"');
    await submit(page, { action: 'continue' });
    expect((await pollToken(h, code.device_code)).body.error).toBe('authorization_declined');
  });

  test('the control plane records nothing secret: no password, no device code in objects or stats', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const { body: code } = await requestDeviceCode(h);
    await submit(await signedInUpToConsent(code.user_code, user.userPrincipalName), { action: 'continue' });
    const snapshot = JSON.stringify([await h.control.get<Json>('objects'), await h.control.get<Json>('stats')]);
    expect(snapshot).not.toContain(password);
    expect(snapshot).not.toContain(code.device_code);
    expect((await h.control.get<Json>('stats')).calls).toMatchObject({ 'GET /devicelogin': 1, 'POST /devicelogin': 3 });
  });
});
