/** A `--host` or `TSVISOR_HOST` value that names no daemon address the CLI can use. */
export class InvalidDaemonAddressError extends Error {
  override readonly name = 'InvalidDaemonAddressError';

  constructor(
    /** The address as given. */
    readonly address: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`invalid daemon address ${JSON.stringify(address)}: ${problem}`);
  }
}
