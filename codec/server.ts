// The codec server: lets the Temporal Web UI (and `temporal workflow show --codec-endpoint`) show decrypted
// payloads to operators, while Temporal itself only ever stores ciphertext.
//
//   POST {base}/encode | {base}/decode   body {"payloads":[{"metadata":{"k":"<base64>"},"data":"<base64>"}]}
//
// Every request needs the token: `Authorization: Bearer <token>`, or the token as the first path segment
// (`http://127.0.0.1:8888/<token>/decode`) for UIs that cannot send a header. Browsers are served only from the
// allowed origins (CORS); anything else is refused.

import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface CodecServerOptions {
  codec: PayloadCodec;
  token: string;
  /** Browser origins allowed to call, e.g. http://localhost:8233. */
  allowedOrigins: readonly string[];
  port?: number;
  host?: string;
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const maxBodyBytes = 8 * 1024 * 1024;

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const allowed = new Set(options.allowedOrigins);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (origin !== undefined) {
      if (!allowed.has(origin)) return send(403, { message: `origin ${origin} is not allowed` });
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'Origin');
      response.setHeader('access-control-allow-credentials', 'true');
    }
    if (request.method === 'OPTIONS') {
      response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      response.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      response.setHeader('access-control-max-age', '600');
      return send(204);
    }
    const segments = (request.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const pathToken = segments.length === 2 ? segments[0] : undefined;
    if (!(bearer && same(bearer, options.token)) && !(pathToken && same(pathToken, options.token))) {
      return send(401, { message: 'a valid codec token is required' });
    }
    const action = segments[segments.length - 1];
    if (request.method !== 'POST' || (action !== 'encode' && action !== 'decode'))
      return send(404, { message: 'POST /encode or /decode' });
    let payloads: Payload[];
    try {
      const body = JSON.parse(await readBody(request)) as { payloads?: JsonPayload[] };
      if (!Array.isArray(body.payloads)) throw new Error('payloads must be a list');
      payloads = body.payloads.map(fromJson);
    } catch (error) {
      return send(400, { message: `bad request: ${error instanceof Error ? error.message : String(error)}` });
    }
    try {
      const result = action === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      return send(200, { payloads: result.map(toJson) });
    } catch (error) {
      return send(400, { message: error instanceof Error ? error.message : String(error) });
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://${options.host ?? '127.0.0.1'}:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
