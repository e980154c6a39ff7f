// A Graph call, in the order the stages run:
//   resolve route (no error yet) → authenticate (401) → scripted faults → throttle (429) → latency
//   → route errors (400 unknown segment / 405) → authorize (403) → handler.
// Every failure is a GraphError; the listener writes it in Graph's envelope. A fired fault may skip the stages after
// it, or let them run and replace their answer (see faults.ts); it also tells the listener how long to hold the
// answer. Nothing here watches the client's socket: once received, a call runs to the end, as on a real server.

import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from '../context.js';
import { GraphError } from '../errors/graph-error.js';
import { defaultCodeForStatus, graphErrors } from '../errors/graph-errors.js';
import { authenticate } from '../identity/authenticate.js';
import type { Caller } from '../identity/caller.js';
import { parseQuery } from '../odata/query.js';
import type { GraphCall, RouteDefinition } from '../graph/route.js';
import type { RouteResolution, Router } from '../graph/router.js';
import { header, type Exchange, type Reply } from './exchange.js';

function authorize(caller: Caller, route: RouteDefinition): void {
  const allowed = caller.kind === 'app' ? route.permissions.app : route.permissions.delegated;
  if (!allowed.some((p) => caller.permissions.has(p))) throw graphErrors.insufficientPrivileges();
}

function parseJsonBody(exchange: Exchange): unknown {
  if (exchange.rawBody.length === 0) return undefined;
  try {
    return JSON.parse(exchange.rawBody.toString('utf8'));
  } catch {
    throw graphErrors.invalidJson();
  }
}

export async function serveGraph(
  ctx: EmulatorContext,
  router: Router,
  exchange: Exchange,
  setRouteKey: (key: string) => void,
): Promise<Reply> {
  const resolution = router.resolve(exchange.method, exchange.url.pathname);
  const template = resolution.ok ? resolution.route.template : resolution.template;
  setRouteKey(template ? `${exchange.method} ${template}` : `${exchange.method} (unmatched)`);

  const caller = authenticate(ctx, header(exchange, 'authorization'));

  const fault = await ctx.faults.apply(exchange.method, exchange.url.pathname, exchange.rawBody.toString('utf8'));
  if (fault) {
    ctx.stats.countFault();
    exchange.answerDelayMs = fault.answerDelayMs;
  }
  if (!fault?.error) return handleCall(ctx, exchange, resolution, caller);
  if (fault.handled) {
    // Applied, then answered an error: the call's own answer, success or Graph error, is dropped.
    await handleCall(ctx, exchange, resolution, caller).catch((error: unknown) => {
      if (!(error instanceof GraphError)) throw error;
    });
  }
  const { status, code, message, retryAfterSeconds } = fault.error;
  const headers: Record<string, string> =
    retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {};
  throw graphErrors.injected(
    status,
    code ?? defaultCodeForStatus(status),
    message ?? 'Fault injected by the Graph emulator.',
    headers,
  );
}

/** The stages after the faults: throttle → latency → route errors → authorize → handler. */
async function handleCall(
  ctx: EmulatorContext,
  exchange: Exchange,
  resolution: RouteResolution,
  caller: Caller,
): Promise<Reply> {
  const search = exchange.url.searchParams;
  const decision = ctx.throttle.charge(
    caller.appId,
    caller.tenantId,
    exchange.method,
    resolution.ok ? (resolution.route.cost ?? 1) : 1,
    search.has('$expand'),
    search.has('$select'),
  );
  const throttleHeaders: Record<string, string> = { 'x-ms-resource-unit': String(decision.cost) };
  if (decision.usage >= 0.8) throttleHeaders['x-ms-throttle-limit-percentage'] = decision.usage.toFixed(1);
  if (!decision.allowed) {
    ctx.stats.countThrottled();
    throw graphErrors.tooManyRequests(decision.retryAfterSeconds, {
      ...throttleHeaders,
      'x-ms-throttle-scope': `Tenant_Application/${decision.kind === 'read' ? 'Read' : 'Write'}/${caller.appId}/${caller.tenantId}`,
      'x-ms-throttle-information': decision.kind === 'read' ? 'ResourceUnitLimitExceeded' : 'WriteLimitExceeded',
    });
  }

  if (ctx.config.latencyMs > 0) await sleep(ctx.config.latencyMs);

  if (!resolution.ok) throw resolution.error;
  authorize(caller, resolution.route);

  let body: { value: unknown } | undefined;
  const call: GraphCall = {
    ctx,
    exchange,
    params: resolution.params,
    caller,
    now: ctx.clock.now(),
    body: () => (body ??= { value: parseJsonBody(exchange) }).value,
    query: (support) => parseQuery(exchange.url, support),
  };
  try {
    const reply = await resolution.route.handler(call);
    return { ...reply, headers: { ...throttleHeaders, ...reply.headers } };
  } catch (error) {
    if (error instanceof GraphError)
      throw new GraphError(error.status, error.code, error.message, {
        ...error.extra,
        headers: { ...throttleHeaders, ...error.extra.headers },
      });
    throw error;
  }
}
