/** The running VM has no device with this instance id, or the device has no such management operation. */
export class DeviceOperationNotFoundError extends Error {
  override readonly name = 'DeviceOperationNotFoundError';

  constructor(
    readonly instanceId: string,
    readonly operation: string,
  ) {
    super(`device ${instanceId} has no management operation ${JSON.stringify(operation)}`);
  }
}
