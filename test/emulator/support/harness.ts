// Starts an emulator for a test file (port 0, temporary state directory) and gives tests what the product uses to
// reach Graph — an @azure/identity credential and the official Graph client, both trusting the emulator's CA —
// plus a control-plane client. Tests reset the emulator between cases and always close it.

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from '@azure/identity';
import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import {
  startEmulator,
  type EmulatorInfo,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../emulator/index.js';

export const graphScope = 'https://graph.microsoft.com/.default';

interface ControlClient {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** Raw response, for asserting control-plane errors. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

export interface EmulatorHarness {
  emulator: RunningEmulator;
  info: EmulatorInfo;
  caPem: string;
  stateDir: string;
  /** undici dispatcher trusting the emulator CA; pass as `dispatcher` to fetch. */
  dispatcher: Agent;
  control: ControlClient;
  appCredential(): ClientSecretCredential;
  userCredential(username: string, password: string): UsernamePasswordCredential;
  /** The official Graph client, authenticated by `credential` (default: a fresh app credential). */
  graph(credential?: TokenCredential): Client;
  /** A Graph client sending a fixed token (for expired, forged or otherwise crafted tokens). */
  graphWithToken(token: string): Client;
  /** Raw HTTPS to the emulator (fetch with the CA-trusting dispatcher). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions extends EmulatorOptions {
  /** Keep the state directory after close (persistence tests reuse it). */
  keepStateDir?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<EmulatorHarness> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'graph-emulator-test-'));
  const emulator = await startEmulator({ deliveryDelayMs: 300, ...options, port: 0, stateDir });
  const info = emulator.info;
  const caPem = readFileSync(info.caCertPath, 'utf8');
  const dispatcher = new Agent({ connect: { ca: caPem } });
  const rawFetch = (path: string, init: RequestInit = {}) => fetch(`${emulator.url}${path}`, { ...init, dispatcher });

  const control: ControlClient = {
    request: (method, path, body) =>
      rawFetch(`/_emulator/${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
      }),
    async get<T>(path: string) {
      return (await expectOk(await control.request('GET', path))).json() as Promise<T>;
    },
    async post<T>(path: string, body?: unknown) {
      const response = await expectOk(await control.request('POST', path, body ?? {}));
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
    async delete(path: string) {
      await expectOk(await control.request('DELETE', path));
    },
  };

  const credentialOptions = {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: caPem },
  };
  const graphFor = (authProvider: AuthenticationProvider) =>
    Client.initWithMiddleware({
      authProvider,
      baseUrl: info.graphBaseUrl.replace(/\/v1\.0$/, ''),
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(info.graphBaseUrl).hostname]),
      fetchOptions: { dispatcher },
    });

  const appCredential = () =>
    new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, credentialOptions);
  return {
    emulator,
    info,
    caPem,
    stateDir,
    dispatcher,
    control,
    appCredential,
    userCredential: (username, password) =>
      new UsernamePasswordCredential(info.tenantId, info.clientId, username, password, credentialOptions),
    graph: (credential) =>
      graphFor(new TokenCredentialAuthenticationProvider(credential ?? appCredential(), { scopes: [graphScope] })),
    graphWithToken: (token) => graphFor({ getAccessToken: () => Promise.resolve(token) }),
    fetch: rawFetch,
    reset: () => control.post('reset'),
    async close() {
      await emulator.close();
      await dispatcher.close();
      if (!options.keepStateDir && !options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function expectOk(response: Response): Promise<Response> {
  if (!response.ok) throw new Error(`Control plane answered ${response.status}: ${await response.text()}`);
  return response;
}

/**
 * The usual lifecycle of an emulator test file in one call: one emulator for the file, reset before each test,
 * closed after. Returns the harness, usable from the first test on.
 */
export function useHarness(options: HarnessOptions = {}): EmulatorHarness {
  let current: EmulatorHarness | undefined;
  beforeAll(async () => {
    current = await startHarness(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    await current?.reset();
  });
  return new Proxy({} as EmulatorHarness, {
    get(_, key: keyof EmulatorHarness) {
      if (!current) throw new Error('the emulator harness is used before its beforeAll ran');
      // The harness's members are closures over its state, so they can be handed out as they are.
      return Reflect.get(current, key) as unknown;
    },
  });
}
