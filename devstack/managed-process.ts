// A child process the dev stack owns: started behind devstack/guard.mjs so that it dies with us whatever way we
// die, with its recent output kept for error messages, and a stop() that waits until it is really gone.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const guardPath = fileURLToPath(new URL('./guard.mjs', import.meta.url));

export interface ManagedProcessOptions {
  /** Short name used in messages, e.g. "Temporal dev server". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with every line the process prints (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How many of the last output lines to keep for error messages. Default 40. */
  tailLines?: number;
}

export class ManagedProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #tailLines: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #lineWaiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#tailLines = options.tailLines ?? 40;
    this.#child = spawn(process.execPath, [guardPath, options.command, ...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.#child[stream]?.setEncoding('utf8');
      this.#child[stream]?.on('data', (chunk: string) => {
        partial += chunk;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#onLine(line, stream, options.onLine);
      });
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last lines the process printed, for error messages. */
  get recentOutput(): string {
    return this.#tail.join('\n');
  }

  #onLine(line: string, stream: 'stdout' | 'stderr', onLine: ManagedProcessOptions['onLine']): void {
    this.#tail.push(line);
    if (this.#tail.length > this.#tailLines) this.#tail.shift();
    onLine?.(line, stream);
    this.#lineWaiters = this.#lineWaiters.filter((waiter) => {
      const match = line.match(waiter.pattern);
      if (match) waiter.resolve(match);
      return !match;
    });
  }

  /**
   * Resolves with the first output line matching `pattern`; rejects if the process exits first or after `timeoutMs`.
   */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<RegExpMatchArray>((resolve) => this.#lineWaiters.push({ pattern, resolve })),
        this.exited.then(({ code, signal }) => {
          throw new Error(`${this.name} exited (${code ?? signal}) before it was ready:\n${this.recentOutput}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.recentOutput}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process (SIGTERM through the guard, which escalates to SIGKILL) and waits until it has exited. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    await this.exited;
  }

  /** SIGKILLs the command at once, as a crash would (the guard passes the kill on and then exits). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGUSR1');
    await this.exited;
  }
}
