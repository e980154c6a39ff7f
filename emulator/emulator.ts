// Starts the emulator: TLS material and signing key from the state directory, state from the data file (or
// memory), then an HTTPS server on loopback. `close()` stops accepting, drops keep-alive connections and resolves
// once the server is down.

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { emulatorInfo, type EmulatorInfo } from './control/control-plane.js';
import { createGraphRouter } from './graph/routes.js';
import { DeviceCodeStore } from './identity/device-codes.js';
import { SignInFlows } from './identity/device-login.js';
import { loadOrCreateSigningKey } from './identity/signing-key.js';
import { resolveOptions, startConfig, type EmulatorOptions } from './options.js';
import { createRandom } from './rng.js';
import { FaultInjector } from './server/faults.js';
import { createListener } from './server/listener.js';
import { CallStats } from './server/stats.js';
import { Throttle } from './server/throttle.js';
import { seedState } from './store/seed.js';
import { FileStateStore, MemoryStateStore, type StateStore } from './store/store.js';
import { loadOrCreateTlsMaterial } from './tls/certificates.js';

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  url: string;
  info: EmulatorInfo;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const store: StateStore = resolved.dataFile
    ? FileStateStore.open(resolved.dataFile, () => seedState(resolved))
    : new MemoryStateStore(seedState(resolved));
  const tls = await loadOrCreateTlsMaterial(resolved.stateDir);
  const signingKey = await loadOrCreateSigningKey(resolved.stateDir);
  const random = createRandom(resolved.seed);
  const ctx: EmulatorContext = {
    options: resolved,
    config: startConfig(resolved),
    store,
    clock: createClock(() => store.state.clockOffsetMs),
    random,
    signingKey,
    tls,
    faults: new FaultInjector(random),
    throttle: new Throttle(() => ctx.config.throttleScale),
    stats: new CallStats(),
    deviceCodes: new DeviceCodeStore(),
    signInFlows: new SignInFlows(),
    origin: '',
  };
  const server = createServer(
    { key: tls.serverKeyPem, cert: tls.serverCertPem, keepAliveTimeout: 5_000 },
    createListener(ctx, createGraphRouter()),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::', '127.0.0.1'].includes(resolved.host)
    ? '127.0.0.1'
    : resolved.host.includes(':')
      ? `[${resolved.host}]`
      : resolved.host;
  ctx.origin = `https://${host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: ctx.origin,
    info: emulatorInfo(ctx),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
