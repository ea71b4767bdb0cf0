/** A port was asked of a virtual switch that does not exist. */
export class UnknownSwitchError extends Error {
  override readonly name = 'UnknownSwitchError';

  constructor(
    /** The name asked for. */
    readonly switchName: string,
  ) {
    super(`there is no virtual switch named '${switchName}'`);
  }
}
