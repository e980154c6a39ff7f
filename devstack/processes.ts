// This repository's own programs as child processes behind the guard: an entry point run the way this process runs
// (compiled from dist/, or TypeScript through tsx), and the provisioning worker started the way an operator starts it
// (`npm run worker`: bin/entra-saga-worker, which sets the process's malloc settings, then runs the worker).

import { join } from 'node:path';
import { compiled, modulePath, projectRoot } from '../config/project.js';
import { ManagedProcess } from './managed-process.js';

export const workerCommand = join(projectRoot, 'bin/entra-saga-worker');

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

/**
 * An entry point of this repository (e.g. `emulator/main`), compiled from dist/ when this process runs compiled,
 * else its TypeScript through tsx.
 */
export function repoProcess(name: string, entry: string, args: string[], options: RepoProcessOptions): ManagedProcess {
  const path = modulePath(entry);
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [...(compiled ? [] : ['--import', 'tsx']), path, ...args],
    cwd: projectRoot,
    ...options,
  });
}

export function startWorkerCommand(options: RepoProcessOptions): ManagedProcess {
  return new ManagedProcess({ name: 'worker', command: workerCommand, args: [], ...options });
}
