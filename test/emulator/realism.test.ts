// The realism knobs: replication lag, throttling, scripted faults, latency.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { graphScope, startHarness, type EmulatorHarness } from './support/harness.js';
import {
  addGroupToCatalog,
  addRoleScope,
  createGroup,
  createPackage,
  createPolicy,
  createUser,
  em,
  generalCatalog,
  graphFailure,
  type Json,
} from './support/steps.js';

let h: EmulatorHarness;
beforeAll(async () => {
  h = await startHarness({ deliveryDelayMs: 0 });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

const lagMs = 5000;
const advance = (ms: number) => h.control.post('clock', { advanceMs: ms });
const noRetry = [new RetryHandlerOptions(0, 0)];

async function bearer(): Promise<string> {
  return `Bearer ${(await h.appCredential().getToken(graphScope)).token}`;
}

describe('replication lag', () => {
  beforeEach(async () => {
    await h.control.post('config', { consistencyLagMs: lagMs });
  });

  test('a new group is in the write response but invisible to GET and lists until the lag passes', async () => {
    const group = await createGroup(h.graph());
    expect(group.id).toBeDefined();
    expect((await graphFailure(h.graph().api(`/groups/${group.id}`).get())).envelope.code).toBe(
      'Request_ResourceNotFound',
    );
    expect((await h.graph().api('/groups').filter(`id eq '${group.id}'`).get()).value).toEqual([]);
    await advance(lagMs);
    expect((await h.graph().api(`/groups/${group.id}`).get()).id).toBe(group.id);
  });

  test('a resource request naming a just-created group fails until the group has replicated', async () => {
    const group = await createGroup(h.graph());
    const catalog = await generalCatalog(h.graph());
    expect((await graphFailure(addGroupToCatalog(h.graph(), catalog.id, group.id))).statusCode).toBe(404);
    await advance(lagMs);
    expect((await addGroupToCatalog(h.graph(), catalog.id, group.id)).state).toBe('delivered');
  });

  test('a just-added catalog resource and its roles are not yet listed nor usable in a role scope', async () => {
    const group = await createGroup(h.graph());
    await advance(lagMs);
    const catalog = await generalCatalog(h.graph());
    await addGroupToCatalog(h.graph(), catalog.id, group.id);
    expect((await h.graph().api(`${em}/catalogs/${catalog.id}/resources`).get()).value).toEqual([]);
    const pkg = await createPackage(h.graph(), catalog.id);
    await advance(lagMs);
    const [resource] = (await h.graph().api(`${em}/catalogs/${catalog.id}/resources`).expand('roles,scopes').get())
      .value;
    const role = resource.roles.find((r: Json) => r.displayName === 'Member');
    expect((await addRoleScope(h.graph(), pkg.id, role, resource.scopes[0], resource.id)).id).toBe(
      `${role.id}_${resource.scopes[0].id}`,
    );
  });

  test('a policy naming a just-created user fails until the user has replicated', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    await advance(lagMs);
    const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
    const fresh = await createUser(h.graph(), h.info.domain);
    expect((await graphFailure(createPolicy(h.graph(), pkg.id, fresh.id))).statusCode).toBe(404);
    await advance(lagMs);
    expect((await createPolicy(h.graph(), pkg.id, user.id)).id).toBeDefined();
  });

  test('uniqueness is enforced even against objects not yet visible', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const error = await graphFailure(
      createUser(h.graph(), h.info.domain, { userPrincipalName: user.userPrincipalName }),
    );
    expect(error.envelope.details).toEqual([expect.objectContaining({ code: 'ObjectConflict' })]);
  });

  test('the leak check sees objects that are still replicating', async () => {
    await createGroup(h.graph());
    expect((await h.control.get<Json>('objects')).groups).toHaveLength(1);
  });
});

