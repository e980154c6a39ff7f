// Scripted faults that apply a write and answer late, or answer an error after applying it — as Graph sometimes
// does — and clients that give up on a call the emulator has already received.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { setTimeout as sleep } from 'node:timers/promises';
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { graphScope, useHarness } from './support/harness.js';
import { graphFailure, unique, type Json } from './support/steps.js';

const h = useHarness();
const noRetry = [new RetryHandlerOptions(0, 0)];
const groupsRule = { method: 'POST', path: '/v1.0/groups$', times: 1 };

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error');
});
afterEach(() => {
  // Nothing the emulator did while its clients went away was an unexpected failure.
  expect(consoleError).not.toHaveBeenCalled();
  consoleError.mockRestore();
});

function groupBody(): Json {
  const mailNickname = unique('lateanswer');
  return { displayName: `Late answer ${mailNickname}`, mailEnabled: false, mailNickname, securityEnabled: true };
}

/** POST /v1.0/groups over plain fetch, so the test sees the status and can give up after `abortAfterMs`. */
async function postGroup(body: Json, abortAfterMs?: number): Promise<Response> {
  const token = (await h.appCredential().getToken(graphScope)).token;
  const signal = abortAfterMs === undefined ? {} : { signal: AbortSignal.timeout(abortAfterMs) };
  return h.fetch('/v1.0/groups', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    ...signal,
  });
}

async function groupIn(mailNickname: string): Promise<Json | undefined> {
  return ((await h.control.get<Json>('objects')).groups as Json[]).find((g) => g.mailNickname === mailNickname);
}

async function eventuallyGroup(mailNickname: string, timeoutMs: number): Promise<Json | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const group = await groupIn(mailNickname);
    if (group || performance.now() > deadline) return group;
    await sleep(50);
  }
}

describe('late answers (answerDelayMs)', () => {
  test('the write lands at once and its own answer comes answerDelayMs later', async () => {
    await h.control.post('faults', { rules: [{ ...groupsRule, status: 200, answerDelayMs: 1500 }] });
    const body = groupBody();
    const started = performance.now();
    let answeredAt: number | undefined;
    const answer = postGroup(body).then((response) => ((answeredAt = performance.now()), response));

    const group = await eventuallyGroup(body.mailNickname, 1000);
    expect(group).toMatchObject({ displayName: body.displayName });
    expect(answeredAt).toBeUndefined();
    const stats = await h.control.get<Json>('stats');
    expect(stats.routes['POST /v1.0/groups']).toEqual({ 201: 1 });
    expect(stats.faultsInjected).toBe(1);

    const response = await answer;
    expect(answeredAt! - started).toBeGreaterThanOrEqual(1490);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: group!.id, mailNickname: body.mailNickname });
  });

  test('a client that aborts while the answer is held back still leaves the write in place', async () => {
    await h.control.post('faults', { rules: [{ ...groupsRule, status: 200, answerDelayMs: 1000 }] });
    const body = groupBody();
    await expect(postGroup(body, 200)).rejects.toThrow();
    expect(await groupIn(body.mailNickname)).toBeDefined();

    await sleep(1000); // the held answer now meets a closed socket
    const response = await postGroup(groupBody());
    expect(response.status).toBe(201);
    expect((await h.control.get<Json>('stats')).routes['POST /v1.0/groups']).toEqual({ 201: 2 });
  });
});

describe('delays before handling (delayMs)', () => {
  test('a client that aborts during the delay still gets its write, once the delay is over', async () => {
    await h.control.post('faults', { rules: [{ ...groupsRule, status: 200, delayMs: 1000 }] });
    const body = groupBody();
    await expect(postGroup(body, 200)).rejects.toThrow();
    expect(await groupIn(body.mailNickname)).toBeUndefined();

    expect(await eventuallyGroup(body.mailNickname, 3000)).toMatchObject({ displayName: body.displayName });
    expect((await postGroup(groupBody())).status).toBe(201);
  });
});

describe('errors after applying (applied)', () => {
  test("the client gets the error in Graph's envelope, and the group exists", async () => {
    await h.control.post('faults', { rules: [{ ...groupsRule, status: 503, applied: true, retryAfterSeconds: 3 }] });
    const body = groupBody();
    const error = await graphFailure(h.graph().api('/groups').middlewareOptions(noRetry).post(body));
    expect(error.statusCode).toBe(503);
    expect(error.envelope).toMatchObject({
      code: 'serviceNotAvailable',
      message: 'Fault injected by the Graph emulator.',
      innerError: { 'request-id': expect.any(String) },
    });
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(await groupIn(body.mailNickname)).toMatchObject({ displayName: body.displayName });
    const stats = await h.control.get<Json>('stats');
    expect(stats.routes['POST /v1.0/groups']).toEqual({ 503: 1 });
    expect(stats.faultsInjected).toBe(1);
  });

  test('with answerDelayMs, the write lands at once and the error comes late', async () => {
    await h.control.post('faults', {
      rules: [{ ...groupsRule, status: 504, code: 'GatewayTimeout', applied: true, answerDelayMs: 800 }],
    });
    const body = groupBody();
    const started = performance.now();
    const answer = postGroup(body);
    expect(await eventuallyGroup(body.mailNickname, 600)).toBeDefined();
    const response = await answer;
    expect(performance.now() - started).toBeGreaterThanOrEqual(790);
    expect(response.status).toBe(504);
    expect(((await response.json()) as Json).error.code).toBe('GatewayTimeout');
  });

  test('without applied, an error status still means the call had no effect', async () => {
    await h.control.post('faults', { rules: [{ ...groupsRule, status: 503 }] });
    const body = groupBody();
    expect((await postGroup(body)).status).toBe(503);
    expect(await groupIn(body.mailNickname)).toBeUndefined();
  });
});

describe('validation', () => {
  test.each([
    [{ answerDelayMs: -1 }, /^rules\[0\]\.answerDelayMs must be a non-negative number/],
    [{ answerDelayMs: '1000' }, /^rules\[0\]\.answerDelayMs must be a non-negative number/],
    [{ applied: 'yes' }, /^rules\[0\]\.applied must be a boolean/],
    [{ status: 200, applied: true }, /^rules\[0\]\.applied needs an error status/],
  ])('%j is refused, naming the field', async (fields, message) => {
    const response = await h.control.request('POST', 'faults', {
      rules: [{ path: '/v1.0/groups$', status: 503, ...fields }],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error).toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(message),
    });
  });
});
