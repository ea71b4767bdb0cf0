/**
 * A token file that cannot be used: unreadable, not JSON, or not a valid list of tokens. `field`
 * is the offending field, e.g. `[1].role` (empty for the file as a whole); the underlying error, if
 * any, is the `cause`.
 */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';

  constructor(
    /** Path of the file. */
    readonly file: string,
    /** Dotted path of the offending field, as `DeviceConfigError` names it; empty for the whole file. */
    readonly field: string,
    /** What is wrong. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`, options);
  }
}
