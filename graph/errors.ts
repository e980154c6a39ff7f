// Reads what a failed Graph call tells us: HTTP status, Graph error code, request-id and Retry-After. Works on the
// GraphError of @microsoft/microsoft-graph-client, on @azure/identity's errors and on network errors.

import { GraphError } from '@microsoft/microsoft-graph-client';

export interface GraphFailure {
  kind: 'http' | 'network' | 'authentication';
  /** HTTP status; 0 when there was no response. */
  status: number;
  /** Graph's error code (e.g. Request_ResourceNotFound), or the error name for non-HTTP failures. */
  code: string;
  message: string;
  requestId?: string;
  /** From Retry-After, in seconds. */
  retryAfterSeconds?: number;
}

const authenticationErrorNames = new Set([
  'AuthenticationError',
  'CredentialUnavailableError',
  'AuthenticationRequiredError',
]);

function retryAfter(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The error's own name, or that of the error it wraps. */
function innerName(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.name : error.name;
}

export function describeGraphFailure(error: unknown): GraphFailure {
  if (error instanceof GraphError && error.statusCode > 0) {
    return {
      kind: 'http',
      status: error.statusCode,
      code: error.code ?? `HTTP${error.statusCode}`,
      message: error.message,
      requestId: error.requestId ?? error.headers?.get('request-id') ?? undefined,
      retryAfterSeconds: retryAfter(error.headers),
    };
  }
  // The Graph client wraps errors thrown before any response (the credential's, the network's) in a GraphError
  // with status -1 and the original error's name as its code.
  const name = error instanceof GraphError ? (error.code ?? error.name) : error instanceof Error ? error.name : '';
  if (authenticationErrorNames.has(name)) {
    return { kind: 'authentication', status: 401, code: name, message: (error as Error).message };
  }
  const base = error instanceof Error ? error : new Error(String(error));
  return { kind: 'network', status: 0, code: innerName(base), message: base.message };
}
