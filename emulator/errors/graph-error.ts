// A Graph error travels as an exception from any pipeline stage or handler to the one place that writes Graph's
// envelope: {"error":{"code","message","innerError":{"date","request-id","client-request-id"},"details"?}}.

export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class GraphError extends Error {
  override readonly name = 'GraphError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { details?: GraphErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** Graph's innerError.date has second precision and no zone designator, e.g. 2024-03-08T10:22:05. */
function innerErrorDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function errorEnvelope(error: GraphError, requestId: string, clientRequestId: string, nowMs: number): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: { date: innerErrorDate(nowMs), 'request-id': requestId, 'client-request-id': clientRequestId },
      ...(error.extra.details ? { details: error.extra.details } : {}),
    },
  };
}
