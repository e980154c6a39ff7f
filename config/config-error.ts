/**
 * A setting that is missing or wrong. The message names the setting and says what is wrong with it; it never holds
 * the value of a secret.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting} ${problem}`);
  }
}
