// The reconnect timeout: how long a command waits for Temporal to answer again once the connection is lost, before
// it exits 3. Apart from reconnect.ts so that reading the flag loads no gRPC code (--help and bad input answer fast).

import { CliError, ExitCode } from './exit-codes.js';

export const defaultReconnectTimeoutSeconds = 300;
const maxReconnectTimeoutSeconds = 86_400;

/** The reconnect timeout: --reconnect-timeout, else ENTRA_SAGA_RECONNECT_TIMEOUT, else 5 minutes. */
export function reconnectTimeoutSeconds(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  // A bad flag is bad input (2); a bad variable is a connection setting that is wrong (3), like TEMPORAL_ADDRESS.
  const [name, raw, exitCode] =
    flag !== undefined
      ? (['--reconnect-timeout', flag, ExitCode.BadInput] as const)
      : (['ENTRA_SAGA_RECONNECT_TIMEOUT', env.ENTRA_SAGA_RECONNECT_TIMEOUT, ExitCode.CannotConnect] as const);
  const value = raw?.trim() ?? '';
  if (flag === undefined && value === '') return defaultReconnectTimeoutSeconds;
  if (!/^\d{1,6}$/.test(value) || Number(value) > maxReconnectTimeoutSeconds) {
    throw new CliError(
      `${name} must be a whole number of seconds from 0 to ${maxReconnectTimeoutSeconds} (got "${value.slice(0, 40)}")`,
      exitCode,
    );
  }
  return Number(value);
}

/** "300 s" reads worse than "5 min" in a message. */
export function formatSeconds(seconds: number): string {
  return seconds >= 120 && seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
