// The CLI's exit codes: scripts branch on them.
export const ExitCode = {
  /** The command did what was asked; for run/result: the provisioning completed. */
  Ok: 0,
  /** The run failed, was compensated (rolled back) or was cancelled. */
  RunFailed: 1,
  /** Bad input: unknown flag, invalid value, a catalog or workflow that does not exist. Nothing was created. */
  BadInput: 2,
  /**
   * Temporal could not be reached or the connection settings are wrong; also when it stayed unreachable past the
   * reconnect timeout while a command waited: what Temporal did meanwhile is not known.
   */
  CannotConnect: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the CLI with one line and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The run the command was about, for --json (a script follows it up). */
    readonly workflowId?: string,
  ) {
    super(message);
  }
}
