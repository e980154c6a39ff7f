// A provisioning worker in its own process (bin/entra-saga-worker, exactly as `npm run worker` starts it), so that
// tests can SIGKILL it mid-run and start another.

import type { ManagedProcess } from '../../devstack/managed-process.js';
import { startWorkerCommand } from '../../devstack/processes.js';

/** `env` is laid over this process's environment; a variable given as undefined is left out. */
export async function startWorkerProcess(
  env: Record<string, string | undefined>,
  onLine?: (line: string) => void,
): Promise<ManagedProcess> {
  const merged = { ...process.env, ENTRA_SAGA_LOG_FORMAT: 'json', ENTRA_SAGA_LOG_LEVEL: 'INFO', ...env };
  const worker = startWorkerCommand({
    onLine,
    env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
    tailLines: 400,
  });
  await worker.waitForLine(/worker ready/, 120_000);
  return worker;
}
