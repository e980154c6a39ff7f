// /_emulator/…: inspection and control for tests and the dev stack. Loopback callers only, no token. Errors use
// Graph's envelope with code BadRequest (or NotFound for an unknown control endpoint).

import { isIP } from 'node:net';
import { isoTime } from '../clock.js';
import { graphBaseUrl, type EmulatorContext } from '../context.js';
import { errorEnvelope, GraphError } from '../errors/graph-error.js';
import { show } from '../graph/body.js';
import { thumbprints } from '../identity/client-assertion.js';
import { passwordMatches } from '../identity/passwords.js';
import { issueAppToken, issueUserToken } from '../identity/tokens.js';
import { startConfig } from '../options.js';
import { seedState } from '../store/seed.js';
import { originSystems } from '../em/delivery.js';
import type { DeliveryFaultRule, OriginSystem } from '../store/state.js';
import type { Exchange, Reply } from '../server/exchange.js';
import { FaultRuleError } from '../server/faults.js';
import { applyConfig, ConfigError } from './config.js';
import { completeDeviceSignIn, DeviceSignInError, pendingDeviceCodes } from './device-sign-in.js';
import { objectsSnapshot } from './objects.js';
import { addSite, SiteError, siteJson } from './sites.js';

export interface EmulatorInfo {
  tenantId: string;
  domain: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
  caCertPath: string;
}

export function emulatorInfo(ctx: EmulatorContext): EmulatorInfo {
  return {
    tenantId: ctx.options.tenantId,
    domain: ctx.options.domain,
    clientId: ctx.options.clientId,
    clientSecret: ctx.options.clientSecret,
    authorityHost: ctx.origin,
    graphBaseUrl: graphBaseUrl(ctx),
    caCertPath: ctx.tls.caCertPath,
  };
}

/** The control plane's gate: IPv4 127/8, ::1, and their IPv4-mapped forms. */
export function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/, '');
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);

