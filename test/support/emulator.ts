// A Graph emulator for one test file, with its control plane (the same HTTPS endpoints the dev stack uses) and the
// Graph settings that point the product's code at it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';
import type { FaultRuleInput } from '../../emulator/server/faults.js';
import { emulatorEnv } from '../../graph/embedded-emulator.js';
import { graphSettingsFromEnv, type GraphSettings } from '../../graph/settings.js';

/** A scripted fault, as `POST /_emulator/faults` takes it. */
export type FaultRule = FaultRuleInput;

/** GET /_emulator/objects, as far as the tests read it. */
export interface EmulatorObjects {
  users: { id: string; userPrincipalName: string }[];
  groups: { id: string; displayName: string; mailNickname: string }[];
  catalogResources: { id: string; originId: string; catalogId?: string }[];
  accessPackages: { id: string; displayName: string }[];
  resourceRoleScopes: { id: string }[];
  assignmentPolicies: { id: string; displayName: string }[];
  assignments: { id: string; state: string; targetId?: string }[];
  assignmentRequests: { id: string; requestType: string; state: string }[];
  groupMembers?: Record<string, string[]>;
  [key: string]: unknown;
}

export class EmulatorControl {
  readonly #dispatcher: Agent;
  constructor(
    readonly baseUrl: string,
    caPem: string,
  ) {
    this.#dispatcher = new Agent({ connect: { ca: caPem } });
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_emulator/${path}`, {
      method,
      dispatcher: this.#dispatcher,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} /_emulator/${path}: HTTP ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  objects = () => this.#call<EmulatorObjects>('GET', 'objects');
  stats = () => this.#call<Record<string, unknown>>('GET', 'stats');
  reset = () => this.#call<void>('POST', 'reset');
  setFaults = (rules: FaultRule[]) => this.#call<unknown>('POST', 'faults', { rules });
  clearFaults = () => this.#call<void>('DELETE', 'faults');
  setDeliveryFaults = (rules: { outcome: string; requestType?: string; times?: number }[]) =>
    this.#call<unknown>('POST', 'delivery-faults', { rules });
  advanceClock = (advanceMs: number) => this.#call<unknown>('POST', 'clock', { advanceMs });
  configure = (patch: Record<string, unknown>) => this.#call<unknown>('POST', 'config', patch);
  /** Which users have one of these strings as their password (passwords are stored hashed only). */
  passwordCheck = (candidates: string[]) => this.#call<{ matches: string[] }>('POST', 'password-check', { candidates });
  close = () => this.#dispatcher.close();
}

export interface TestEmulator {
  emulator: RunningEmulator;
  control: EmulatorControl;
  graph: GraphSettings;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const stateDir = mkdtempSync(join(tmpdir(), 'entra-saga-emulator-'));
  const emulator = await startEmulator({ port: 0, stateDir, deliveryDelayMs: 300, ...options });
  const caPem = readFileSync(emulator.info.caCertPath, 'utf8');
  const env = emulatorEnv(emulator.info);
  const control = new EmulatorControl(emulator.url, caPem);
  return {
    emulator,
    control,
    graph: graphSettingsFromEnv(env),
    env,
    async close() {
      await control.close();
      await emulator.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
