// The running emulator's parts, handed to every pipeline stage and handler.

import type { EmulatorClock } from './clock.js';
import type { DeviceCodeStore } from './identity/device-codes.js';
import type { SignInFlows } from './identity/device-login.js';
import type { SigningKey } from './identity/signing-key.js';
import type { ResolvedOptions, RuntimeConfig } from './options.js';
import type { SeededRandom } from './rng.js';
import type { FaultInjector } from './server/faults.js';
import type { CallStats } from './server/stats.js';
import type { Throttle } from './server/throttle.js';
import type { StateStore } from './store/store.js';
import type { TlsMaterial } from './tls/certificates.js';

export interface EmulatorContext {
  readonly options: ResolvedOptions;
  /** Knobs that `POST /_emulator/config` changes at run time; reset restores the start values. */
  config: RuntimeConfig;
  readonly store: StateStore;
  readonly clock: EmulatorClock;
  readonly random: SeededRandom;
  readonly signingKey: SigningKey;
  readonly tls: TlsMaterial;
  readonly faults: FaultInjector;
  readonly throttle: Throttle;
  readonly stats: CallStats;
  /** Pending device authorizations (memory only; reset clears them). */
  readonly deviceCodes: DeviceCodeStore;
  /** The one-time tokens of the device sign-in page's forms. */
  readonly signInFlows: SignInFlows;
  /** https://127.0.0.1:PORT — known once the server listens. */
  origin: string;
}

export function graphBaseUrl(ctx: EmulatorContext): string {
  return `${ctx.origin}/v1.0`;
}
