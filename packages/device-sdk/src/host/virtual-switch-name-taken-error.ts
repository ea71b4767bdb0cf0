/** A virtual switch was to be created with a name another switch of the host has. */
export class VirtualSwitchNameTakenError extends Error {
  override readonly name = 'VirtualSwitchNameTakenError';
  /** The field at fault, as in `DeviceConfigError`. */
  readonly field = 'name';

  constructor(
    /** The name asked for. */
    readonly switchName: string,
    /** The switch that has it, where its name differs (in case). */
    readonly existingName: string = switchName,
  ) {
    super(`name: ${JSON.stringify(switchName)} is already the name of virtual switch ${JSON.stringify(existingName)}`);
  }
}
