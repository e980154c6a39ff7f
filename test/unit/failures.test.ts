// The failure classifier: what is retried (and after how long), what is final, and what the operator is told.

import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { classifyGraphFailure, replicationLagWindowMs, visibilityRetryDelayMs } from '../../activities/failures.js';
import { FailureType, finalFailureTypes } from '../../common/failure-types.js';

const nonRetryableFailureTypes = finalFailureTypes('forward');

function graphError(status: number, code: string, headers: Record<string, string> = {}, message = 'Graph said no.') {
  const error = new GraphError(status, message);
  error.code = code;
  error.requestId = 'req-123';
  error.headers = new Headers(headers);
  error.body = JSON.stringify({ code, message });
  return error;
}

const op = { description: 'create user alice@contoso.com', call: 'POST /v1.0/users' } as const;
const young = { ageMs: 1000, attempt: 1 };

describe('classifyGraphFailure', () => {
  it('retries 429 after Retry-After', () => {
    const failure = classifyGraphFailure(graphError(429, 'TooManyRequests', { 'retry-after': '7' }), op, young);
    expect(failure.type).toBe(FailureType.Throttled);
    expect(nonRetryableFailureTypes).not.toContain(failure.type);
    expect(failure.nextRetryDelay).toBe(7000);
  });

  it.each([500, 502, 503, 504])('retries %i', (status) => {
    const failure = classifyGraphFailure(graphError(status, 'serviceNotAvailable'), op, young);
    expect(failure.type).toBe(FailureType.Unavailable);
    expect(nonRetryableFailureTypes).not.toContain(failure.type);
  });

  it('retries network errors', () => {
    const network = new GraphError(-1, '', new TypeError('fetch failed'));
    network.code = 'TypeError';
    expect(classifyGraphFailure(network, op, young).type).toBe(FailureType.Network);
  });

  it('retries a 404 for a just-created object, sooner than the default backoff, within the lag window only', () => {
    const lagging = { ...op, mayLag: true };
    const early = classifyGraphFailure(graphError(404, 'Request_ResourceNotFound'), lagging, {
      ageMs: 2000,
      attempt: 2,
    });
    expect(early.type).toBe(FailureType.ReplicationLag);
    expect(early.nextRetryDelay).toBe(visibilityRetryDelayMs(2));
    const late = classifyGraphFailure(graphError(404, 'Request_ResourceNotFound'), lagging, {
      ageMs: replicationLagWindowMs + 1,
      attempt: 9,
    });
    expect(late.type).toBe(FailureType.NotFound);
    expect(nonRetryableFailureTypes).toContain(late.type);
  });

  it('does not treat a 404 as lag where no just-created object is involved', () => {
    expect(classifyGraphFailure(graphError(404, 'Request_ResourceNotFound'), op, young).type).toBe(
      FailureType.NotFound,
    );
  });

  it('makes missing permissions final and names the permission to grant', () => {
    const failure = classifyGraphFailure(graphError(403, 'Authorization_RequestDenied'), op, young);
    expect(failure.type).toBe(FailureType.PermissionDenied);
    expect(nonRetryableFailureTypes).toContain(failure.type);
    expect(failure.message).toMatch(/User\.ReadWrite\.All/);
  });

  it('reads CallerNotResourceOwner as a missing Group.ReadWrite.All', () => {
    const failure = classifyGraphFailure(graphError(400, 'CallerNotResourceOwner'), op, young);
    expect(failure.type).toBe(FailureType.PermissionDenied);
    expect(failure.message).toMatch(/Group\.ReadWrite\.All/);
  });

  it('makes bad requests and conflicts final, naming the code, the request-id and what to do', () => {
    const bad = classifyGraphFailure(
      graphError(400, 'Request_BadRequest', {}, "Invalid value for 'userPrincipalName'."),
      op,
      young,
    );
    expect(bad.type).toBe(FailureType.BadRequest);
    expect(bad.message).toBe(
      "Graph: create user alice@contoso.com failed: HTTP 400 Request_BadRequest (request-id req-123): Invalid value for 'userPrincipalName'. Graph rejected the request: fix the value it names.",
    );
    expect(classifyGraphFailure(graphError(409, 'Conflict'), op, young).type).toBe(FailureType.Conflict);
  });

  it('makes a refused credential final and points at the settings', () => {
    const auth = new GraphError(-1, '', new Error('AADSTS7000215: Invalid client secret provided.'));
    auth.code = 'AuthenticationError';
    const failure = classifyGraphFailure(auth, op, young);
    expect(failure.type).toBe(FailureType.AuthenticationFailed);
    expect(failure.message).toMatch(/AZURE_CLIENT_ID/);
  });
});

describe('the retry table', () => {
  it('retries throttling, outages, network errors and replication lag everywhere', () => {
    for (const type of [
      FailureType.Throttled,
      FailureType.Unavailable,
      FailureType.Network,
      FailureType.ReplicationLag,
      FailureType.NotYetVisible,
    ]) {
      expect(finalFailureTypes('forward')).not.toContain(type);
      expect(finalFailureTypes('undo')).not.toContain(type);
    }
  });
  it('stops a forward step at a refusal, but lets an undo retry what Entra clears by itself', () => {
    for (const type of [FailureType.BadRequest, FailureType.Conflict, FailureType.NotFound]) {
      expect(finalFailureTypes('forward')).toContain(type);
      expect(finalFailureTypes('undo')).not.toContain(type);
    }
  });
  it('stops both at a missing permission or credential', () => {
    for (const type of [FailureType.PermissionDenied, FailureType.AuthenticationFailed]) {
      expect(finalFailureTypes('forward')).toContain(type);
      expect(finalFailureTypes('undo')).toContain(type);
    }
  });
});
