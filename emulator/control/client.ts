// A client for the emulator's control plane (`/_emulator/…`, loopback only) over HTTPS with the emulator's CA: what
// tests and benchmarks use to arrange faults, read the directory and count calls.

import { Agent, fetch } from 'undici';
import type { FaultRuleInput } from '../server/faults.js';
import type { StatsSnapshot } from '../server/stats.js';

/** `Objects` types GET /_emulator/objects as far as the caller reads it. */
export class EmulatorControl<Objects = Record<string, unknown>> {
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

  objects = () => this.#call<Objects>('GET', 'objects');
  /** Call counts; `calls` is keyed "METHOD route-template", e.g. "GET /v1.0/users/{id}". */
  stats = () => this.#call<StatsSnapshot>('GET', 'stats');
  clearStats = () => this.#call<void>('DELETE', 'stats');
  reset = () => this.#call<void>('POST', 'reset');
  /** The fault rules in force, with how many times each fired and how many firings it has left. */
  faults = () =>
    this.#call<{ rules: (FaultRuleInput & { fired: number; remaining: number | null })[] }>('GET', 'faults');
  setFaults = (rules: FaultRuleInput[]) => this.#call<unknown>('POST', 'faults', { rules });
  clearFaults = () => this.#call<void>('DELETE', 'faults');
  /** With `originSystem` (AadGroup, AadApplication, SharePointOnline) a rule fails or holds that kind of resource only. */
  setDeliveryFaults = (rules: { outcome: string; requestType?: string; originSystem?: string; times?: number }[]) =>
    this.#call<unknown>('POST', 'delivery-faults', { rules });
  advanceClock = (advanceMs: number) => this.#call<unknown>('POST', 'clock', { advanceMs });
  configure = (patch: Record<string, unknown>) => this.#call<unknown>('POST', 'config', patch);
  /**
   * Completes (or, with `decline`, declines) a pending device code as this user, as if they had signed in on the
   * emulator's /devicelogin page — for tests and demos of DeviceCodeCredential.
   */
  deviceSignIn = (userCode: string, userPrincipalName: string, decline = false) =>
    this.#call<{ userCode: string; outcome: 'approved' | 'declined'; userId: string; clientId: string }>(
      'POST',
      'device-sign-in',
      { userCode, userPrincipalName, decline },
    );
  /** Device codes waiting for a person (without their device_code). */
  deviceCodes = () =>
    this.#call<{
      deviceCodes: {
        userCode: string;
        clientId: string;
        clientDisplayName: string;
        scopes: string[];
        createdDateTime: string;
        expiresAt: string;
      }[];
    }>('GET', 'device-codes');
  /** Which users have one of these strings as their password (passwords are stored hashed only). */
  passwordCheck = (candidates: string[]) => this.#call<{ matches: string[] }>('POST', 'password-check', { candidates });
  close = () => this.#dispatcher.close();
}
