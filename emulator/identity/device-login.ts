// The device sign-in page, https://HOST/devicelogin (the verification_uri of device codes):
//   GET  → "Enter code";
//   POST → the step its flow token names: the code → "Sign in" (user principal name + password) → "Are you trying to
//          sign in to <app>?" with the permissions the app gets → Continue (the code is completed for the user) or
//          Cancel (declined) → a page saying the window may be closed.
// Every form carries a flow token: random, single-use, bound server-side to the step and to what earlier steps
// established — the anti-forgery token and the whole session at once (no cookies). Passwords and codes are never
// logged or echoed back.

import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import { header, type Exchange, type Reply } from '../server/exchange.js';
import {
  approveDeviceCode,
  completionProblem,
  declineDeviceCode,
  permissionsShown,
  type CompletionProblem,
} from './device-authorization.js';
import {
  adminApprovalPage,
  consentPage,
  enterCodePage,
  finishedPage,
  signInPage,
  staleFormPage,
  type Permission,
} from './device-login-html.js';
import { findUserByPrincipalName, signInProblem } from './sign-in-rules.js';

type FlowStep =
  { step: 'code' } | { step: 'credentials'; userCode: string } | { step: 'consent'; userCode: string; userId: string };

const flowLifetimeMs = 20 * 60_000;
const flowCapacity = 10_000;

/** The one-time tokens of the forms handed out and not yet submitted. */
export class SignInFlows {
  readonly #flows = new Map<string, FlowStep & { expiresAt: number }>();

  issue(step: FlowStep, now: number): string {
    for (const [token, flow] of this.#flows)
      if (flow.expiresAt <= now || this.#flows.size >= flowCapacity) this.#flows.delete(token);
    const token = randomBytes(32).toString('base64url');
    this.#flows.set(token, { ...step, expiresAt: now + flowLifetimeMs });
    return token;
  }

  /** The step a submitted form continues; the token is spent either way. */
  take(token: string, now: number): FlowStep | undefined {
    const flow = this.#flows.get(token);
    this.#flows.delete(token);
    return flow && flow.expiresAt > now ? flow : undefined;
  }

  clear(): void {
    this.#flows.clear();
  }
}

/** Graph's consent-screen wording for the permissions the emulator knows. */
const permissionDescriptions: Record<string, string> = {
  'user.read': 'Sign in and read user profile',
  'user.readbasic.all': "Read all users' basic profiles",
  'user.read.all': "Read all users' full profiles",
  'groupmember.read.all': 'Read group memberships',
  'entitlementmgmt-subjectaccess.readwrite': 'Read and write entitlement management resources related to self',
  'entitlementmanagement.read.all': 'Read all entitlement management resources',
  'entitlementmanagement.readwrite.all': 'Read and write all entitlement management resources',
  openid: 'Sign users in',
  profile: "View users' basic profile",
  email: "View users' email address",
  offline_access: 'Maintain access to data you have given it access to',
};

const describe = (name: string): Permission => ({
  name,
  description: permissionDescriptions[name.toLowerCase()] ?? name,
});

const codeMessages: Record<Exclude<CompletionProblem['kind'], 'needsAdminApproval'>, string> = {
  expired: 'That code has expired. Go back to your app or device and get a new code.',
  completed: 'That code has already been used. Go back to your app or device and get a new code.',
};

export function serveDeviceLogin(ctx: EmulatorContext, exchange: Exchange): Reply {
  const now = ctx.clock.now();
  const codePage = (error?: string) => enterCodePage(ctx.signInFlows.issue({ step: 'code' }, now), error);
  if (exchange.method === 'GET') return codePage();
  if (!(header(exchange, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return staleFormPage();
  const form = new URLSearchParams(exchange.rawBody.toString('utf8'));
  const flow = ctx.signInFlows.take(form.get('flowToken') ?? '', now);
  if (!flow) return staleFormPage();

  if (flow.step === 'code') {
    const record = ctx.deviceCodes.byUserCode(form.get('otc') ?? '');
    if (!record) return codePage("That code didn't work. Check the code and try again.");
    const problem = completionProblem(ctx, record);
    if (problem && problem.kind !== 'needsAdminApproval') return codePage(codeMessages[problem.kind]);
    const token = ctx.signInFlows.issue({ step: 'credentials', userCode: record.userCode }, now);
    return signInPage(token, record.client.displayName, '');
  }

  const record = ctx.deviceCodes.byUserCode(flow.userCode);
  if (!record) return codePage(codeMessages.expired);
  const problem = completionProblem(ctx, record);
  if (problem && problem.kind !== 'needsAdminApproval') return codePage(codeMessages[problem.kind]);

  if (flow.step === 'credentials') {
    const username = form.get('login') ?? '';
    const user = findUserByPrincipalName(ctx, username);
    const refusal = signInProblem(ctx, user, form.get('passwd') ?? '');
    if (refusal || !user) {
      const token = ctx.signInFlows.issue({ step: 'credentials', userCode: record.userCode }, now);
      return signInPage(token, record.client.displayName, username, refusal?.pageMessage);
    }
    const token = ctx.signInFlows.issue({ step: 'consent', userCode: record.userCode, userId: user.id }, now);
    if (problem?.kind === 'needsAdminApproval')
      return adminApprovalPage(token, record.client.displayName, problem.scopes);
    return consentPage(
      token,
      record.client.displayName,
      user.userPrincipalName,
      permissionsShown(ctx, record).map(describe),
    );
  }

  const user = ctx.store.state.users.find((u) => u.id === flow.userId && u.deletedAt === undefined);
  if (!user) return staleFormPage();
  if (form.get('action') === 'continue' && problem?.kind !== 'needsAdminApproval') {
    approveDeviceCode(ctx, record, user);
    return finishedPage(record.client.displayName, true);
  }
  declineDeviceCode(ctx, record);
  return finishedPage(record.client.displayName, false);
}
