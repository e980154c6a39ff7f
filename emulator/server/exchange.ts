// One HTTP request as the pipeline sees it, and the reply a stage or handler produces.

import type { IncomingHttpHeaders } from 'node:http';

export interface Exchange {
  method: string;
  url: URL;
  /** The path as sent (percent-encoded), without the query string; the router decodes segments. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  requestId: string;
  clientRequestId: string;
  remoteAddress: string;
  /** Set by a fired fault rule: the listener holds the answer back this long once the call is handled and counted. */
  answerDelayMs: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
}

export function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
