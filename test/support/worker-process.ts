// A provisioning worker in its own process (`worker/main.ts`, exactly as `npm run worker` starts it), so that tests
// can SIGKILL it mid-run and start another.

import { fileURLToPath } from 'node:url';
import { ManagedProcess } from '../../devstack/managed-process.js';

const entry = fileURLToPath(new URL('../../worker/main.ts', import.meta.url));

export async function startWorkerProcess(env: Record<string, string>, onLine?: (line: string) => void): Promise<ManagedProcess> {
  const worker = new ManagedProcess({
    onLine,
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    env: { ...process.env, ENTRA_SAGA_LOG_FORMAT: 'json', ENTRA_SAGA_LOG_LEVEL: 'INFO', ...env },
    tailLines: 400,
  });
  await worker.waitForLine(/worker ready/, 120_000);
  return worker;
}
