// The device-code sign-in as a person goes through it, in a real (headless Debian) Chromium: the product's
// DeviceCodeCredential (graph/sign-in.ts) shows the code; the person opens the verification page over the emulator's
// verified HTTPS, enters the code, signs in with their password and continues; the credential's token is then the
// person's. A wrong code is refused on the page. Screenshots go to test-artifacts/ (not committed).

import type { DeviceCodeInfo } from '@azure/identity';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { artifactPath, launchChromium } from '../../devstack/browser.js';
import { createGraphClient } from '../../graph/client.js';
import { delegatedScopes, deviceCodeSignIn } from '../../graph/sign-in.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { uniqueId } from '../support/temporal.js';
import { type TrustingChromium, launchChromiumTrusting } from '../support/trusting-chromium.js';

const domain = 'contoso.onmicrosoft.com';
let emulator: TestEmulator;
let chromium: TrustingChromium | undefined;
beforeAll(async () => {
  emulator = await startTestEmulator();
  chromium = await launchChromiumTrusting(emulator.graph.extraCaPem ?? '');
});
afterAll(async () => {
  await chromium?.close();
  await emulator?.close();
});

const verificationUri = () => `${emulator.graph.authorityHost}/devicelogin`;

/** A person in the directory, made as an admin would, with the password they sign in with. */
async function createPerson(displayName: string) {
  const userPrincipalName = `${uniqueId('person')}@${domain}`;
  const password = `Pw-${uniqueId('x')}!A1`;
  const user = (await createGraphClient(emulator.graph)
    .api('/users')
    .post({
      accountEnabled: true,
      displayName,
      mailNickname: userPrincipalName.split('@')[0],
      userPrincipalName,
      passwordProfile: { password, forceChangePasswordNextSignIn: false },
    })) as { id: string };
  return { id: user.id, userPrincipalName, password };
}

async function newPage(name: string): Promise<Page> {
  if (!chromium) throw new Error('Chromium did not start');
  const page = await chromium.browser.newPage({ viewport: { width: 1000, height: 800 } });
  page.setDefaultTimeout(20_000);
  onTestFailed(async () => {
    await page.screenshot({ path: artifactPath(`${name}-failure.png`) }).catch(() => undefined);
  });
  return page;
}

function decodeJwt(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('the device sign-in page in Chromium', () => {
  it('the credential shows a code; the person enters it, signs in and continues; the token is theirs', async () => {
    const person = await createPerson('Ada Lovelace');
    let shown!: (info: DeviceCodeInfo) => void;
    const prompt = new Promise<DeviceCodeInfo>((resolve) => (shown = resolve));
    const { credential, scope } = deviceCodeSignIn(emulator.graph, {
      clientId: emulator.env.AZURE_CLIENT_ID ?? '',
      scope: delegatedScopes.requestor,
      prompt: (info) => shown(info),
    });
    // As the CLI does: the first Graph call as the person starts the sign-in and waits for it.
    const me = createGraphClient({ ...emulator.graph, scope }, { credential })
      .api('/me')
      .select('id,userPrincipalName')
      .get() as Promise<{ id: string; userPrincipalName: string }>;
    const info = await prompt;
    expect(info.verificationUri).toBe(verificationUri());
    expect(info.message).toBe(
      `To sign in, use a web browser to open the page ${info.verificationUri} and enter the code ${info.userCode} to authenticate.`,
    );

    const page = await newPage('device-login');
    await page.goto(info.verificationUri);
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await page.getByLabel('Code').fill(info.userCode);
    await page.screenshot({ path: artifactPath('device-login-code.png') });
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('main').innerText()).resolves.toContain('to continue to entra-saga');
    await page.getByLabel('Email or user principal name').fill(person.userPrincipalName);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Are you trying to sign in to entra-saga?' }).waitFor();
    const consent = await page.locator('main').innerText();
    expect(consent).toContain(`Signed in as ${person.userPrincipalName}`);
    expect(consent).toContain(delegatedScopes.requestor);
    await page.screenshot({ path: artifactPath('device-login-consent.png') });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('You have signed in to the entra-saga application on your device.').waitFor();
    await page.screenshot({ path: artifactPath('device-login-done.png') });

    // The credential, polling meanwhile, got the person's token: Graph answers /me as them.
    expect(await me).toMatchObject({ id: person.id, userPrincipalName: person.userPrincipalName });
    const { token } = await credential.getToken(scope);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      idtyp: 'user',
      oid: person.id,
      upn: person.userPrincipalName,
      name: 'Ada Lovelace',
      tid: emulator.graph.tenantId,
      appid: emulator.env.AZURE_CLIENT_ID,
    });
    expect(String(claims.scp).split(' ')).toContain(delegatedScopes.requestor);
    expect(claims.roles).toBeUndefined();
  });

  it('a wrong code is refused with a message, and the code form comes back', async () => {
    const page = await newPage('device-login-wrong-code');
    await page.goto(verificationUri());
    await page.getByLabel('Code').fill('NOTACODE1');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe(
      "That code didn't work. Check the code and try again.",
    );
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await expect(page.getByLabel('Code').inputValue()).resolves.toBe('');
    await page.screenshot({ path: artifactPath('device-login-wrong-code.png') });
  });

  it('is verified HTTPS: a Chromium that does not trust the emulator CA refuses the page', async () => {
    const untrusting = await launchChromium();
    try {
      const page = await untrusting.newPage();
      await expect(page.goto(verificationUri())).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });
});
