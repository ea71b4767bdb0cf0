/** No virtual switch of the host has the name asked for. */
export class VirtualSwitchNotFoundError extends Error {
  override readonly name = 'VirtualSwitchNotFoundError';

  constructor(
    /** The name asked for. */
    readonly switchName: string,
  ) {
    super(`there is no virtual switch named ${JSON.stringify(switchName)}`);
  }
}
