/** A UDP port number outside 1–65535 (0 only binds "any ephemeral port"). */
export class InvalidPortError extends Error {
  override readonly name = 'InvalidPortError';

  constructor(
    /** The value given. */
    readonly port: number,
  ) {
    super(`${port} is not a UDP port number`);
  }
}
