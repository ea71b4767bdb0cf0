/** A VHD feature this implementation does not provide, such as differencing disks. */
export class VhdUnsupportedError extends Error {
  override readonly name = 'VhdUnsupportedError';

  /**
   * @param path - The image file.
   * @param feature - What is not supported, e.g. `differencing VHDs`.
   */
  constructor(
    readonly path: string,
    readonly feature: string,
  ) {
    super(`${path}: ${feature} are not supported`);
  }
}
