// The HTTP entry point, written out in order (the Azurite way):
//   request id → control plane (/_emulator, loopback only) | identity endpoints | Graph pipeline
//   → one place that turns any GraphError into Graph's envelope, echoes request-id / client-request-id and counts
//   the call → the answer (a scripted fault may hold it back), written unless the client has gone.
// A call once received runs to the end whatever its client does, as on a real server. Unexpected errors are logged
// (message only; bodies and headers may hold secrets) and become 500.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from '../context.js';
import { serveControl } from '../control/control-plane.js';
import { errorEnvelope, GraphError } from '../errors/graph-error.js';
import { graphErrors } from '../errors/graph-errors.js';
import type { Router } from '../graph/router.js';
import { header, type Exchange, type Reply } from './exchange.js';
import { serveGraph } from './graph-pipeline.js';
import { matchIdentity } from './identity-routes.js';

const maxBodyBytes = 4 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new GraphError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function write(res: ServerResponse, exchange: Exchange, reply: Reply): void {
  const headers: Record<string, string> = {
    'request-id': exchange.requestId,
    'client-request-id': exchange.clientRequestId,
    'x-ms-ags-diagnostic': JSON.stringify({
      ServerInfo: { DataCenter: 'Local Emulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'EMULATOR' },
    }),
    'Strict-Transport-Security': 'max-age=31536000',
    ...reply.headers,
  };
  let payload: string | undefined;
  if (reply.text !== undefined) {
    payload = reply.text;
    headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] =
      reply.contentType ??
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export function createListener(
  ctx: EmulatorContext,
  router: Router,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(ctx, router, req, res);
  };
}

async function handle(ctx: EmulatorContext, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const exchange: Exchange = {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', ctx.origin),
    path: '',
    headers: req.headers,
    rawBody: Buffer.alloc(0),
    requestId,
    clientRequestId: requestId,
    remoteAddress: req.socket.remoteAddress ?? '',
    answerDelayMs: 0,
  };
  exchange.path = exchange.url.pathname;
  exchange.clientRequestId = header(exchange, 'client-request-id') ?? requestId;
  let routeKey: string | undefined;
  let reply: Reply;
  try {
    exchange.rawBody = await readBody(req);
    if (exchange.path === '/_emulator' || exchange.path.startsWith('/_emulator/')) {
      reply = await serveControl(ctx, exchange);
    } else {
      const identity = matchIdentity(ctx, exchange);
      if (identity) {
        routeKey = identity.routeKey;
        reply = await identity.serve();
      } else {
        reply = await serveGraph(ctx, router, exchange, (key) => (routeKey = key));
      }
    }
  } catch (error) {
    let graphError: GraphError;
    if (error instanceof GraphError) {
      graphError = error;
    } else {
      console.error(`[graph-emulator] ${exchange.method} ${exchange.path} failed: ${(error as Error).message}`);
      graphError = graphErrors.internal();
    }
    reply = {
      status: graphError.status,
      headers: graphError.extra.headers ?? {},
      body: errorEnvelope(graphError, exchange.requestId, exchange.clientRequestId, Date.now()),
    };
  }
  if (routeKey) ctx.stats.record(routeKey, reply.status);
  // A late answer (scripted): the call has been handled and counted already. A client that gave up meanwhile has
  // closed its socket, which undoes nothing; its answer is simply not written.
  if (exchange.answerDelayMs > 0) await sleep(exchange.answerDelayMs);
  if (res.destroyed) return;
  write(res, exchange, reply);
}
