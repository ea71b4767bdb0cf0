/** A device configuration that does not fit its class's schema; `field` names where. */
export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';

  constructor(
    /** Dotted path of the offending field, e.g. `disks[0].path`; empty for the whole value. */
    readonly field: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
  }
}
