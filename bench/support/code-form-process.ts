// The product's commands run in one code form (`ENTRA_SAGA_CODE_FORM`, bin/code-form.mjs): the compiled build or the
// TypeScript through tsx. They are spawned directly, not behind the dev stack's guard, so that a timing from spawn
// is the command's own and not also a guard's start; a worker still running when this process exits (an error, or
// Ctrl-C) is killed then.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { workerCommand } from '../../devstack/processes.js';
import { repoRoot } from './emulator-process.js';
import { processCpuSeconds } from './process-cpu.js';

export type CodeForm = 'build' | 'source';

/** Each form's name in reports: the source form is "today's tsx form". */
export const formName: Record<CodeForm, string> = { build: 'build', source: 'tsx' };

const cliPath = `${repoRoot}bin/entra-saga.mjs`;
const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));
// Ctrl-C: exit, so that the handler above runs (the dev stack's children behind their guards stop by themselves).
process.once('SIGINT', () => process.exit(130));

export interface CommandTiming {
  /** Spawn to exit (ms, performance.now()). */
  wallMs: number;
  /** Date.now() at spawn, to set against times the Temporal server recorded. */
  spawnedAtMs: number;
  /** Date.now() at exit. */
  exitedAtMs: number;
  /**
   * CPU seconds the command used (all its threads), read every 10 ms while it runs: the last reading before it
   * exited. Unlike wall time, it hardly moves when other work shares the cores.
   */
  cpuSeconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/entra-saga.mjs <args>` in `form` and times it from spawn to exit. `auto`: as an operator runs it,
 * without ENTRA_SAGA_CODE_FORM, so the command itself finds whether the build is current (bin/code-form.mjs).
 */
export function timeCli(form: CodeForm | 'auto', args: string[], env: NodeJS.ProcessEnv): Promise<CommandTiming> {
  const { ENTRA_SAGA_CODE_FORM: _chosen, ...rest } = env;
  const spawnedAtMs = Date.now();
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: form === 'auto' ? rest : { ...rest, ENTRA_SAGA_CODE_FORM: form },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  let cpuSeconds = 0;
  const cpu = setInterval(() => {
    try {
      cpuSeconds = processCpuSeconds(child.pid ?? -1);
    } catch {
      // It has just exited.
    }
  }, 10);
  return new Promise((resolve, reject) => {
    let exit: Omit<CommandTiming, 'stdout' | 'stderr'> | undefined;
    child.on('error', reject);
    child.on('exit', (code) => {
      exit = { wallMs: performance.now() - started, spawnedAtMs, exitedAtMs: Date.now(), cpuSeconds, code };
      clearInterval(cpu);
    });
    // 'close' comes after 'exit', once the output is read to its end.
    child.on('close', () => exit && resolve({ ...exit, ...out }));
  });
}

export interface FormWorker {
  form: CodeForm;
  /** The node process running the worker (bin/entra-saga-worker execs node, so it keeps the spawned pid). */
  pid: number;
  /** Spawn to the "worker ready" log line (ms). */
  readyMs: number;
  /** performance.now() when it was ready. */
  readyAt: number;
  /** CPU seconds the process used (all its threads) from spawn to ready. */
  cpuSecondsToReady: number;
  readyLine: string;
  /** SIGTERM (the worker shuts down gracefully), SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `bin/entra-saga-worker` in `form` and waits for its "worker ready" line. */
export async function startFormWorker(
  form: CodeForm,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<FormWorker> {
  const started = performance.now();
  const child = spawn(workerCommand, [], {
    cwd: repoRoot,
    env: { ...env, ENTRA_SAGA_CODE_FORM: form },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const tail: string[] = [];
  let readyAt = Number.NaN;
  let cpuSecondsToReady = Number.NaN;
  try {
    const readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "worker ready" within ${timeoutMs} ms`)), timeoutMs);
      let partial = '';
      const onData = (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 40) tail.shift();
          // The worker logs JSON: the message ends at its closing quote.
          const ready = /worker ready[^"]*/.exec(line);
          if (ready && Number.isNaN(readyAt)) {
            readyAt = performance.now();
            cpuSecondsToReady = processCpuSeconds(child.pid ?? -1);
            clearTimeout(timer);
            resolve(ready[0]);
          }
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${formName[form]} worker exited (${code ?? signal}) before it was ready`));
      });
    });
    const pid = child.pid ?? -1;
    // bin/entra-saga-worker is a shell script that execs node: by now the pid is node's, not the shell's.
    const exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    if (!/(^|\/)node$/.test(exe)) throw new Error(`worker pid ${pid} runs ${exe}, not node`);
    return { form, pid, readyMs: readyAt - started, readyAt, cpuSecondsToReady, readyLine, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${tail.join('\n')}`, { cause: error });
  }
}
