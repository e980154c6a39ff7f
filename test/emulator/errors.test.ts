// Graph's error envelope and the request-level errors: unknown routes, methods, bodies and query options.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- Graph responses are untyped JSON; the tests assert their shape. */

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { graphScope, startHarness, type EmulatorHarness } from './support/harness.js';
import { em, graphFailure, type Json } from './support/steps.js';

let h: EmulatorHarness;
let auth: string;
beforeAll(async () => {
  h = await startHarness();
  auth = `Bearer ${(await h.appCredential().getToken(graphScope)).token}`;
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

async function call(path: string, init: RequestInit = {}): Promise<{ response: Response; error: Json }> {
  const response = await h.fetch(path, {
    ...init,
    headers: { Authorization: auth, ...(init.headers as Record<string, string> | undefined) },
  });
  return { response, error: ((await response.json()) as Json).error };
}

describe('the error envelope', () => {
  test('carries code, message and innerError {date, request-id, client-request-id}, and echoes both ids as headers', async () => {
    const { response, error } = await call('/v1.0/users/0b9c2f7e-0000-4000-8000-000000000000', {
      headers: { 'client-request-id': 'my-correlation-id' },
    });
    expect(response.headers.get('client-request-id')).toBe('my-correlation-id');
    const requestId = response.headers.get('request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(error)).toEqual(['code', 'message', 'innerError']);
    expect(error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
      'request-id': requestId,
      'client-request-id': 'my-correlation-id',
    });
  });

  test('without a client-request-id, it equals the request-id', async () => {
    const { response, error } = await call('/v1.0/users/0b9c2f7e-0000-4000-8000-000000000000');
    expect(response.headers.get('client-request-id')).toBe(response.headers.get('request-id'));
    expect(error.innerError['client-request-id']).toBe(response.headers.get('request-id'));
  });

  test('successful responses carry request-id too; the Graph client surfaces it on errors', async () => {
    const ok = await h.fetch('/v1.0/domains', { headers: { Authorization: auth } });
    expect(ok.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const error = await graphFailure(h.graph().api('/users/0b9c2f7e-0000-4000-8000-000000000000').get());
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('routes and methods', () => {
  test.each([
    ['/v1.0/widgets', 'widgets'],
    ['/v1.0/users/0b9c2f7e-0000-4000-8000-000000000000/widgets', 'widgets'],
    [`/v1.0${em}/widgets`, 'widgets'],
  ])('%s: 400 "Resource not found for the segment"', async (path, segment) => {
    const { response, error } = await call(path);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'BadRequest', message: `Resource not found for the segment '${segment}'.` });
  });

  test('a version other than v1.0 is refused', async () => {
    const { response, error } = await call('/beta/users');
    expect(response.status).toBe(400);
    expect(error.message).toBe('Invalid version: beta');
  });

  test('an unsupported method on a known path is 405', async () => {
    const { response, error } = await call('/v1.0/domains', {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(405);
    expect(error.code).toBe('Request_BadRequest');
  });

  test('a malformed JSON body is 400', async () => {
    const { response, error } = await call('/v1.0/users', {
      method: 'POST',
      body: '{"displayName":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(error.message).toMatch(/^Unable to read JSON request payload/);
  });

  test('an unknown id in entitlement management is 404 ResourceNotFound', async () => {
    for (const path of [
      'accessPackages',
      'assignmentPolicies',
      'assignmentRequests',
      'assignments',
      'resourceRequests',
    ]) {
      const error = await graphFailure(h.graph().api(`${em}/${path}/0b9c2f7e-0000-4000-8000-000000000000`).get());
      expect([error.statusCode, error.envelope.code]).toEqual([404, 'ResourceNotFound']);
    }
  });
});

describe('query options', () => {
  test.each([
    'displayName eq',
    "displayName eq 'unterminated",
    "(displayName eq 'a'",
    "displayName xx 'a'",
    'startswith(displayName)',
  ])('malformed $filter %j is 400 Invalid filter clause', async (filter) => {
    const error = await graphFailure(h.graph().api('/users').filter(filter).get());
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/^Invalid filter clause: Syntax error/),
    });
  });

  test('$filter on an entitlement-management property it does not support is 400', async () => {
    const error = await graphFailure(h.graph().api(`${em}/accessPackages`).filter("colour eq 'red'").get());
    expect(error.envelope.message).toBe(
      "Invalid filter clause: Could not find a property named 'colour' on type 'microsoft.graph.accessPackage'.",
    );
  });

  test('an unknown $expand is 400, even on an empty list', async () => {
    const error = await graphFailure(h.graph().api(`${em}/accessPackages`).expand('owners').get());
    expect(error.envelope.message).toBe(
      "Parsing OData Select and Expand failed: Could not find a property named 'owners' on type 'microsoft.graph.accessPackage'.",
    );
  });

  test('an unknown system query option is 400', async () => {
    const { response, error } = await call('/v1.0/users?$frobnicate=1');
    expect(response.status).toBe(400);
    expect(error.message).toMatch(/^Query option '\$frobnicate' is not allowed/);
  });

  test('a forged $skiptoken is 400', async () => {
    const { response } = await call('/v1.0/users?$skiptoken=bogus');
    expect(response.status).toBe(400);
  });
});
