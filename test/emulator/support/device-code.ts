// The device authorization grant over raw HTTPS, for tests that check the protocol itself (the SDK-level tests use
// DeviceCodeCredential unchanged).
/* eslint-disable @typescript-eslint/no-unsafe-return -- OAuth responses are untyped JSON; the tests assert their shape. */

import type { EmulatorHarness } from './harness.js';
import type { Json } from './steps.js';

const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

async function form(h: EmulatorHarness, path: string, fields: Record<string, string>) {
  const response = await h.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

export function requestDeviceCode(
  h: EmulatorHarness,
  scope = 'https://graph.microsoft.com/.default openid profile offline_access',
  clientId = h.info.clientId,
) {
  return form(h, `/${h.info.tenantId}/oauth2/v2.0/devicecode`, { client_id: clientId, scope });
}

/** One poll of the token endpoint, as a client does every `interval` seconds. */
export function pollToken(
  h: EmulatorHarness,
  deviceCode: string,
  clientId = h.info.clientId,
  grantType = deviceCodeGrant,
) {
  return form(h, `/${h.info.tenantId}/oauth2/v2.0/token`, {
    grant_type: grantType,
    client_id: clientId,
    device_code: deviceCode,
  });
}

export function decodeJwt(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
}
