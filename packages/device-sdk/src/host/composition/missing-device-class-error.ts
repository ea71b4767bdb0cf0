/** A device class id that no installed plugin provides, e.g. a VM configured for a plugin the host build lacks. */
export class MissingDeviceClassError extends Error {
  override readonly name = 'MissingDeviceClassError';

  constructor(
    /** The device class asked for. */
    readonly classId: string,
    /** The ids of the classes that are installed. */
    readonly installed: readonly string[],
  ) {
    const available = installed.length > 0 ? `installed classes: ${installed.join(', ')}` : 'no device classes are installed';
    super(`no installed plugin provides device class "${classId}" (${available}); add the plugin that provides it to the host build`);
  }
}
