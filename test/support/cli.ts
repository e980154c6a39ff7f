// Runs the entra-saga CLI in-process, as an operator would type it, capturing stdout, stderr and the exit code.

import { main } from '../../client/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON object --json promises. */
  json(): Record<string, unknown>;
}

/** Sees the CLI's output as it is written, to act at a moment of the run (restart Temporal once a stage shows). */
export interface CliWatch {
  stdout?(text: string): void;
  stderr?(text: string): void;
}

export async function cli(argv: string[], env: NodeJS.ProcessEnv, watch: CliWatch = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    {
      write: (t) => {
        stdout += t;
        watch.stdout?.(t);
      },
      isTTY: false,
    },
    {
      write: (t) => {
        stderr += t;
        watch.stderr?.(t);
      },
      isTTY: false,
    },
    env,
  );
  return {
    code,
    stdout,
    stderr,
    json: () => {
      const lines = stdout.trim().split('\n');
      expectOneLine(lines);
      return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    },
  };
}

function expectOneLine(lines: string[]): void {
  if (lines.length !== 1) throw new Error(`--json printed ${lines.length} lines:\n${lines.join('\n')}`);
}

/**
 * Runs a CLI command that signs a person in with the device code, and signs `userPrincipalName` in as soon as the
 * command shows its code — through the emulator's control plane, as the person would on its sign-in page.
 */
export async function cliSignedInAs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  signIn: { deviceSignIn(userCode: string, userPrincipalName: string): Promise<unknown> },
  userPrincipalName: string,
): Promise<CliResult & { prompt: string }> {
  let stdout = '';
  let stderr = '';
  const signedIn: Promise<unknown>[] = [];
  const code = await main(
    argv,
    { write: (t) => void (stdout += t), isTTY: false },
    {
      write: (t) => {
        stderr += t;
        const userCode = /enter the code (\S+) to authenticate/.exec(t)?.[1];
        if (userCode) signedIn.push(signIn.deviceSignIn(userCode, userPrincipalName));
      },
      isTTY: false,
    },
    env,
  );
  await Promise.all(signedIn);
  return {
    code,
    stdout,
    stderr,
    prompt: stderr,
    json: () => {
      const lines = stdout.trim().split('\n');
      expectOneLine(lines);
      return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    },
  };
}
