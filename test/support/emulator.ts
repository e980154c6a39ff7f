// A Graph emulator for one test file, with its control plane (the same HTTPS endpoints the dev stack uses) and the
// Graph settings that point the product's code at it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { EmulatorControl as Control } from '../../emulator/control/client.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';
import { emulatorEnv, emulatorGraphSettings } from '../../graph/local-emulator.js';
import type { GraphSettings } from '../../graph/settings.js';

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

/** The control plane, with its objects typed as the tests read them. */
type EmulatorControl = Control<EmulatorObjects>;

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
  const control = new Control<EmulatorObjects>(emulator.url, caPem);
  return {
    emulator,
    control,
    graph: emulatorGraphSettings(emulator.info, caPem),
    env,
    async close() {
      await control.close();
      await emulator.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
