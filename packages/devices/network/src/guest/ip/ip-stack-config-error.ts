/** An IP stack configuration, or the link it was given, with a value that cannot work. */
export class IpStackConfigError extends Error {
  override readonly name = 'IpStackConfigError';

  constructor(
    /** The field that is wrong (`address`, `netmask`, `arp.maxAttempts`, `link.mtu`…). */
    readonly field: string,
    /** Why. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
