/** A VM configuration whose `name` another VM of the inventory already has (names compare case-insensitively). */
export class DuplicateVmNameError extends Error {
  override readonly name = 'DuplicateVmNameError';
  /** The field at fault, as in `DeviceConfigError`. */
  readonly field = 'name';

  constructor(
    /** The name asked for. */
    readonly vmName: string,
    /** The id of the VM that was being written. */
    readonly id: string,
    /** The id of the VM that already has the name. */
    readonly existingId: string,
  ) {
    super(`name: ${JSON.stringify(vmName)} is already the name of VM ${existingId}`);
  }
}