describe('throttling', () => {
  test('reads beyond the scaled bucket get 429 with Retry-After and the throttle headers', async () => {
    await h.control.post('config', { throttleScale: 0.001 }); // 3.5 read units per 10 s
    const auth = await bearer();
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await h.fetch('/v1.0/domains', { headers: { Authorization: auth } });
      statuses.push(response.status);
      if (response.status === 429) throttled ??= response;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled!.headers.get('x-ms-throttle-scope')).toBe(
      `Tenant_Application/Read/${h.info.clientId}/${h.info.tenantId}`,
    );
    expect(throttled!.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
    expect(((await throttled!.json()) as Json).error.code).toBe('TooManyRequests');
    const stats = await h.control.get<Json>('stats');
    expect(stats.throttled).toBe(2);
    expect(stats.routes['GET /v1.0/domains']).toEqual({ 200: 3, 429: 2 });
  });

  test('writes have their own, smaller bucket', async () => {
    await h.control.post('config', { throttleScale: 0.001 }); // 3 writes per 150 s
    for (let i = 0; i < 3; i++) await createGroup(h.graph());
    const error = await graphFailure(
      h
        .graph()
        .api('/groups')
        .middlewareOptions(noRetry)
        .post({ displayName: 'G', mailEnabled: false, mailNickname: 'g', securityEnabled: true }),
    );
    expect(error.statusCode).toBe(429);
    expect(error.headers?.get('x-ms-throttle-information')).toBe('WriteLimitExceeded');
    expect((await h.graph().api('/domains').get()).value).toHaveLength(2);
  });

  test('the resource cost follows the documented rules (members 3, $expand +1, $select -1)', async () => {
    const auth = await bearer();
    const group = await createGroup(h.graph());
    const unit = async (path: string) =>
      (await h.fetch(path, { headers: { Authorization: auth } })).headers.get('x-ms-resource-unit');
    expect(await unit('/v1.0/users')).toBe('1');
    expect(await unit(`/v1.0/groups/${group.id}/members`)).toBe('3');
    expect(await unit(`/v1.0/groups/${group.id}/members?$select=id`)).toBe('2');
    expect(await unit(`/v1.0${em}/accessPackages?$expand=catalog`)).toBe('2');
  });

  test('x-ms-throttle-limit-percentage appears once 80% of the bucket is used', async () => {
    await h.control.post('config', { throttleScale: 0.002 }); // 7 read units
    const auth = await bearer();
    const percentages: (string | null)[] = [];
    for (let i = 0; i < 6; i++)
      percentages.push(
        (await h.fetch('/v1.0/users', { headers: { Authorization: auth } })).headers.get(
          'x-ms-throttle-limit-percentage',
        ),
      );
    expect(percentages.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(Number(percentages[5])).toBeGreaterThanOrEqual(0.8);
  });

  test('throttleScale 0 disables throttling', async () => {
    await h.control.post('config', { throttleScale: 0 });
    const auth = await bearer();
    for (let i = 0; i < 20; i++)
      expect((await h.fetch('/v1.0/domains', { headers: { Authorization: auth } })).status).toBe(200);
  });
});

describe('scripted faults', () => {
  test('a rule fires `times` times on matching calls, with its status, code, message and Retry-After', async () => {
    await h.control.post('faults', {
      rules: [
        {
          method: 'POST',
          path: '/v1.0/users$',
          status: 503,
          code: 'serviceNotAvailable',
          message: 'Try later',
          retryAfterSeconds: 7,
          times: 2,
        },
      ],
    });
    const body = {
      accountEnabled: true,
      displayName: 'A',
      mailNickname: 'a',
      userPrincipalName: `a@${h.info.domain}`,
      passwordProfile: { password: 'Contoso1234!' },
    };
    for (let i = 0; i < 2; i++) {
      const error = await graphFailure(h.graph().api('/users').middlewareOptions(noRetry).post(body));
      expect(error.statusCode).toBe(503);
      expect(error.envelope).toMatchObject({
        code: 'serviceNotAvailable',
        message: 'Try later',
        innerError: { 'request-id': expect.any(String) },
      });
      expect(error.headers?.get('retry-after')).toBe('7');
    }
    expect((await h.graph().api('/users').middlewareOptions(noRetry).post(body)).displayName).toBe('A');
    expect((await h.graph().api('/users').get()).value).toHaveLength(1);
    expect((await h.control.get<Json>('faults')).rules).toEqual([expect.objectContaining({ remaining: 0, fired: 2 })]);
    expect((await h.control.get<Json>('stats')).faultsInjected).toBe(2);
  });

  test('rules match on method and path: other calls pass', async () => {
    await h.control.post('faults', { rules: [{ method: 'POST', path: '/groups', status: 500 }] });
    expect((await h.graph().api('/groups').get()).value).toEqual([]);
    const error = await graphFailure(createGroup(h.graph()));
    expect(error.statusCode).toBe(500);
    expect(error.envelope.code).toBe('generalException');
  });

  test('the official client retries an injected 429 honouring Retry-After, then succeeds', async () => {
    await h.control.post('faults', {
      rules: [{ path: '/v1.0/domains$', status: 429, retryAfterSeconds: 0, times: 2 }],
    });
    expect((await h.graph().api('/domains').get()).value).toHaveLength(2);
    expect((await h.control.get<Json>('stats')).routes['GET /v1.0/domains']).toEqual({ 200: 1, 429: 2 });
  });

  test('probabilities draw from the seeded RNG: after a reset the same calls fault identically', async () => {
    const run = async () => {
      await h.control.post('faults', { rules: [{ path: '/v1.0/domains$', status: 500, probability: 0.5 }] });
      const auth = await bearer();
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++)
        statuses.push((await h.fetch('/v1.0/domains', { headers: { Authorization: auth } })).status);
      return statuses;
    };
    const first = await run();
    await h.reset();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(500);
  });

  test('a rule with a status below 400 only delays the call', async () => {
    await h.control.post('faults', { rules: [{ path: '/v1.0/domains$', status: 200, delayMs: 300, times: 1 }] });
    const started = performance.now();
    expect((await h.graph().api('/domains').get()).value).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('faults apply to the token endpoint too', async () => {
    await h.control.post('faults', { rules: [{ path: '/oauth2/v2.0/token$', status: 503, times: 1 }] });
    const response = await h.fetch(`/${h.info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: h.info.clientId,
        client_secret: h.info.clientSecret,
        scope: graphScope,
      }).toString(),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as Json).error).toBe('server_error');
  });

  test('DELETE faults clears every rule', async () => {
    await h.control.post('faults', { rules: [{ path: '.*', status: 500 }] });
    await h.control.delete('faults');
    expect((await h.graph().api('/domains').get()).value).toHaveLength(2);
  });

  test('an invalid rule is refused naming the field', async () => {
    const response = await h.control.request('POST', 'faults', { rules: [{ path: '(', status: 500 }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toMatch(
      /^rules\[0\]\.path is not a valid regular expression/,
    );
    const missing = await h.control.request('POST', 'faults', { rules: [{ path: '/users' }] });
    expect(((await missing.json()) as Json).error.message).toBe('rules[0].status must be an HTTP status code');
  });
});

describe('latency', () => {
  test('latencyMs is added to every Graph call', async () => {
    await h.graph().api('/domains').get();
    await h.control.post('config', { latencyMs: 250 });
    const client = h.graph();
    await client.api('/domains').get();
    const started = performance.now();
    await client.api('/domains').get();
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });
});