function jsonBody(exchange: Exchange): Record<string, unknown> {
  if (exchange.rawBody.length === 0) return {};
  try {
    const value: unknown = JSON.parse(exchange.rawBody.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badRequest('The body must be a JSON object.');
}

function resetEmulator(ctx: EmulatorContext): void {
  ctx.store.replace(seedState(ctx.options));
  ctx.config = startConfig(ctx.options);
  ctx.faults.clear();
  ctx.stats.clear();
  ctx.throttle.reset();
  ctx.random.reseed(ctx.options.seed);
  ctx.deviceCodes.clear();
  ctx.signInFlows.clear();
}

function clockReply(ctx: EmulatorContext): Reply {
  return ok({ now: isoTime(ctx.clock.now()), offsetMs: ctx.clock.offsetMs() });
}

const outcomes = ['deliveryFailed', 'partiallyDelivered', 'denied', 'stuck'];
/** What a rule for one kind of resource may do to it. */
const kindOutcomes = ['deliveryFailed', 'stuck'];

function deliveryFaults(body: Record<string, unknown>): DeliveryFaultRule[] {
  if (!Array.isArray(body.rules)) throw badRequest('rules must be a list');
  return body.rules.map((raw: unknown, index) => {
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof rule.outcome !== 'string' || !outcomes.includes(rule.outcome))
      throw badRequest(`rules[${index}].outcome must be one of ${outcomes.join(', ')}`);
    if (rule.requestType !== undefined && typeof rule.requestType !== 'string')
      throw badRequest(`rules[${index}].requestType must be a string`);
    const originSystem = rule.originSystem;
    if (originSystem !== undefined) {
      if (typeof originSystem !== 'string' || !originSystems.includes(originSystem as OriginSystem))
        throw badRequest(`rules[${index}].originSystem must be one of ${originSystems.join(', ')}`);
      if (!kindOutcomes.includes(rule.outcome))
        throw badRequest(
          `rules[${index}].outcome must be one of ${kindOutcomes.join(', ')} with an originSystem (the request's outcome follows from its resources)`,
        );
      if (typeof rule.requestType === 'string' && !rule.requestType.endsWith('Add'))
        throw badRequest(`rules[${index}].requestType must be an add request type with an originSystem`);
    }
    const times = rule.times ?? 1;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
      throw badRequest(`rules[${index}].times must be a positive integer`);
    return {
      outcome: rule.outcome as DeliveryFaultRule['outcome'],
      times,
      ...(typeof rule.requestType === 'string' ? { requestType: rule.requestType } : {}),
      ...(originSystem !== undefined ? { originSystem: originSystem as OriginSystem } : {}),
    };
  });
}

function mintToken(ctx: EmulatorContext, body: Record<string, unknown>): Reply {
  const expiresInSeconds = body.expiresInSeconds;
  if (expiresInSeconds !== undefined && typeof expiresInSeconds !== 'number')
    throw badRequest('expiresInSeconds must be a number');
  const overrides = {
    ...(typeof expiresInSeconds === 'number' ? { expiresInSeconds } : {}),
    ...(typeof body.audience === 'string' ? { audience: body.audience } : {}),
  };
  if (body.userId !== undefined) {
    const user = ctx.store.state.users.find((u) => u.id === body.userId && u.deletedAt === undefined);
    if (!user) throw badRequest(`No user with id ${show(body.userId)}`);
    const scopes = Array.isArray(body.scopes)
      ? body.scopes.map(String)
      : ['User.Read', 'EntitlementMgmt-SubjectAccess.ReadWrite'];
    return ok({ access_token: issueUserToken(ctx, user, scopes, overrides).accessToken });
  }
  const roles = Array.isArray(body.roles) ? body.roles.map(String) : ctx.config.permissions;
  return ok({ access_token: issueAppToken(ctx, roles, overrides).accessToken });
}

/**
 * Leak checks: which users (deleted ones included) have one of these candidate strings as their password. Passwords
 * are only stored hashed, so a test that found password-like strings in logs or histories asks here.
 */
function passwordCheck(ctx: EmulatorContext, body: Record<string, unknown>): Reply {
  const candidates = body.candidates;
  if (!Array.isArray(candidates) || candidates.length > 1000 || !candidates.every((c) => typeof c === 'string')) {
    throw badRequest('candidates must be a list of at most 1000 strings');
  }
  const matches = ctx.store.state.users
    .filter((user) => candidates.some((c) => passwordMatches(c, user.passwordHash, user.passwordSalt)))
    .map((user) => user.userPrincipalName);
  return ok({ checked: candidates.length, users: ctx.store.state.users.length, matches });
}

function route(ctx: EmulatorContext, exchange: Exchange): Reply | undefined {
  const name = exchange.path.replace(/^\/_emulator\/?/, '').replace(/\/$/, '');
  const key = `${exchange.method} ${name}`;
  switch (key) {
    case 'GET info':
      return ok(emulatorInfo(ctx));
    case 'GET objects':
      return ok(objectsSnapshot(ctx));
    case 'GET stats':
      return ok(ctx.stats.snapshot());
    case 'DELETE stats':
      ctx.stats.clear();
      return { status: 204 };
    case 'POST reset':
      resetEmulator(ctx);
      return { status: 204 };
    case 'GET clock':
      return clockReply(ctx);
    case 'POST clock': {
      const advanceMs = jsonBody(exchange).advanceMs;
      if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0)
        throw badRequest('advanceMs must be a non-negative number of milliseconds');
      ctx.store.mutate((s) => (s.clockOffsetMs += advanceMs));
      return clockReply(ctx);
    }
    case 'GET faults':
      return ok({ rules: ctx.faults.describe() });
    case 'POST faults':
      ctx.faults.set(jsonBody(exchange).rules);
      return ok({ rules: ctx.faults.describe() });
    case 'DELETE faults':
      ctx.faults.clear();
      return { status: 204 };
    case 'GET delivery-faults':
      return ok({ rules: ctx.store.state.deliveryFaults });
    case 'POST delivery-faults': {
      const rules = deliveryFaults(jsonBody(exchange));
      ctx.store.mutate((s) => (s.deliveryFaults = rules));
      return ok({ rules });
    }
    case 'DELETE delivery-faults':
      ctx.store.mutate((s) => (s.deliveryFaults = []));
      return { status: 204 };
    case 'GET sites':
      return ok({ sites: ctx.store.state.sites.map(siteJson) });
    case 'POST sites':
      return { status: 201, body: addSite(ctx, jsonBody(exchange)) };
    case 'GET config':
      return ok(ctx.config);
    case 'POST config':
      ctx.config = applyConfig(ctx.config, jsonBody(exchange));
      return ok(ctx.config);
    case 'POST tokens':
      return mintToken(ctx, jsonBody(exchange));
    case 'POST device-sign-in':
      return ok(completeDeviceSignIn(ctx, jsonBody(exchange)));
    case 'GET device-codes':
      return ok(pendingDeviceCodes(ctx));
    case 'POST password-check':
      return passwordCheck(ctx, jsonBody(exchange));
    case 'POST app-certificates': {
      const pem = jsonBody(exchange).certificatePem;
      if (typeof pem !== 'string') throw badRequest('certificatePem (a PEM certificate) is required');
      let prints: ReturnType<typeof thumbprints>;
      try {
        prints = thumbprints(pem);
      } catch {
        throw badRequest('certificatePem is not a valid PEM certificate');
      }
      ctx.store.mutate((s) => {
        s.appCertificates = [
          ...s.appCertificates.filter((c) => c.thumbprintSha256 !== prints.thumbprintSha256),
          { ...prints, certificatePem: pem },
        ];
      });
      return { status: 201, body: prints };
    }
    default:
      return undefined;
  }
}

export function serveControl(ctx: EmulatorContext, exchange: Exchange): Promise<Reply> {
  const fail = (error: GraphError): Reply => ({
    status: error.status,
    body: errorEnvelope(error, exchange.requestId, exchange.clientRequestId, Date.now()),
  });
  if (!isLoopback(exchange.remoteAddress)) {
    return Promise.resolve(
      fail(new GraphError(403, 'Forbidden', 'The emulator control plane answers loopback callers only.')),
    );
  }
  try {
    return Promise.resolve(
      route(ctx, exchange) ??
        fail(new GraphError(404, 'NotFound', `No control endpoint ${exchange.method} ${exchange.path}.`)),
    );
  } catch (error) {
    if (error instanceof GraphError) return Promise.resolve(fail(error));
    if (error instanceof DeviceSignInError)
      return Promise.resolve(
        fail(new GraphError(error.status, error.status === 404 ? 'NotFound' : 'BadRequest', error.message)),
      );
    if (error instanceof FaultRuleError || error instanceof ConfigError || error instanceof SiteError)
      return Promise.resolve(fail(badRequest(error.message)));
    throw error;
  }
}
