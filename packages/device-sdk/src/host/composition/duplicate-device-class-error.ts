/**
 * Two VSP factories for one device class: a host must know which one serves a device. A plugin
 * that means to replace another's factory rebinds that plugin's service instead.
 */
export class DuplicateDeviceClassError extends Error {
  override readonly name = 'DuplicateDeviceClassError';

  constructor(
    /** The device class provided twice. */
    readonly classId: string,
    /** The packages that declare the class, as far as known. */
    readonly packageNames: readonly string[],
  ) {
    const quoted = packageNames.map((name) => `"${name}"`);
    const by =
      quoted.length >= 2
        ? ` (declared by ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)})`
        : quoted.length === 1
          ? ` (declared by ${quoted[0]})`
          : '';
    super(
      `device class "${classId}" has more than one VSP factory${by}; ` +
        `to replace a plugin's factory, rebind that plugin's service rather than binding a second factory`,
    );
  }
}
