// Entra's token-endpoint error body: {error, error_description "AADSTSnnnn: … Trace ID … Correlation ID …
// Timestamp …", error_codes, timestamp, trace_id, correlation_id, error_uri}. Descriptions never contain secrets.

import { randomUUID } from 'node:crypto';
import type { Reply } from '../server/exchange.js';

export function oauthError(
  status: number,
  error: string,
  aadsts: number,
  description: string,
  correlationId: string,
): Reply {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}
