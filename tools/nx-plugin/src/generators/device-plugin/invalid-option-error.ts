/** An option of the `device-plugin` generator that cannot be used; `option` names it. */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';

  constructor(
    /** The option that was wrong, e.g. `name`. */
    readonly option: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`--${option}: ${problem}`);
  }
}
