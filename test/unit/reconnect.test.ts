// How the CLI reads a gRPC status (a Temporal that cannot be reached is waited for; an answer of Temporal's, even an
// error, is not) and how it reads its reconnect timeout.

import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../../client/exit-codes.js';
import { defaultReconnectTimeoutSeconds, reconnectTimeoutSeconds } from '../../client/reconnect-timeout.js';
import { readStatus } from '../../client/reconnect.js';

const history = '/temporal.api.workflowservice.v1.WorkflowService/GetWorkflowExecutionHistory';
const query = '/temporal.api.workflowservice.v1.WorkflowService/QueryWorkflow';

describe('readStatus', () => {
  it.each([
    ['UNAVAILABLE, a connection dropped by a restart', status.UNAVAILABLE, 'Connection dropped', 'unreachable'],
    ['UNAVAILABLE, refused', status.UNAVAILABLE, 'No connection established. connect ECONNREFUSED', 'unreachable'],
    ['UNAVAILABLE from a frontend starting', status.UNAVAILABLE, 'Frontend is not healthy yet', 'unreachable'],
    ['DEADLINE_EXCEEDED from the server', status.DEADLINE_EXCEEDED, 'context deadline exceeded', 'unreachable'],
    ['CANCELLED by the server going away', status.CANCELLED, 'context canceled', 'unreachable'],
    [
      'an HTTP/2 stream reset',
      status.INTERNAL,
      'Received RST_STREAM with code 2 (Internal server error)',
      'unreachable',
    ],
    ['a TLS alert', status.INTERNAL, 'Received RST_STREAM with code 2 triggered by SSL alert number 42', 'answered'],
    ['OK', status.OK, '', 'answered'],
    ['NOT_FOUND', status.NOT_FOUND, 'workflow not found for ID: x', 'answered'],
    ['INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'invalid query', 'answered'],
    ['ALREADY_EXISTS', status.ALREADY_EXISTS, 'Workflow execution is already running', 'answered'],
    ['PERMISSION_DENIED', status.PERMISSION_DENIED, 'Request unauthorized', 'answered'],
    ['UNAUTHENTICATED', status.UNAUTHENTICATED, 'bad API key', 'answered'],
    ['FAILED_PRECONDITION', status.FAILED_PRECONDITION, 'namespace not active', 'answered'],
    ['RESOURCE_EXHAUSTED (rate limited)', status.RESOURCE_EXHAUSTED, 'namespace rate limit exceeded', 'busy'],
  ] as const)('%s: %s', (_name, code, details, reading) => {
    expect(readStatus({ code, details }, history, false)).toBe(reading);
  });

  it('a query the server gave up on has been answered (no worker in time), not lost', () => {
    expect(readStatus({ code: status.DEADLINE_EXCEEDED, details: 'deadline exceeded' }, query, false)).toBe('answered');
  });

  it("the caller's own deadline or cancellation says nothing about Temporal", () => {
    expect(readStatus({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, history, true)).toBe('expired');
    expect(readStatus({ code: status.CANCELLED, details: 'Cancelled on client' }, history, false)).toBe('expired');
  });
});

function refusal(read: () => unknown): CliError {
  try {
    read();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('reconnectTimeoutSeconds', () => {
  it('defaults to 5 minutes; the variable sets it, the flag overrides the variable', () => {
    expect(defaultReconnectTimeoutSeconds).toBe(300);
    expect(reconnectTimeoutSeconds(undefined, {})).toBe(300);
    expect(reconnectTimeoutSeconds(undefined, { ENTRA_SAGA_RECONNECT_TIMEOUT: ' 60 ' })).toBe(60);
    expect(reconnectTimeoutSeconds('0', { ENTRA_SAGA_RECONNECT_TIMEOUT: '60' })).toBe(0);
  });

  it.each(['', '-1', '1.5', '5m', '86401', 'x'.repeat(100)])('refuses the flag %j as bad input', (value) => {
    const error = refusal(() => reconnectTimeoutSeconds(value, {}));
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.message).toMatch(/^--reconnect-timeout must be a whole number of seconds from 0 to 86400 \(got "/);
  });

  it('refuses a bad variable as a wrong connection setting (exit 3)', () => {
    const error = refusal(() => reconnectTimeoutSeconds(undefined, { ENTRA_SAGA_RECONNECT_TIMEOUT: 'soon' }));
    expect(error.exitCode).toBe(ExitCode.CannotConnect);
    expect(error.message).toMatch(/^ENTRA_SAGA_RECONNECT_TIMEOUT must be a whole number of seconds from 0 to 86400/);
  });
});
