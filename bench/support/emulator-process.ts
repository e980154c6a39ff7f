// The Graph emulator as a process of its own (`emulator/main.ts` behind the dev stack's guard), on port 0 with a
// temporary state directory: its CPU and its injected latency never share an event loop with the client measured.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import { prefixed, repoProcess } from '../../devstack/processes.js';
import { type EmulatorInfo, emulatorGraphSettings, fetchEmulatorInfo } from '../../graph/local-emulator.js';
import type { GraphSettings } from '../../graph/settings.js';
import { EmulatorControl } from '../../emulator/control/client.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The emulator's realism knobs for one benchmark (see emulator/README.md). */
export interface EmulatorProfile {
  latencyMs: number;
  deliveryDelayMs: number;
  consistencyLagMs: number;
  /** × the documented identity limits; 0 turns throttling off. */
  throttleScale: number;
  /** The app roles its tokens grant, when not the emulator's defaults (an app or a site needs more). */
  permissions?: readonly string[];
}

export interface EmulatorProcess {
  process: ManagedProcess;
  info: EmulatorInfo;
  control: EmulatorControl;
  /** Graph settings pointing the project's Graph client at the emulator. */
  graph: GraphSettings;
  stop(): Promise<void>;
}

function emulatorArgs(profile: EmulatorProfile): string[] {
  return [
    '--latency-ms',
    String(profile.latencyMs),
    '--delivery-delay-ms',
    String(profile.deliveryDelayMs),
    '--consistency-lag-ms',
    String(profile.consistencyLagMs),
    '--throttle-scale',
    String(profile.throttleScale),
    ...(profile.permissions ? ['--permissions', profile.permissions.join(',')] : []),
  ];
}

export async function startEmulatorProcess(
  profile: EmulatorProfile,
  onLine?: (line: string) => void,
): Promise<EmulatorProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'entra-saga-bench-emulator-'));
  const child = repoProcess(
    'emulator',
    'emulator/main',
    ['--port', '0', '--state-dir', stateDir, ...emulatorArgs(profile)],
    {
      env: process.env,
      tailLines: 200,
      onLine: prefixed('emulator', onLine),
    },
  );
  const stop = async () => {
    await child.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const [, url = ''] = await child.waitForLine(/Graph emulator listening on (https:\/\/\S+)/, 120_000);
    const caPem = readFileSync(join(stateDir, 'ca.pem'), 'utf8');
    const info = await fetchEmulatorInfo(url, caPem);
    const control = new EmulatorControl(url, caPem);
    return {
      process: child,
      info,
      control,
      graph: emulatorGraphSettings(info, caPem),
      async stop() {
        await control.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
