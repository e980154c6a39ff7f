// This repository's own programs as child processes behind the guard: a TypeScript entry point run with tsx, and the
// provisioning worker started the way an operator starts it (`npm run worker`: bin/entra-saga-worker, which sets the
// process's malloc settings, then runs worker/main.ts).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess } from './managed-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export const workerCommand = join(root, 'bin/entra-saga-worker');

export interface RepoProcessOptions {
  /** The process's whole environment (configuration is read from it). */
  env: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Output lines kept for error messages. */
  tailLines?: number;
}

/** Passes a child's lines on with its name in front, for output shared by several children. */
export function prefixed(name: string, onLine?: (line: string) => void): ((line: string) => void) | undefined {
  return onLine ? (line) => onLine(`[${name}] ${line}`) : undefined;
}

/** A TypeScript entry point of this repository (e.g. emulator/main.ts) run with tsx. */
export function tsxProcess(name: string, entry: string, args: string[], options: RepoProcessOptions): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(root, entry), ...args],
    cwd: root,
    ...options,
  });
}

export function startWorkerCommand(options: RepoProcessOptions): ManagedProcess {
  return new ManagedProcess({ name: 'worker', command: workerCommand, args: [], ...options });
}
