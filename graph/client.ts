// Builds the one Graph client the activities use: @microsoft/microsoft-graph-client with an @azure/identity
// credential, against graph.microsoft.com or the emulator.
//
// The middleware chain is written out on purpose: authentication → call observer → telemetry → HTTP. The SDK's
// default chain also has a RetryHandler; it is left out because retries live in one layer, Temporal's activity retry
// policy, which honours Retry-After through the failure classifier (activities/failures.ts).

import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  TelemetryHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { TokenCredential } from '@azure/identity';
import { Agent } from 'undici';
import { createCredential, trustedCas } from './credential.js';
import type { GraphSettings } from './settings.js';

/** One finished HTTP exchange with Graph, for logs and metrics. Holds no header values but the ids. */
export interface GraphCall {
  method: string;
  /** Path and query, e.g. /v1.0/users?$filter=... */
  path: string;
  status: number;
  requestId?: string;
  clientRequestId?: string;
  durationMs: number;
}

export interface GraphClientOptions {
  /** Called after every Graph response (also errors); must not throw. */
  onCall?: (call: GraphCall) => void;
  /** Use this credential instead of the one the settings describe (tests acting as a user). */
  credential?: TokenCredential;
}

class GraphCallObserver implements Middleware {
  #next?: Middleware;
  constructor(private readonly onCall: (call: GraphCall) => void) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    const started = performance.now();
    // The SDK types these with DOM names; in Node they are a URL string (or a Request) and fetch options.
    const request = context.request as unknown as string | { url: string; method: string };
    const options = context.options;
    const url = typeof request === 'string' ? request : request.url;
    const method = (options?.method ?? (typeof request === 'string' ? 'GET' : request.method)).toUpperCase();
    try {
      await this.#next?.execute(context);
    } finally {
      const parsed = new URL(url);
      const response = context.response as unknown as
        { status: number; headers: { get(name: string): string | null } } | undefined;
      this.onCall({
        method,
        path: decodeURIComponent(parsed.pathname + parsed.search),
        status: response?.status ?? 0,
        requestId: response?.headers.get('request-id') ?? undefined,
        clientRequestId: response?.headers.get('client-request-id') ?? undefined,
        durationMs: Math.round(performance.now() - started),
      });
    }
  }
}

/** Splits https://host/v1.0 into the client's baseUrl (https://host/) and defaultVersion (v1.0). */
function splitBaseUrl(graphBaseUrl: string): { baseUrl: string; version: string; host: string } {
  const url = new URL(graphBaseUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const version = segments.pop() ?? 'v1.0';
  url.pathname = segments.length ? `/${segments.join('/')}/` : '/';
  return { baseUrl: url.toString(), version, host: url.hostname };
}

export function createGraphClient(settings: GraphSettings, options: GraphClientOptions = {}): Client {
  const credential = options.credential ?? createCredential(settings);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [settings.scope] });
  const { baseUrl, version, host } = splitBaseUrl(settings.graphBaseUrl);
  const ca = trustedCas(settings);
  const middleware: Middleware[] = [new AuthenticationHandler(authProvider)];
  if (options.onCall) middleware.push(new GraphCallObserver(options.onCall));
  middleware.push(new TelemetryHandler(), new HTTPMessageHandler());
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: version,
    middleware,
    // The AuthenticationHandler adds the bearer token only for Graph's own hosts and these.
    customHosts: host === 'graph.microsoft.com' ? undefined : new Set([host]),
    // Node's fetch takes an undici dispatcher; this one trusts the extra CA beside the default roots.
    ...(ca ? { fetchOptions: { dispatcher: new Agent({ connect: { ca } }) } } : {}),
  });
}
