// The provisioning worker in its own process, started the way an operator starts it (`npm run worker`:
// bin/entra-saga-worker, which sets the process's malloc settings, then runs worker/main.ts), behind the guard.

import { fileURLToPath } from 'node:url';
import { ManagedProcess } from './managed-process.js';

export const workerCommand = fileURLToPath(new URL('../bin/entra-saga-worker', import.meta.url));

export interface WorkerProcessOptions {
  /** The worker's whole environment (configuration is read from it). */
  env: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Output lines kept for error messages. */
  tailLines?: number;
}

export function startWorkerCommand(options: WorkerProcessOptions): ManagedProcess {
  return new ManagedProcess({ name: 'worker', command: workerCommand, args: [], ...options });
}
