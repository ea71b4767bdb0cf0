/** The VM has no device with this instance id, or that device (while the VM runs) has no such operation. */
export class DeviceNotFoundError extends Error {
  override readonly name = 'DeviceNotFoundError';

  constructor(
    readonly vm: string,
    readonly instanceId: string,
    /** The operation asked for, when the device exists but does not offer it. */
    readonly operation?: string,
  ) {
    super(
      operation === undefined
        ? `VM ${vm} has no device ${instanceId}`
        : `device ${instanceId} of VM ${vm} has no operation ${JSON.stringify(operation)} (or the VM is not running)`,
    );
  }
}
