// The control plane's side of device-code sign-in, for tests, demos and operators of the local stack:
//   POST /_emulator/device-sign-in {userCode, userPrincipalName, decline?} completes (or declines) a pending device
//     code as that user, as if they had signed in on the page — without a password;
//   GET /_emulator/device-codes lists the codes waiting for a person (never their device_code, which is the secret
//     the polling client holds).

import { isoTime } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { approveDeviceCode, completionProblem, declineDeviceCode } from '../identity/device-authorization.js';
import { findUserByPrincipalName, signInProblem } from '../identity/sign-in-rules.js';

export class DeviceSignInError extends Error {
  override readonly name = 'DeviceSignInError';

  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export function completeDeviceSignIn(ctx: EmulatorContext, body: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(body))
    if (!['userCode', 'userPrincipalName', 'decline'].includes(key))
      throw new DeviceSignInError(
        400,
        `${key} is not a device sign-in field (use userCode, userPrincipalName, decline)`,
      );
  const { userCode, userPrincipalName, decline = false } = body;
  if (typeof userCode !== 'string' || userCode.trim() === '')
    throw new DeviceSignInError(400, 'userCode (the code the device shows) is required');
  if (typeof decline !== 'boolean') throw new DeviceSignInError(400, 'decline must be true or false');
  if (typeof userPrincipalName !== 'string' || userPrincipalName.trim() === '')
    throw new DeviceSignInError(400, 'userPrincipalName is required');
  const record = ctx.deviceCodes.byUserCode(userCode);
  if (!record) throw new DeviceSignInError(404, `userCode: no device code ${userCode.trim()} is pending`);
  const problem = completionProblem(ctx, record);
  if (problem?.kind === 'expired') throw new DeviceSignInError(400, `userCode: ${record.userCode} has expired`);
  if (problem?.kind === 'completed')
    throw new DeviceSignInError(400, `userCode: ${record.userCode} has already been completed`);
  const user = findUserByPrincipalName(ctx, userPrincipalName);
  const refusal = signInProblem(ctx, user, null);
  if (refusal || !user) throw new DeviceSignInError(400, `userPrincipalName: ${refusal?.pageMessage ?? ''}`);
  if (!decline && problem?.kind === 'needsAdminApproval')
    throw new DeviceSignInError(
      400,
      `userCode: the app asks for permissions no admin consented to (${problem.scopes.join(', ')}); add them to delegatedPermissions`,
    );
  if (decline) declineDeviceCode(ctx, record);
  else approveDeviceCode(ctx, record, user);
  return {
    userCode: record.userCode,
    outcome: decline ? 'declined' : 'approved',
    userId: user.id,
    clientId: record.client.appId,
  };
}

export function pendingDeviceCodes(ctx: EmulatorContext): Record<string, unknown> {
  return {
    deviceCodes: ctx.deviceCodes.pending(ctx.clock.now()).map((r) => ({
      userCode: r.userCode,
      clientId: r.client.appId,
      clientDisplayName: r.client.displayName,
      scopes: r.scopes,
      createdDateTime: isoTime(r.createdAt),
      expiresAt: isoTime(r.expiresAt),
    })),
  };
}
